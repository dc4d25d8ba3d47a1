"""Reports as a methodist reads them: no ``<NA>``, ``nan`` or ISO dates in the panel, the HTML
file or the terminal; an empty cell where a value is missing (in coverage: not taught); a
period that ends before it starts refused; expired categories a labelled state, never a
negative countdown."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from catalogue import i18n
from catalogue.reports import REPORTS, display
from catalogue.reports.data import BadPeriod
from catalogue.workspace import Workspace
from imk.cli import build_cli

CLI = build_cli()
TODAY = dt.date(2026, 11, 27)
RAW = ("<NA>", "&lt;NA&gt;", "NaT", "nan", "None")
ISO_DATE = re.compile(r"\b\d{4}-\d\d-\d\d\b")


@pytest.fixture(scope="module")
def ws(demo_home):
    with Workspace.open(demo_home) as opened:
        yield opened


@pytest.fixture(scope="module")
def tables(ws):
    return {name: report.run(ws, today=TODAY) for name, report in REPORTS.items()}


@pytest.mark.parametrize("name", list(REPORTS))
@pytest.mark.parametrize("shape", ["html", "text"])
def test_no_raw_values_in_what_people_read(tables, name, shape):
    table = tables[name]
    text = display.html_table(table) if shape == "html" else display.text_table(table)
    assert not [raw for raw in RAW if raw in text], text[:500]
    assert not ISO_DATE.search(text), ISO_DATE.search(text)


@pytest.mark.parametrize(
    ("value", "ru", "en"),
    [
        (None, "", ""),
        (pd.NA, "", ""),
        (float("nan"), "", ""),
        (pd.NaT, "", ""),
        (dt.date(2026, 3, 8), "08.03.2026", "2026-03-08"),
        (pd.Timestamp("2026-03-08"), "08.03.2026", "2026-03-08"),
        (5.0, "5", "5"),
        (0.25, "0,25", "0.25"),
        (12, "12", "12"),
        (True, "да", "yes"),
        (["5", "6"], "5, 6", "5, 6"),
        ("<b>", "<b>", "<b>"),
    ],
)
def test_cell_text(value, ru, en):
    assert display.cell_text(value) == ru
    i18n.set_language("en")
    assert display.cell_text(value) == en


def test_coverage_leaves_untaught_cells_empty(tables):
    table = tables["coverage"]
    html = display.html_table(table)
    untaught = int(table.isna().sum().sum())
    assert untaught > 0  # the legend's «пустая клетка — не изучается» has cells to mean
    assert html.count('<td style="text-align: right"></td>') == untaught
    assert html.startswith("<table") and ">Предмет</th>" in html


def test_html_is_escaped():
    table = pd.DataFrame({"Название": ["<script>alert(1)</script>"], "Записей": [3]})
    html = display.html_table(table)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<td style="text-align: right">3</td>' in html


@pytest.mark.parametrize(
    "name", [n for n, r in REPORTS.items() if {"start", "end"} & set(r.params)]
)
def test_a_period_ending_before_it_starts_is_refused(ws, name):
    with pytest.raises(BadPeriod) as err:
        REPORTS[name].run(ws, start=dt.date(2026, 9, 1), end=dt.date(2026, 1, 1), today=TODAY)
    assert str(err.value) == i18n.t("report.bad_period", start="01.09.2026", end="01.01.2026")


def test_attestation_never_counts_down_below_zero(ws):
    table = REPORTS["attestation"].run(ws, today=TODAY, months=120)
    days, state = table["Дней осталось"], table["Состояние"]
    expired = state.str.startswith("срок истёк")
    assert expired.any() and (~expired).any()
    assert days[expired].isna().all()
    assert (days[~expired].dropna() >= 0).all()
    for ends, label in zip(table["Действует до"][expired], state[expired], strict=True):
        assert label == f"срок истёк {ends:%d.%m.%Y}"
    first_expired = int(expired.to_numpy().argmax())
    assert not expired.iloc[:first_expired].any() and expired.iloc[first_expired:].all()


@pytest.mark.parametrize(
    ("args", "header", "lang"),
    [
        (("coverage",), "Предмет", "ru"),
        (("attestation", "--today", "27.11.2026"), "Педагог", "ru"),
        (("attestation", "--today", "2026-11-27"), "Teacher", "en"),
        (("backlog", "--today", "27.11.2026"), "Код записи", "ru"),
    ],
)
def test_the_terminal_table(demo_home, args, header, lang):
    result = CliRunner().invoke(
        CLI, ["--lang", lang, "--home", str(demo_home), "report", *args], catch_exceptions=False
    )
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith(header)  # no pandas index column before it
    assert set(lines[1]) <= {"─", " "}
    assert not [raw for raw in RAW if raw in result.stdout]
