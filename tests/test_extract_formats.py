"""Every supported format from files the tests make, hostile and broken files, the worker's
time limit and OCR of a scan."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from fpdf import FPDF
from needs import need
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter

from catalogue.demo import files
from catalogue.extract import EMPTY, ERROR, OK, Limits, extract_text
from catalogue.extract.pdf import ocr_available
from catalogue.extract.worker import Worker

TITLE = "Технологическая карта урока истории в 7 классе"
BODY = ["Тема урока: «Смутное время».", "Ученики составляют хронологию событий и делают выводы."]
ODF_NS = {
    "odt": ("text", "application/vnd.oasis.opendocument.text"),
    "ods": ("spreadsheet", "application/vnd.oasis.opendocument.spreadsheet"),
    "odp": ("presentation", "application/vnd.oasis.opendocument.presentation"),
}


def odf(kind: str, paragraphs: list[str], encrypted: bool = False) -> bytes:
    """A minimal OpenDocument file (what LibreOffice writes, reduced to what readers need)."""
    body_tag, mime = ODF_NS[kind]
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"'
    )
    if kind == "ods":
        inner = (
            "<table:table>"
            + "".join(
                f"<table:table-row><table:table-cell><text:p>{p}</text:p></table:table-cell>"
                f"<table:table-cell><text:p>{n}</text:p></table:table-cell></table:table-row>"
                for n, p in enumerate(paragraphs, 1)
            )
            + "</table:table>"
        )
    elif kind == "odp":
        inner = "".join(
            f"<draw:page><draw:frame><draw:text-box><text:p>{p}</text:p>"
            "</draw:text-box></draw:frame></draw:page>"
            for p in paragraphs
        )
    else:
        inner = f"<text:h>{paragraphs[0]}</text:h>" + "".join(
            f"<text:p>{p.replace('  ', '<text:s/> ')}</text:p>" for p in paragraphs[1:]
        )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}>'
        f"<office:body><office:{body_tag}>{inner}</office:{body_tag}></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
        'manifest:1.0"><manifest:file-entry manifest:full-path="content.xml">'
        + ("<manifest:encryption-data/>" if encrypted else "")
        + "</manifest:file-entry></manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", mime, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


def rtf(paragraphs: list[str]) -> bytes:
    """RTF as Russian Word writes it: cp1251 bytes as \\'xx escapes."""

    def escape(text: str) -> str:
        return "".join(f"\\'{b:02x}" if b > 127 else chr(b) for b in text.encode("cp1251"))

    body = "".join(f"{escape(p)}\\par\n" for p in paragraphs)
    return (
        r"{\rtf1\ansi\ansicpg1251\deff0{\fonttbl{\f0\fcharset204 Times New Roman;}}"
        "\n\\f0 " + body + "}"
    ).encode("ascii")


def xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MAKERS = {
    "docx": lambda: files.docx_bytes(TITLE, BODY),
    "pptx": lambda: files.pptx_bytes(TITLE, [(TITLE, BODY)]),
    "pdf": lambda: files.pdf_bytes(TITLE, BODY),
    "odt": lambda: odf("odt", [TITLE, *BODY]),
    "ods": lambda: odf("ods", [TITLE, *BODY]),
    "odp": lambda: odf("odp", [TITLE, *BODY]),
    "rtf": lambda: rtf([TITLE, *BODY]),
    "xlsx": lambda: xlsx([[TITLE], *[[p, 1] for p in BODY]]),
    "html": lambda: (
        "<html><head><title>Карта</title><style>p{color:red}</style></head><body>"
        f"<h1>{TITLE}</h1>"
        + "".join(f"<p>{p}</p>" for p in BODY)
        + "<script>var x = 1;</script></body></html>"
    ).encode(),
    "htm": lambda: (
        '<html><head><meta charset="windows-1251"></head><body>'
        f"<h1>{TITLE}</h1><p>{BODY[0]}</p><p>{BODY[1]}</p></body></html>"
    ).encode("cp1251"),
    "md": lambda: (f"# {TITLE}\n\n**{BODY[0]}**\n\n[{BODY[1]}](http://x)\n").encode(),
    "txt": lambda: "\n".join([TITLE, *BODY]).encode("cp1251"),
}


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_every_format_gives_its_text(fmt):
    result = extract_text(MAKERS[fmt](), f"карта.{fmt}")
    assert result.status == OK, result.message
    for paragraph in [TITLE, *BODY]:
        assert flat(paragraph) in flat(result.text)
    assert "color:red" not in result.text and "var x" not in result.text


@pytest.mark.parametrize("fmt", ["docx", "odt", "rtf", "txt", "md", "html"])
def test_paragraphs_stay_lines(fmt):
    lines = extract_text(MAKERS[fmt](), f"карта.{fmt}").text.split("\n")
    for paragraph in BODY:
        assert paragraph in lines


