"""Collections as a zip folder, CSV, XLSX, RIS and BibTeX — read back with independent readers."""

from __future__ import annotations

import zipfile
from html.parser import HTMLParser
from urllib.parse import unquote

import bibtexparser
import openpyxl
import pandas as pd
import pytest
import rispy
from export_data import HIDDEN_TEACHER, NO_CONSENT_TEACHER, PRIVATE, build

from catalogue.export import FORMATS, export_collection
from catalogue.export.bundle import safe_name
from tests.conftest import make_workspace

pytestmark = pytest.mark.both_backends

SECRETS = [*PRIVATE.values(), HIDDEN_TEACHER, NO_CONSENT_TEACHER, "no.consent@school.example"]


@pytest.fixture(scope="module")
def published(tmp_path_factory, module_backend):
    home = tmp_path_factory.mktemp("formats") / "ws"
    out = tmp_path_factory.mktemp("out")
    with make_workspace(home, module_backend) as ws:
        facts = build(ws)
        facts["files"] = {
            fmt: export_collection(ws, "test", fmt, out / f"test.{ext}")
            for fmt, ext in FORMATS.items()
        }
        facts["history"] = ws.store.collections.get("test").exports
    return facts


class Links(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.hrefs = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])


def test_every_format_is_recorded_in_the_history(published):
    assert [e["format"] for e in published["history"]] == list(FORMATS)
    for entry in published["history"]:
        assert entry["size"] > 0 and entry["at"]


def test_zip_is_one_folder_with_the_page_and_the_files(published):
    with zipfile.ZipFile(published["files"]["zip"]) as zf:
        names = zf.namelist()
        page = zf.read("test/index.html").decode("utf-8")
        files = {n: zf.read(n) for n in names if n.startswith("test/files/")}
    assert {n.split("/")[0] for n in names} == {"test"}
    assert files == {
        "test/files/урок.docx": b"first file",
        "test/files/урок (2).docx": b"second file, same name",
    }
    relative = [unquote(h) for h in Links(page).hrefs if h.startswith("files/")]
    assert sorted("test/" + h for h in relative) == sorted(files)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\temp\\урок.docx", "урок.docx"),
        ('a<b>:"c"|?*.txt', "a_b___c____.txt"),
        ("...", "file"),
    ],
)
def test_bundle_names_are_safe(name, expected):
    assert safe_name(name) == expected


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_tables_read_back(published, fmt):
    path = published["files"][fmt]
    table = pd.read_csv(path, encoding="utf-8-sig") if fmt == "csv" else pd.read_excel(path)
    assert list(table["Идентификатор"]) == published["published"]
    assert table.loc[0, "Примечание составителя"] == "Рекомендовано ГМО"
    assert table["Библиографическая ссылка"].str.contains("\u2013").all()
    assert table.loc[2, "ISBN"] == "978-5-360-21843-2"


def test_the_workbook_sheet_is_named_after_the_collection(published):
    book = openpyxl.load_workbook(published["files"]["xlsx"], read_only=True)
    assert book.sheetnames == ["test"]


def test_ris_file_parses(published):
    entries = rispy.loads(published["files"]["ris"].read_text(encoding="utf-8"))
    assert [e["id"] for e in entries] == published["published"]
    assert entries[2]["type_of_reference"] == "BOOK"


def test_bibtex_file_parses(published):
    library = bibtexparser.parse_string(published["files"]["bibtex"].read_text(encoding="utf-8"))
    assert not library.failed_blocks
    assert [e.key for e in library.entries] == published["published"]


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("secret", SECRETS)
def test_private_data_is_in_no_format(published, fmt, secret):
    path = published["files"][fmt]
    if fmt in ("zip", "xlsx"):
        with zipfile.ZipFile(path) as zf:
            text = "".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
    else:
        text = path.read_text(encoding="utf-8-sig")
    assert secret not in text
