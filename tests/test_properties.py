"""Property-based tests (hypothesis): the query language never raises, the record validator
and normaliser hold on any values, spreadsheet rows come back as typed (any encoding mix), and
the ГОСТ formatter keeps its typography on any record. Example counts are bounded so the file
runs in seconds (``make test-fast`` runs fewer: ``HYPOTHESIS_PROFILE=fast``);
``HYPOTHESIS_PROFILE=thorough`` runs many more."""

from __future__ import annotations

import csv
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.citations import cite
from catalogue.extract import Limits
from catalogue.extract.text import decode_lines
from catalogue.ingest import tables
from catalogue.records import new
from catalogue.validation import normalise, validate
from index.engine import CatalogueIndex
from index.query import plan, to_query
from index.schema import build_schema

settings.register_profile(
    "quick",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "fast",  # make test-fast: the quick check of every property, fewer examples
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))

WORDS = [
    "дроби",
    "Дроби",
    "урок",
    "класс",
    "5",
    "V",
    "5-й",
    "5–7",
    "ИЛИ",
    "НЕ",
    "И",
    "OR",
    "NOT",
    "AND",
    "предмет:",
    "класс:",
    "год:",
    "год:2020..2023",
    "автор:",
    "тип:",
    "название:",
    "школа:",
    "под",
    "редакцией",
    "ОБЖ",
    "ИЗО",
    "-",
    '"',
    "(",
    ")",
    ":",
    "*",
    "?",
    "^",
    "~",
    "..",
    "\\",
    "{",
    "}",
    "[",
    "]",
]
query_text = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join),
    st.lists(st.sampled_from(WORDS), max_size=12).map("".join),
)
RUSSIAN_WORDS = ["Урок", "дробей", "Иванова", "М.П.", "класс", "«Сказка»", "№5", "ёжик", "ИЗО"]
text_cell = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30
) | st.lists(st.sampled_from(RUSSIAN_WORDS), max_size=5).map(" ".join)


@pytest.fixture(scope="module")
def small_index(tmp_path_factory) -> CatalogueIndex:
    """A real workspace and Whoosh index with a few records, for searching odd queries."""
    from catalogue.workspace import Workspace

    ws = Workspace.create(tmp_path_factory.mktemp("props") / "ws")
    for title in ("Дроби, 5 класс", "Конспект урока ИЗО", "Проценты: 6-й класс"):
        ws.store.save(new("material", title=title, subjects=["Математика"]), "test")
    CatalogueIndex.build(ws)
    return CatalogueIndex.open(ws)


# -- the query language -------------------------------------------------------------------


@given(query_text)
def test_a_query_plan_never_raises(query):
    the_plan = plan(query)
    assert to_query(the_plan, build_schema()) is not None
    assert isinstance(the_plan.words, list)


@given(query_text)
def test_searching_any_text_never_raises(small_index, query):
    result = small_index.search(query)
    assert result.total >= 0 and len(result.hits) <= result.total


# -- the record validator -----------------------------------------------------------------

values = st.one_of(st.none(), st.integers(-10, 3000), text_cell)


@st.composite
def records(draw):
    kind = draw(st.sampled_from(["material", "media", "portfolio"]))
    record = new(kind)
    record.title = draw(text_cell)
    record.authors = draw(st.lists(text_cell, max_size=4))
    record.subjects = draw(st.lists(st.sampled_from(["математика", "ИЗО", "Алхимия", ""])))
    record.grades = draw(st.lists(st.sampled_from(["5", "13", "V", "", "1-4"]), max_size=3))
    record.year = draw(st.one_of(st.none(), st.integers(-5, 3000)))
    record.links = draw(st.lists(st.sampled_from(["https://school.ru", "ftp://x", "x"])))
    record.keywords = draw(st.lists(text_cell, max_size=3))
    if kind == "media":
        record.isbn = draw(st.sampled_from(["", "978-5-09-087581-3", "123", "ISBN"]))
        record.pages = draw(st.one_of(st.none(), st.integers(-3, 900)))
    if kind == "portfolio":
        record.teacher = draw(text_cell)
        record.birth_date = draw(st.sampled_from(["", "1980-02-30", "1980-02-03", "вчера"]))
    return record