@pytest.mark.parametrize(("fmt", "title"), [("docx", TITLE), ("html", "Карта"), ("md", TITLE)])
def test_declared_title_is_in_meta(fmt, title):
    assert extract_text(MAKERS[fmt](), f"карта.{fmt}").meta["title"] == title


def test_renamed_old_office_file_is_read_as_what_it_is(tmp_path):
    data = rtf([TITLE])  # a «.doc» that is really RTF, as school websites serve them
    assert extract_text(data, "старый.doc").text == TITLE


# -- hostile and broken files -------------------------------------------------------------------


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (30 * 2**20))  # 30 MB → ~30 KB
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(MAKERS["pdf"]())))
    writer.encrypt("секрет")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


HOSTILE = {
    "bomb.docx": (zip_bomb, "подозрительный архив"),
    "bomb.xlsx": (zip_bomb, "подозрительный архив"),
    "locked.pdf": (encrypted_pdf, "защищён паролем"),
    "locked.odt": (lambda: odf("odt", [TITLE], encrypted=True), "защищён паролем"),
    "locked.docx": (
        lambda: (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\0" * 512
            + "EncryptedPackage".encode("utf-16-le")
        ),
        "защищён паролем",
    ),
    "truncated.odt": (lambda: odf("odt", [TITLE])[:200], "не удалось прочитать документ"),
    "truncated.xlsx": (lambda: MAKERS["xlsx"]()[:300], "не удалось прочитать документ"),
    "garbage.rtf": (lambda: b"not an rtf at all", "не удалось прочитать документ"),
    "garbage.doc": (lambda: b"\xd0\xcf\x11\xe0 some bytes", "не удалось прочитать документ"),
    "garbage.ppt": (lambda: b"\x00" * 100, "не удалось прочитать документ"),
    "garbage.xls": (lambda: b"\x01\x02" * 50, "не удалось прочитать документ"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_give_one_clear_russian_line(name):
    make, reason = HOSTILE[name]
    result = extract_text(make(), name)
    assert result.status == ERROR
    assert result.text == ""
    assert f"«{name}»" in result.message and reason in result.message
    assert "\n" not in result.message


def test_unpacked_size_limit_is_configurable():
    data = MAKERS["docx"]()
    assert extract_text(data, "a.docx").ok
    result = extract_text(data, "a.docx", Limits(max_unzipped_mb=0.001))
    assert result.status == ERROR and "подозрительный архив" in result.message


# -- the worker process ---------------------------------------------------------------------------


def test_worker_extracts_and_survives_a_timeout(tmp_path):
    big = tmp_path / "большой.docx"
    document = docx.Document()
    for n in range(3000):
        document.add_paragraph(f"Абзац номер {n}: дроби, проценты и уравнения.")
    document.save(big)
    small = tmp_path / "малый.txt"
    small.write_text("Короткий текст про дроби.", encoding="utf-8")
    with Worker(Limits(timeout_s=0.05)) as worker:  # how fast it gives up: bench/limits.py
        result = worker.extract(big)
        assert result.status == ERROR
        assert "«большой.docx»" in result.message and "прерван" in result.message
        worker.limits = Limits(timeout_s=30)
        assert worker.extract(small).text == "Короткий текст про дроби."  # a fresh child


def test_worker_reports_in_the_callers_language(tmp_path):
    from catalogue import i18n

    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4 broken")
    i18n.set_language("en")
    with Worker() as worker:
        assert "cannot read the document" in worker.extract(path).message


# -- scans ---------------------------------------------------------------------------------------


def scanned_pdf(text: str) -> bytes:
    import matplotlib  # its bundled font; only the OCR tests draw scans

    font = ImageFont.truetype(
        str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"), 40
    )
    image = Image.new("L", (1400, 300), 255)
    ImageDraw.Draw(image).text((40, 100), text, font=font, fill=0)
    png = io.BytesIO()
    image.save(png, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(png, x=10, y=10, w=190)
    return bytes(pdf.output())


def test_scan_without_ocr_is_empty_and_flagged():
    result = extract_text(scanned_pdf("Родительское собрание"), "скан.pdf", Limits(ocr=False))
    assert result.status == EMPTY and "нет текстового слоя" in result.message


@pytest.mark.ocr
def test_scan_is_recognised_by_ocr():
    need(ocr_available(), "Tesseract with Russian data")
    result = extract_text(scanned_pdf("Родительское собрание в школе"), "скан.pdf")
    assert result.status == OK and result.meta["ocr"] is True
    assert "нет текстового слоя" in result.message
    assert "Родительское собрание" in result.text
