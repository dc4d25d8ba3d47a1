"""Text extraction from real files: round trips through DOCX/PDF/PPTX, encodings, bad files."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from pathlib import Path

import docx
import pptx
import pytest
from fpdf import FPDF

from catalogue.demo import files
from catalogue.extract import (
    EMPTY,
    ERROR,
    OK,
    UNSUPPORTED,
    Limits,
    extract_text,
    join_hyphenated,
    normalise,
    supported,
)

REAL_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real"

TITLE = "Сложение и вычитание дробей с одинаковыми знаменателями"
PARAGRAPHS = [
    "## Цели урока",
    "Обучающиеся выводят правило сложения дробей с одинаковыми знаменателями.",
    "Экономические задачи на нахождение части целого решаются с помощью обыкновенных дробей,"
    " поэтому этот длинный абзац обязательно переносится на новую строку в PDF-документе.",
    "Новогодняя ёлка, ёж и устный счёт — слова с буквой «ё».",
    "## Рефлексия",
    "Что нового я узнал на уроке?",
]


def flat(text: str) -> str:
    """Whitespace-insensitive form: PDF wraps long paragraphs into lines."""
    return " ".join(text.split())


def make(fmt: str, title: str = TITLE, paragraphs: list[str] = PARAGRAPHS) -> bytes:
    if fmt == "docx":
        return files.docx_bytes(title, paragraphs)
    if fmt == "pdf":
        return files.pdf_bytes(title, paragraphs)
    return files.pptx_bytes(title, files.slides_from_paragraphs(paragraphs))


def plain(paragraph: str) -> str:
    return paragraph.removeprefix(files.HEADING)


# -- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["docx", "pdf", "pptx"])
def test_round_trip_keeps_every_paragraph(fmt):
    result = extract_text(make(fmt), f"урок.{fmt}")
    assert result.status == OK, result.message
    assert result.message == ""
    assert TITLE in flat(result.text)
    for paragraph in PARAGRAPHS:
        assert flat(plain(paragraph)) in flat(result.text)


@pytest.mark.parametrize("fmt", ["docx", "pdf", "pptx"])
def test_heading_marker_is_not_in_the_text(fmt):
    text = extract_text(make(fmt), f"урок.{fmt}").text
    assert "##" not in text
    assert "Цели урока" in text


@pytest.mark.parametrize("fmt", ["docx", "pptx"])
def test_paragraph_boundaries_are_newlines(fmt):
    lines = extract_text(make(fmt), f"урок.{fmt}").text.split("\n")
    for paragraph in PARAGRAPHS:
        assert plain(paragraph) in lines


@pytest.mark.parametrize("fmt", ["docx", "pdf", "pptx"])
def test_generated_files_are_reproducible(fmt):
    assert make(fmt) == make(fmt)


def test_pdf_title_metadata_is_set():
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(make("pdf")))
    assert reader.metadata.title == TITLE


@pytest.mark.parametrize("fmt", ["docx", "pptx"])
def test_office_core_properties(fmt):
    data = make(fmt)
    props = (docx.Document if fmt == "docx" else pptx.Presentation)(io.BytesIO(data))
    assert props.core_properties.title == TITLE
    assert props.core_properties.author == files.AUTHOR


def test_docx_tables_are_read():
    document = docx.Document()
    document.add_paragraph("Тематическое планирование")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([("№", "Тема", "Часы"), ("1", "Десятичные дроби", "12")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("Итого: 12 часов.")
    out = io.BytesIO()
    document.save(out)
    text = extract_text(out.getvalue(), "план.docx").text
    assert "Десятичные дроби" in text
    assert text.index("Тематическое") < text.index("Десятичные") < text.index("Итого")


def test_pptx_reads_every_slide_in_order():
    slides = [(f"Слайд {n}", [f"Текст слайда номер {n}."]) for n in range(1, 6)]
    text = extract_text(files.pptx_bytes("Презентация", slides), "слайды.pptx").text
    positions = [text.index(f"Текст слайда номер {n}.") for n in range(1, 6)]
    assert positions == sorted(positions)


# -- plain text and normalisation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name"),
    [
        ("Привет, мир!\nДроби и ёлка.".encode(), "заметка.txt"),
        ("Привет, мир!\nДроби и ёлка.".encode("cp1251"), "заметка.txt"),
        ("Привет, мир!\nДроби и ёлка.".encode("utf-8-sig"), "README.md"),
        ("Привет, мир!\nДроби и ёлка.".encode("utf-16"), "заметка.txt"),
        ("Привет, мир!\r\nДроби и ёлка.".encode("cp1251"), "ЗАМЕТКА.TXT"),
    ],
    ids=["utf8", "cp1251", "utf8-bom-md", "utf16", "cp1251-crlf-upper"],
)
def test_plain_text_encodings(data, name):
    result = extract_text(data, name)
    assert result.status == OK
    assert result.text == "Привет, мир!\nДроби и ёлка."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("слово\u00a0\u00a0слово", "слово слово"),
        ("  отступ\t\tи табуляция  ", "отступ и табуляция"),
        ("абзац один\r\n\r\n\r\n\r\nабзац два", "абзац один\n\nабзац два"),
        ("пере\u00adнос и\u200bневидимый", "перенос иневидимый"),
        ("строка\u2028новая", "строка\nновая"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Эконо-\nмические науки", "Экономические науки"),
        ("задания\nМакси-\nмаль-\nный балл", "задания\nМаксимальный балл"),
        ("причинно-\nследственные связи", "причинно-следственные связи"),
        ("какого-\nлибо решения", "какого-либо решения"),
        ("физико-\nматематический лицей", "физико-математический лицей"),
        ("Потемкин-\nТаврический", "Потемкин-Таврический"),
        (
            "госу-\nдарственного экзамена и государственного",
            "государственного экзамена и государственного",
        ),
        ("номер 61-\n80", "номер 61-\n80"),
        ("Конец абзаца -\nНовый абзац", "Конец абзаца -\nНовый абзац"),
    ],
)
def test_join_hyphenated(raw, expected):
    assert join_hyphenated(raw) == expected


# -- empty, unsupported and corrupt files -------------------------------------------------------


@pytest.mark.ocr  # where Tesseract is installed, the page is recognised first (and holds nothing)
def test_pdf_without_text_layer_is_empty():
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60)  # a drawing, no text — like a scan
    result = extract_text(bytes(pdf.output()), "скан.pdf")
    assert result.status == EMPTY
    assert "«скан.pdf»" in result.message
    assert "нет текстового слоя" in result.message


def test_slides_without_text_are_empty():
    presentation = pptx.Presentation()
    presentation.slides.add_slide(presentation.slide_layouts[6])  # blank layout
    out = io.BytesIO()
    presentation.save(out)
    result = extract_text(out.getvalue(), "картинки.pptx")
    assert result.status == EMPTY
    assert "«картинки.pptx»" in result.message


def test_empty_file():
    result = extract_text(b"", "пусто.docx")
    assert result.status == EMPTY
    assert "«пусто.docx»" in result.message


@pytest.mark.parametrize(
    "name", ["фото.jpg", "видео.mp4", "скан.djvu", "без_расширения", "архив.zip"]
)
def test_unsupported_formats(name):
    result = extract_text(b"\xd0\xcf\x11\xe0 some bytes", name)
    assert result.status == UNSUPPORTED
    assert f"«{name}»" in result.message
    assert "не поддерживается" in result.message
    assert not supported(name)


@pytest.mark.parametrize(
    "name",
    [
        "a.docx",
        "b.DOCX",
        "c.pptx",
        "d.pdf",
        "e.txt",
        "f.md",
        "g.doc",
        "h.ppt",
        "i.rtf",
        "j.odt",
        "k.ods",
        "l.odp",
        "m.xlsx",
        "n.xls",
        "o.html",
        "p.htm",
    ],
)
def test_supported_formats(name):
    assert supported(name)


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _zip_without(data: bytes, member: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != member:
                dst.writestr(info, src.read(info.filename))
    return out.getvalue()


CORRUPT = {
    "random.docx": lambda: random.Random(1).randbytes(5000),
    "truncated.docx": lambda: _truncated(make("docx")),
    "no-document-xml.docx": lambda: _zip_without(make("docx"), "word/document.xml"),
    "pdf-renamed.docx": lambda: make("pdf"),
    "random.pptx": lambda: random.Random(2).randbytes(5000),
    "truncated.pptx": lambda: _truncated(make("pptx")),
    "docx-renamed.pptx": lambda: make("docx"),
    "random.pdf": lambda: random.Random(3).randbytes(5000),
    "header-only.pdf": lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<",
    "docx-renamed.pdf": lambda: make("docx"),
}


@pytest.mark.parametrize("name", list(CORRUPT))
def test_corrupt_files_give_a_russian_error(name):
    result = extract_text(CORRUPT[name](), name)
    assert result.status == ERROR
    assert result.text == ""
    assert f"Файл «{name}»" in result.message
    assert "не удалось прочитать документ" in result.message
    fmt = name.rsplit(".", 1)[1].upper()
    assert f"не {fmt}" in result.message


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("ext", ["docx", "pptx", "pdf", "txt"])
def test_random_bytes_never_raise(seed, ext):
    rng = random.Random(seed)
    data = rng.randbytes(rng.randint(1, 3000))
    if seed % 2:  # half the cases look like the real container at first glance
        data = {"pdf": b"%PDF-1.4\n", "txt": b""}.get(ext, b"PK\x03\x04") + data
    result = extract_text(data, f"файл.{ext}")
    assert result.status in (OK, ERROR, EMPTY)
    if result.status != OK:
        assert "«файл." in result.message


# -- the real corpus ------------------------------------------------------------------------------


def _manifest() -> list[dict[str, str]]:
    path = REAL_CORPUS / "MANIFEST.tsv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        return [row for row in csv.DictReader(fh, delimiter="\t") if supported(row["file"])]


@pytest.mark.real_corpus
@pytest.mark.parametrize("row", _manifest(), ids=lambda row: row["file"])
def test_real_documents(row):
    path = REAL_CORPUS / row["file"]
    result = extract_text(path.read_bytes(), path.name, Limits(ocr=False))  # OCR: own test
    if row["has_text"] == "no":  # a scan, or slides of pictures with a title at most
        assert result.status in (EMPTY, OK)
        assert len(result.text) < 100
    else:
        assert result.status == OK, result.message
        assert len(result.text) > 100
        assert "\u00a0" not in result.text
