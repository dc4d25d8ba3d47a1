# Две команды на чистой машине:  make lab  (JupyterLab на демо-каталоге)  и  make test.
# Всё остальное (виртуальное окружение, установка, демо-каталог) Makefile делает сам.

PYTHON    ?= python3
VENV      ?= .venv
BIN       := $(VENV)/bin
STAMP     := $(VENV)/.install-stamp
WORKSPACE ?= $(CURDIR)/workspace
LAB_ARGS  ?=
PYTEST_ARGS ?=

.PHONY: lab test lint demo bench clean help

help:
	@echo "make lab    — JupyterLab с демо-каталогом (рабочая папка $(WORKSPACE))"
	@echo "make test   — проверки: ruff и pytest"
	@echo "make demo   — только создать демо-каталог"
	@echo "make bench  — замеры скорости (долго, не входит в test)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

$(WORKSPACE)/catalogue.sqlite: | $(STAMP)
	$(BIN)/imk --home $(WORKSPACE) demo

demo: $(WORKSPACE)/catalogue.sqlite

lab: $(STAMP) $(WORKSPACE)/catalogue.sqlite
	$(BIN)/imk --home $(WORKSPACE) lab $(LAB_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench.search_latency

clean:
	rm -rf $(VENV) $(WORKSPACE) .pytest_cache .ruff_cache tests/output