@given(records())
def test_the_validator_names_a_real_field_for_every_problem(record):
    normalise(record)
    for error in validate(record):
        assert hasattr(record, error.field)
        assert error.message.startswith("Поле «") or "«" in error.message


@given(records())
def test_normalising_twice_changes_nothing(record):
    once = normalise(record)
    snapshot = repr(once)
    assert repr(normalise(once)) == snapshot


# -- spreadsheet rows ---------------------------------------------------------------------


def cleaned(cell: str) -> str:
    return " ".join(cell.replace("\u00a0", " ").split())


rows_strategy = st.lists(st.lists(text_cell, min_size=1, max_size=4), min_size=1, max_size=8)


@given(rows_strategy, st.sampled_from([";", ","]))
def test_csv_rows_come_back_as_typed(tmp_path_factory, rows, delimiter):
    path = tmp_path_factory.mktemp("csv") / "rows.csv"
    header = ["Название", "Авторы", "Класс", "Год"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows([header, *rows])
    sheet = tables.load(path, Limits())
    expected = [header] + [[cleaned(c) for c in row] for row in rows]
    for want, got in zip(expected, sheet.rows, strict=False):
        while want and not want[-1]:
            want = want[:-1]
        assert got == want
    for row in tables.parse(sheet, path.name):
        assert row.number >= 2 and isinstance(row.problems, list)


@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from([*RUSSIAN_WORDS, "Tema", "5"]), min_size=1, max_size=5),
            st.sampled_from(["utf-8", "cp1251"]),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_lines_in_mixed_encodings_decode_to_what_was_written(lines):
    written = [" ".join(words) + "\n" for words, _encoding in lines]
    data = b"".join(text.encode(enc) for text, (_w, enc) in zip(written, lines, strict=True))
    assert [text for text, _enc in decode_lines(data)] == written


def test_xlsx_rows_come_back_as_typed(tmp_path):
    import openpyxl

    @given(rows_strategy)
    @settings(max_examples=15)
    def check(rows):
        path = tmp_path / "rows.xlsx"
        book = openpyxl.Workbook()
        for row in [["Название", "Авторы"], *rows]:
            book.active.append(row)
            for cell in book.active[book.active.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text typed as «=0» is text, not a formula
        book.save(path)
        got = tables.load(path, Limits()).rows
        want = [["Название", "Авторы"]] + [[cleaned(c) for c in row] for row in rows]
        assert [r for r in got if r] == [_trim(r) for r in want if _trim(r)]

    check()


def _trim(row: list[str]) -> list[str]:
    while row and not row[-1]:
        row = row[:-1]
    return row


# -- the ГОСТ formatter -------------------------------------------------------------------

names = st.lists(st.sampled_from(["Иванова", "Пётр", "Анна", "Сергеевна", "Ли", "фон"]), max_size=3)


@given(
    st.sampled_from(["material", "media"]),
    text_cell.filter(lambda s: s.strip()[:1].isalnum()),  # the marks checked are the formatter's
    st.lists(names.map(" ".join), max_size=5),
    st.one_of(st.none(), st.integers(1800, 2030)),
    text_cell,
)
def test_a_gost_reference_keeps_its_typography(kind, title, authors, year, publisher):
    record = new(kind, title=title, authors=[a for a in authors if a.strip()], year=year)
    if kind == "media":
        record.publisher = publisher
    reference = cite(record)
    assert reference.endswith(".")
    assert "\n" not in reference
    assert not reference.startswith(("\u2013", ":", "/", ";"))
    for mark in ("  ", " ,"):  # unless the user typed it
        assert mark in title + "|" + publisher.strip() or mark not in reference
    assert " \u2013 " not in reference  # a dash is always preceded by a no-break space
