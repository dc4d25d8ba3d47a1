# Две команды на чистой машине:  make lab  (JupyterLab на демо-каталоге)  и  make test.
# Всё остальное (виртуальное окружение, установка, демо-каталог) Makefile делает сам.

PYTHON    ?= python3
VENV      ?= .venv
BIN       := $(VENV)/bin
STAMP     := $(VENV)/.install-stamp
WORKSPACE ?= $(CURDIR)/workspace
LAB_ARGS  ?=
CORPUS    ?= $(CURDIR)/../shared/corpus/real
CORPUS_HOME ?= $(CURDIR)/build/corpus-workspace
PYTEST_ARGS ?=

.PHONY: lab test test-fast lint demo bench bench-scale bench-corpus clean help

help:
	@echo "make lab    — JupyterLab с демо-каталогом (рабочая папка $(WORKSPACE))"
	@echo "make test   — проверки: make lint, затем pytest"
	@echo "make test-fast — быстрые тесты (50–56 с на двух свободных ядрах): без ядер Jupyter, браузера, OCR и других программ"
	@echo "make lint   — ruff check, ruff format --check, mypy"
	@echo "make demo   — только создать демо-каталог"
	@echo "make bench  — замеры скорости на демо-каталоге (долго, не входит в test)"
	@echo "make bench-scale — поиск на 10 000 и 100 000 записей рядом с FTS5 и Tantivy (SIZES=2000 — быстро)"
	@echo "make bench-corpus — релевантность и импорт на ../shared/corpus/real"

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
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

# The quick tier for every edit: no slow, kernel, browser, OCR, subprocess, real-corpus or
# PostgreSQL tests (markers in pyproject.toml; each xdist worker would start its own server),
# spread over the CPUs (pytest-xdist). The test processes keep their compiled modules
# (__pycache__, git-ignored) even where PYTHONDONTWRITEBYTECODE is set: every xdist worker and
# parsing child would otherwise compile the project and the tests again.
# Its temporary workspaces live in RAM (/dev/shm) where there is one, a folder per checkout
# emptied when the next run starts: a run writes about 6,000 files, SQLite syncs every commit,
# and on a disk that discards freed blocks at once pytest's clean-up of an old run's files
# alone took 11 s.
FAST_TMP  := $(if $(wildcard /dev/shm),--basetemp=/dev/shm/imk-test-fast-$(shell id -u)-$(shell printf %s '$(CURDIR)' | cksum | cut -d' ' -f1))
test test-fast: export PYTHONDONTWRITEBYTECODE :=
test-fast: export HYPOTHESIS_PROFILE ?= fast
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n auto -m "not (slow or kernel or browser or ocr or subprocess or real_corpus or postgresql)" --ignore=tests/browser $(FAST_TMP) $(PYTEST_ARGS)

bench: $(STAMP) $(WORKSPACE)/catalogue.sqlite
	$(BIN)/python -m bench.search_latency --home $(WORKSPACE)
	$(BIN)/python -m bench.export_speed --source $(WORKSPACE)
	$(BIN)/python -m bench.reports_scale --demo $(WORKSPACE)
	$(BIN)/python -m bench.limits

# Search at 10,000 and 100,000 records beside SQLite FTS5 and Tantivy (catalogues kept in build/scale).
bench-scale: $(STAMP)
	$(BIN)/python -m bench.scale --sizes $(or $(SIZES),10000,100000)

# The real-document benchmarks need ../shared/corpus/real (not part of a user's clone).
bench-corpus: $(STAMP)
	rm -rf $(CORPUS_HOME)
	$(BIN)/imk --home $(CORPUS_HOME) init
	$(BIN)/imk --home $(CORPUS_HOME) import $$(sed 1d $(CORPUS)/MANIFEST.tsv | cut -f1 | sed 's|^|$(CORPUS)/|')
	$(BIN)/python -m bench.relevance --home $(CORPUS_HOME) --corpus $(CORPUS) --backend postgresql
	$(BIN)/python -m bench.morphology --home $(CORPUS_HOME) --corpus $(CORPUS)
	$(BIN)/python -m bench.ingest_accuracy --corpus $(CORPUS)

clean:
	rm -rf $(VENV) $(WORKSPACE) .pytest_cache .ruff_cache tests/output
