"""The federal list of textbooks as structured records: list number, appendix, term, publisher,
subject as listed, order; re-importing a newer (or modified) list updates records by number,
keeps their history and reports what was added, excluded and whose term changed."""

from __future__ import annotations

import shutil
import sqlite3

import openpyxl
import pytest

from catalogue import schema
from catalogue.ingest import fpu
from catalogue.ingest.pipeline import import_paths
from catalogue.records import Media
from catalogue.store import Store
from catalogue.textbooks import generator
from catalogue.textbooks.importing import federal_books
from catalogue.textbooks.storage import TextbookTables
from catalogue.validation import ValidationError, check
from catalogue.workspace import Workspace
from tests.conftest import REAL_CORPUS

FPU = REAL_CORPUS / "xlsx" / "fpu_federalnyy_perechen_dlya_zagruzki_negativnyy.xlsx"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("До 25 апреля 2027 года", "2027-04-25"),
        ("До\u00a031 августа 2025\u00a0года", "2025-08-31"),
        ("до 6 мая 2027 г.", "2027-05-06"),
        ("До 1 сентября 2026 года ", "2026-09-01"),
        ("31.08.2028", "2028-08-31"),
        ("бессрочно", ""),
        ("Бессрочно", ""),
        ("", ""),
        ("—", ""),
    ],
)
def test_term_of_validity_is_parsed(text, iso):
    assert fpu.parse_valid_until(text) == iso


@pytest.mark.parametrize("text", ["До 3! августа 2025 года", "когда-нибудь", "До 31 авгста 2025"])
def test_an_unreadable_term_is_refused(text):
    with pytest.raises(ValueError):
        fpu.parse_valid_until(text)


@pytest.mark.parametrize(
    ("field", "value"),
    [("list_appendix", "3"), ("list_number", "1.x.2"), ("valid_until", "31.13.2027")],
)
def test_list_fields_are_validated_with_russian_messages(field, value):
    record = Media(title="Математика: 5-й класс", format="учебник", **{field: value})
    with pytest.raises(ValidationError) as caught:
        check(record)
    assert [e.field for e in caught.value.errors] == [field]
    assert "«" + value + "»" in str(caught.value)


def test_version_3_database_gets_the_textbook_tables(tmp_path):
    path = tmp_path / "catalogue.sqlite"
    Store(path).close()
    con = sqlite3.connect(path)
    for table in ("list_changes", "school_lists", "textbook_choices"):
        con.execute(f"DROP TABLE {table}")
    con.execute("PRAGMA user_version = 3")
    con.commit()
    con.close()
    store = Store(path)
    TextbookTables(store.db).log_changes("x.xlsx", [("med-000001", "added", "", "")])
    assert TextbookTables(store.db).changes()[0]["change"] == "added"
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION


# -- generated lists: an older and a newer version -----------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("fpu")
    older, newer = generator.federal_rows(3)
    old_path = generator.write_federal_list(older, root / "old.xlsx")
    new_path = generator.write_federal_list(newer, root / "new.xlsx")
    with Workspace.create(root / "ws") as ws:
        first = import_paths(ws, [old_path])
        before = {b.id: b for b in federal_books(ws.store).values()}
        second = import_paths(ws, [new_path])
        yield ws, older, newer, first, second, before


def test_every_row_of_the_generated_list_is_a_structured_record(generated):
    _ws, older, _, first, _, before = generated
    assert first.counts["imported"] == len(older) and first.counts["failed"] == 0
    by_number = {(b.list_appendix, b.list_number): b for b in before.values()}
    for row in older:
        book = by_number[(row.appendix, row.number)]
        assert book.title == row.title and book.publisher == row.publisher
        assert book.list_order == row.order and book.valid_until == fpu.parse_valid_until(row.term)
        generic = "иностранный" in row.heading.lower()
        assert book.list_subject == (row.title.split(":")[0] if generic else row.heading)
        assert book.grades and book.levels and book.subjects
        assert "Федеральный перечень" not in book.annotation  # the list's details are fields


