"""Bounded everywhere: hostile and careless files meet the worker's limits, never the main process.

Row and column limits of spreadsheets (declared and lying sizes), zip bombs under the ratio limit,
broken workbooks (a Russian message naming the file), symbolic links out of the imported folder,
hidden and service files (a report line each), CSV with mixed or garbled encodings, collection
names that are not folder names, and notebook uploads parsed in the worker.
"""

from __future__ import annotations

import os
import random
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from catalogue.extract import Limits
from catalogue.extract.safety import ExtractError
from catalogue.ingest import tables
from catalogue.ingest.pipeline import import_paths
from catalogue.records import Collection
from catalogue.schema import blobs
from catalogue.validation import ValidationError
from catalogue.workspace import Workspace
from imk.cli import build_cli

HEADER = ["Название", "Авторы", "Класс"]
SMALL = Limits(max_rows=50, max_columns=10, max_unzipped_mb=2)


def streamed_xlsx(path: Path, rows: int, columns: int = 3) -> Path:
    """An XLSX written row by row (openpyxl's write-only mode never holds the sheet)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER + [f"Столбец {n}" for n in range(len(HEADER), columns)])
    for n in range(rows):
        sheet.append([f"Урок {n}", "Иванова М.П.", str(n % 11 + 1)] + ["x"] * (columns - 3))
    book.save(path)
    return path


def rewrite_member(path: Path, member: str, change) -> Path:
    """Rewrite one member of a zip archive (e.g. to make a sheet lie about its size)."""
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            target.writestr(info.filename, change(data) if info.filename == member else data)
    return path


def zip_bomb(path: Path, unpacked_mb: int) -> Path:
    """A valid XLSX whose sheet unpacks ~50× (well under the ratio limit) to ``unpacked_mb``."""
    streamed_xlsx(path, 5)
    row = '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{text}</t></is></c></row>'
    rng = random.Random(7)

    def inflate(data: bytes) -> bytes:
        head, tail = data.split(b"</sheetData>")
        out, size, n = [head], 0, 10
        while size < unpacked_mb * 2**20:
            text = "".join(rng.choice("абвгдежз ") for _ in range(200))
            chunk = row.format(n=n, text=text).encode()
            out.append(chunk)
            size, n = size + len(chunk), n + 1
        return b"".join([*out, b"</sheetData>", tail])

    return rewrite_member(path, "xl/worksheets/sheet1.xml", inflate)


def messages(report) -> list[str]:
    return [e.message for e in report.entries]


# -- rows, columns, archives ------------------------------------------------------------------


@pytest.mark.parametrize("as_records", [True, False], ids=["records", "document"])
def test_a_table_longer_than_the_row_limit_is_refused_by_name(workspace, tmp_path, as_records):
    path = streamed_xlsx(tmp_path / "миллион.xlsx", 500)
    [entry] = import_paths(workspace, [path], as_records=as_records, limits=SMALL).entries
    assert entry.outcome == "failed"
    assert entry.message.startswith("Таблица «миллион.xlsx»: больше 50 строк")
    assert workspace.store.count() == 0


def test_rows_missing_from_a_sheet_still_count(tmp_path):
    path = streamed_xlsx(tmp_path / "дыры.xlsx", 3)
    # three rows, the last one claiming to be row 1,000,000: openpyxl fills the gap
    rewrite_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda data: re.sub(rb'r="([A-Z]*)4"', rb'r="\g<1>1000000"', data),
    )
    with pytest.raises(ExtractError) as caught:
        tables.load(path, SMALL)
    assert caught.value.key == "too_many_rows" and caught.value.values["rows"] == 51


def test_a_sheet_that_lies_about_its_size_is_still_refused(workspace, tmp_path):
    path = streamed_xlsx(tmp_path / "ложь.xlsx", 500)
    # a sheet that claims two rows: the declared size passes, the rows read do not
    rewrite_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda data: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:C2"/>', data),
    )
    [entry] = import_paths(workspace, [path], as_records=True, limits=SMALL).entries
    assert entry.message.startswith("Таблица «ложь.xlsx»: больше 50 строк (дошли до строки ")


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_table_wider_than_the_column_limit_is_refused_with_its_row(workspace, tmp_path, suffix):
    path = tmp_path / f"широкая.{suffix}"
    if suffix == "xlsx":
        streamed_xlsx(path, 3, columns=30)
    else:
        path.write_text(";".join(HEADER + ["x"] * 27) + "\n", encoding="utf-8")
    [entry] = import_paths(workspace, [path], as_records=True, limits=SMALL).entries
    assert entry.message.startswith(f"Таблица «широкая.{suffix}», строка 1: заполнено 30 столбцов")


@pytest.mark.slow  # megabytes written and parsed
@pytest.mark.parametrize("as_records", [True, False], ids=["records", "document"])
def test_a_zip_bomb_under_the_ratio_limit_is_stopped_by_the_unpacked_size(
    workspace, tmp_path, as_records
):
    path = zip_bomb(tmp_path / "бомба.xlsx", unpacked_mb=4)
    packed = path.stat().st_size
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(i.file_size for i in archive.infolist())
    assert unpacked / packed < SMALL.max_ratio  # the ratio alone would let it through
    [entry] = import_paths(workspace, [path], as_records=as_records, limits=SMALL).entries
    assert entry.outcome == "failed"
    assert entry.message.startswith("Файл «бомба.xlsx»: подозрительный архив")


@pytest.mark.slow  # megabytes written and parsed
def test_markup_is_limited_by_its_declared_type_not_its_name(workspace, tmp_path):
    """A DOCX whose document part is named «.png» is still XML by its content type."""
    import docx

    path = tmp_path / "картинка.docx"
    document = docx.Document()
    for n in range(3000):
        document.add_paragraph(f"Абзац {n} " + "текст урока " * 20)
    document.save(str(path))

    def rename(data: bytes) -> bytes:
        return data.replace(b"word/document.xml", b"word/document.png")

    with zipfile.ZipFile(path) as source:
        items = [(i.filename, source.read(i.filename)) for i in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in items:
            name = "word/document.png" if name == "word/document.xml" else name
            target.writestr(name, rename(data) if name.endswith((".rels", "].xml")) else data)
    limits = Limits(max_markup_mb=0.5)
    [entry] = import_paths(workspace, [path], limits=limits).entries
    assert entry.message.startswith("Файл «картинка.docx»: подозрительный архив")
    [entry] = import_paths(workspace, [path]).entries  # under the default limit: read
    assert entry.outcome in ("imported", "flagged") and "Абзац 2999" in workspace.store.text_of(
        workspace.store.get(entry.record_id)
    )


def test_a_csv_longer_than_the_row_limit_is_refused(workspace, tmp_path):
    path = tmp_path / "длинный.csv"
    path.write_text("\n".join([";".join(HEADER)] + [f"Урок {n};Иванов И.И.;5" for n in range(99)]))
    [entry] = import_paths(workspace, [path], as_records=True, limits=SMALL).entries
    assert "Таблица «длинный.csv»: больше 50 строк" in entry.message


def test_dry_run_reads_tables_under_the_same_limits(tmp_path):
    path = tmp_path / "длинный.csv"
    path.write_text("\n".join([";".join(HEADER)] + [f"Урок {n};Иванов И.И.;5" for n in range(99)]))
    huge = tmp_path / "огромный.csv"
    with huge.open("wb") as fh:  # sparse: 300 MB that take no disk
        fh.truncate(300 * 2**20)
    runner = CliRunner()
    result = runner.invoke(build_cli(), ["import", "--dry-run", "--max-mb", "1", str(huge)])
    assert result.exit_code != 0 and "«огромный.csv»: 300 МБ — больше предела 1 МБ" in result.output
    settings = tmp_path / "ws"
    result = runner.invoke(build_cli(), ["import", "--dry-run", str(path)])
    assert result.exit_code == 0 and "Урок 98" in result.output
    assert not settings.exists()


# -- broken workbooks -------------------------------------------------------------------------

BROKEN = {
    "garbage": b"this is not a workbook at all" * 10,
    "truncated": None,  # a real workbook cut in half
    "zip without a workbook": None,
}


def broken_xlsx(path: Path, how: str) -> Path:
    if how == "garbage":
        path.write_bytes(BROKEN[how])
    elif how == "truncated":
        data = streamed_xlsx(path, 20).read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "привет")
    return path


@pytest.mark.parametrize("how", list(BROKEN))
@pytest.mark.parametrize("as_records", [True, False], ids=["records", "document"])
def test_a_broken_xlsx_is_named_in_russian(workspace, tmp_path, how, as_records):
    path = broken_xlsx(tmp_path / "сломанная.xlsx", how)
    [entry] = import_paths(workspace, [path], as_records=as_records).entries
    assert entry.outcome == "failed"
    assert entry.message == (
        "Файл «сломанная.xlsx»: не удалось прочитать документ (повреждён или не XLSX)."
    )


@pytest.mark.parametrize("how", list(BROKEN))
def test_dry_run_of_a_broken_xlsx_says_so_in_russian(tmp_path, how):
    path = broken_xlsx(tmp_path / "сломанная.xlsx", how)
    result = CliRunner().invoke(build_cli(), ["import", "--dry-run", str(path)])
    assert result.exit_code != 0
    assert result.output.strip() == (  # the whole output: no library English, no traceback
        "Ошибка: Файл «сломанная.xlsx»: не удалось прочитать документ (повреждён или не XLSX)."
    )


# -- what a folder holds besides documents ----------------------------------------------------


@pytest.fixture
def folder(tmp_path) -> Path:
    """A folder with a document, hidden and service files, and symbolic links in and out."""
    outside = tmp_path / "секрет.txt"
    outside.write_text("Пароль от почты школы: секретныйключ123", encoding="utf-8")
    root = tmp_path / "папка"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "config.txt").write_text("[core] много текста " * 20, encoding="utf-8")
    (root / "урок.txt").write_text("Конспект урока по дробям. " * 10, encoding="utf-8")
    (root / ".скрытый.txt").write_text("скрытый текст " * 20, encoding="utf-8")
    (root / "~$урок.docx").write_bytes(b"lock")
    (root / "Thumbs.db").write_bytes(b"thumbs")
    os.symlink(outside, root / "ссылка.txt")
    os.symlink(tmp_path, root / "наверх")
    os.symlink(root / "урок.txt", root / "внутри.txt")
    return root


def test_import_passes_over_links_out_hidden_and_service_files_with_a_line_each(workspace, folder):
    report = import_paths(workspace, [folder])
    skipped = {Path(e.file).name: e.message for e in report.entries if e.outcome == "skipped"}
    assert skipped["ссылка.txt"].startswith(
        "«ссылка.txt» — символическая ссылка за пределы импортируемой папки"
    )
    assert skipped["ссылка.txt"].endswith("секрет.txt): не прочитана.")
    assert skipped["наверх"].startswith("«наверх» — символическая ссылка за пределы")
    assert skipped[".git"] == "Папка «.git» скрытая (имя начинается с точки): не просмотрена."
    assert skipped[".скрытый.txt"].startswith("Файл «.скрытый.txt» скрытый")
    assert "служебный" in skipped["~$урок.docx"] and "служебный" in skipped["Thumbs.db"]
    assert len(skipped) == 6
    # the link inside the folder is the same file: one record, one duplicate
    assert report.counts["imported"] + report.counts["flagged"] == 1
    assert report.counts["duplicate"] == 1
    stored = workspace.store.iter_records()
    texts = workspace.store.texts(a.sha256 for r in stored for a in r.attachments)
    assert not any("секретныйключ" in text for text in texts.values())
    lines = "\n".join(report.lines())
    assert "за пределы импортируемой папки" in lines and "config.txt" not in lines


def test_a_link_named_on_the_command_line_is_the_users_choice(workspace, folder):
    report = import_paths(workspace, [folder / "ссылка.txt"])
    assert report.counts["imported"] + report.counts["flagged"] == 1


# -- CSV encodings ----------------------------------------------------------------------------


def mixed_csv(path: Path, header: str, rows: str, garbled: bool = False) -> Path:
    lines = [";".join(HEADER).encode(header)]
    lines += [f"Урок {n} о дробях;Иванова М.П.;5".encode(rows) for n in range(3)]
    if garbled:  # UTF-8 text once misread as cp1251 and saved again
        mojibake = "Урок о смешанных числах".encode().decode("cp1251")
        lines.insert(2, f"{mojibake};Петров П.П.;6".encode())
    path.write_bytes(b"\n".join(lines))
    return path


@pytest.mark.parametrize(
    ("header", "rows", "odd", "usual"),
    [("utf-8", "cp1251", "UTF-8", "Windows-1251"), ("cp1251", "utf-8", "Windows-1251", "UTF-8")],
)
def test_csv_lines_in_another_encoding_are_read_right_and_flagged(
    workspace, tmp_path, header, rows, odd, usual
):
    path = mixed_csv(tmp_path / "смесь.csv", header, rows)
    path.write_bytes(path.read_bytes() + "\nУрок о процентах;Сидоров С.С.;7".encode(header))
    report = import_paths(workspace, [path], as_records=True)
    titles = sorted(workspace.store.get(i).title for i in report.record_ids)
    assert titles == [*(f"Урок {n} о дробях" for n in range(3)), "Урок о процентах"]
    [flagged] = [e for e in report.entries if e.outcome == "flagged"]
    assert flagged.row == 5 and flagged.message == (
        f"строка файла 5 в кодировке {odd}, а остальной файл — в {usual}; "
        "прочитана в своей кодировке — проверьте"
    )


def test_a_garbled_csv_line_is_reported_by_number_and_never_stored(workspace, tmp_path):
    path = mixed_csv(tmp_path / "кракозябры.csv", "utf-8", "utf-8", garbled=True)
    report = import_paths(workspace, [path], as_records=True)
    [failed] = [e for e in report.entries if e.outcome == "failed"]
    assert failed.row == 3 and "строка файла 3 искажена" in failed.message
    titles = [workspace.store.get(i).title for i in report.record_ids]
    assert len(titles) == 3 and not any("Рџ" in t or "РЈ" in t for t in titles)


# -- collection names -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["..", ".", ".hidden", "a/b", "a\\b", "a\nb", "x\x00", "-rf"])
def test_a_collection_name_that_is_not_a_folder_name_is_refused(workspace, name):
    with pytest.raises(ValidationError) as caught:
        workspace.store.collections.save(Collection(name=name, title="Подборка"))
    assert "используйте буквы, цифры" in str(caught.value)
    assert "\n" not in str(caught.value) and "\x00" not in str(caught.value)


@pytest.mark.parametrize("name", ["drobi-5", "дроби_5.класс", "2024"])
def test_ordinary_collection_names_are_kept(workspace, name):
    assert workspace.store.collections.save(Collection(name=name, title="Подборка")).id


# -- notebook uploads -------------------------------------------------------------------------


@pytest.mark.slow  # megabytes written and parsed
def test_notebook_uploads_are_parsed_in_the_worker_under_the_workspace_limits(tmp_path):
    home = tmp_path / "ws"
    with Workspace.create(home) as ws:
        (home / "settings.toml").write_text("[import]\nmax_unzipped_mb = 2\n", encoding="utf-8")
        bomb = zip_bomb(tmp_path / "бомба.xlsx", unpacked_mb=4).read_bytes()
        attachment = ws.add_attachment("бомба.xlsx", bomb)
        good = ws.add_attachment("урок.txt", "Конспект урока по дробям.".encode())
        assert ws.worker.peak_kb > 0  # the worker process did the parsing
        with ws.store.db.read() as conn:
            rows = conn.execute(select(blobs.c.sha256, blobs.c.text_status, blobs.c.message))
            found = {r.sha256: (r.text_status, r.message) for r in rows}
        assert found[good.sha256] == ("ok", "")
        status, message = found[attachment.sha256]
        assert status == "error" and message.startswith("Файл «бомба.xlsx»: подозрительный архив")


def test_load_keeps_cells_as_the_user_typed_them(tmp_path):
    path = tmp_path / "список.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Название", "Год"])
    book.active.append(["\u00a0Урок\u00a0 дробей ", 2023.0])
    book.save(path)
    sheet = tables.load(path, Limits())
    assert sheet.rows == [["Название", "Год"], ["Урок дробей", "2023"]]