def test_re_import_reports_added_excluded_and_new_terms(generated):
    ws, older, newer, _, second, before = generated
    old_keys = {(r.appendix, r.number): r for r in older}
    new_keys = {(r.appendix, r.number): r for r in newer}
    books = federal_books(ws.store)
    excluded = {(b.list_appendix, b.list_number) for b in books.values() if b.list_excluded}
    assert excluded == set(old_keys) - set(new_keys)
    added = {k for k in new_keys if k not in old_keys}
    changed = {k for k in new_keys if k in old_keys and new_keys[k].term != old_keys[k].term}
    assert added and changed and excluded
    summary = second.notes[0]
    assert f"добавлено {len(added)}, исключено {len(excluded)}, изменён срок {len(changed)}" in (
        summary
    )
    log = TextbookTables(ws.store.db).changes()
    logged = {(c["change"], c["record_id"]) for c in log if c["file"] == "new.xlsx"}
    for key in changed:
        record = next(b for b in books.values() if (b.list_appendix, b.list_number) == key)
        assert ("date_changed", record.id) in logged
        history = ws.store.history(record.id)  # the old term is kept in the record's history
        assert [v.record.valid_until for v in history] == [
            before[record.id].valid_until,
            record.valid_until,
        ]
    assert len(books) == len(before) + len(added)  # nothing duplicated, nothing lost


def test_importing_the_same_list_again_changes_nothing(generated, tmp_path):
    ws, _, newer, _, _, _ = generated
    path = generator.write_federal_list(newer, tmp_path / "same.xlsx")
    again = import_paths(ws, [path])
    assert again.counts["imported"] == again.counts["flagged"] == 0
    assert "добавлено 0, исключено 0, изменён срок 0, обновлено 0" in again.notes[0]


# -- the official list (real corpus) -------------------------------------------------------------


@pytest.fixture(scope="module")
def official(tmp_path_factory):
    with Workspace.create(tmp_path_factory.mktemp("official") / "ws") as ws:
        report = import_paths(ws, [FPU])
        yield ws, report


@pytest.mark.real_corpus
def test_official_list_rows_carry_the_list_fields(official):
    ws, report = official
    books = list(federal_books(ws.store).values())
    assert len(books) == report.counts["imported"] + report.counts["flagged"] == 2079
    assert all(b.list_number and b.list_appendix in ("1", "2") for b in books)
    assert sum(1 for b in books if b.list_order) / len(books) > 0.95
    assert sum(1 for b in books if b.valid_until) / len(books) > 0.8
    assert {b.list_appendix for b in books} == {"1", "2"}
    french = [b for b in books if b.title.startswith("Французский язык")]
    assert french and all(b.list_subject == "Французский язык" for b in french)
    flagged = [e for e in report.entries if e.outcome == "flagged"]
    assert {e.row for e in flagged} == {832, 1002, 1939}  # «1..3.1…», «До 3! августа»
    assert all(e.message for e in flagged)


@pytest.mark.real_corpus
@pytest.mark.parametrize(
    ("number", "appendix", "valid_until", "order"),
    [
        ("1.1.3.1.1.4.1.", "2", "2024-08-31", "От 20 мая 2020 г. № 254"),
    ],
)
def test_official_list_row(official, number, appendix, valid_until, order):
    ws, _ = official
    book = next(
        b
        for b in federal_books(ws.store).values()
        if (b.list_number, b.list_appendix) == (number, appendix)
    )
    assert book.valid_until == valid_until and book.list_order == order
    assert book.authors == ["Львова С.И.", "Львов В.В."] and book.grades == ["11"]


@pytest.mark.real_corpus
def test_modified_copy_of_the_official_list_re_imports_as_a_change_report(official, tmp_path):
    ws, _ = official
    copy = tmp_path / "fpu-modified.xlsx"
    shutil.copy(FPU, copy)
    book = openpyxl.load_workbook(copy)
    sheet = book.worksheets[0]
    numbers_in_catalogue = [b.list_number for b in federal_books(ws.store).values()]
    unique = {n for n in numbers_in_catalogue if numbers_in_catalogue.count(n) == 1}
    textbook_rows = [
        n
        for n in range(3, sheet.max_row + 1)
        if str(sheet.cell(n, 3).value or "").strip() in unique
        and (sheet.cell(n, 5).value or "").strip()
    ]
    removed = textbook_rows[100:103]
    redated = textbook_rows[200:204]
    numbers = {n: str(sheet.cell(n, 3).value).strip() for n in removed + redated}
    for n in redated:
        sheet.cell(n, 12).value = "До 31 мая 2031 года"
    for n in sorted(removed, reverse=True):
        sheet.delete_rows(n)
    book.save(copy)
    report = import_paths(ws, [copy])
    assert "исключено 3, изменён срок 4" in report.notes[0]
    books = federal_books(ws.store).values()
    excluded = {b.list_number for b in books if b.list_excluded}
    assert excluded == {numbers[n] for n in removed}
    assert {b.list_number for b in books if b.valid_until == "2031-05-31"} == {
        numbers[n] for n in redated
    }


def test_generated_list_is_recognised_as_the_federal_list(tmp_path):
    path = generator.write_federal_list(generator.federal_rows(5)[1], tmp_path / "list.xlsx")
    assert fpu.is_federal_list(path)
