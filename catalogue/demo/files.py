"""Attachment files for the demo catalogue: DOCX, PDF and PPTX built from Russian text.

Output is deterministic: document dates are fixed and the ZIP containers of DOCX/PPTX are
re-packed with fixed timestamps, so the same text always gives the same bytes (and hash).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

FIXED_DATE = dt.datetime(2024, 1, 15, 9, 0, 0, tzinfo=dt.UTC)
AUTHOR = "ИМК г. Северореченска"

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PDF_TYPE = "application/pdf"


def _repack(data: bytes) -> bytes:
    """Re-write a ZIP container with fixed member timestamps (byte-for-byte reproducible)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 15, 9, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


HEADING = "## "  # a paragraph starting with this marker is set as a heading


def _split_heading(paragraph: str) -> tuple[bool, str]:
    if paragraph.startswith(HEADING):
        return True, paragraph[len(HEADING) :].strip()
    return False, paragraph


def slides_from_paragraphs(
    paragraphs: list[str], first: str = "Общие сведения"
) -> list[tuple[str, list[str]]]:
    """Group paragraphs into slides: every ``## heading`` starts a slide with what follows."""
    slides: list[tuple[str, list[str]]] = []
    for paragraph in paragraphs:
        heading, text = _split_heading(paragraph)
        if heading:
            slides.append((text, []))
        elif slides:
            slides[-1][1].append(text)
        else:
            slides.append((first, [text]))
    return slides


def _set_properties(props: Any, title: str, author: str) -> None:  # docx or pptx properties
    """Office core properties, with fixed dates so the same seed gives the same bytes."""
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.created = FIXED_DATE.replace(tzinfo=None)
    props.modified = FIXED_DATE.replace(tzinfo=None)
    props.revision = 1
    props.language = "ru-RU"


def docx_bytes(title: str, paragraphs: list[str], author: str = AUTHOR) -> bytes:
    """A Word document: the title, then the paragraphs (``## …`` ones as headings)."""
    import docx

    document = docx.Document()
    _set_properties(document.core_properties, title, author)
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        heading, text = _split_heading(paragraph)
        if heading:
            document.add_heading(text, level=2)
        else:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return _repack(out.getvalue())


@cache
def _font_path() -> str:
    """matplotlib's DejaVu Sans, found without importing matplotlib (half a second)."""
    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.origin is not None, "matplotlib is a dependency"
    return str(Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf")


def pdf_bytes(title: str, paragraphs: list[str], author: str = AUTHOR) -> bytes:
    """A PDF in DejaVu Sans (Cyrillic), the title in its metadata; ``## `` marks headings."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_lang("ru")
    pdf.set_creator("IMK Catalogue demo")
    pdf.set_margins(20, 20, 15)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("DejaVu", fname=_font_path())
    pdf.add_page()
    pdf.set_font("DejaVu", size=15)
    pdf.multi_cell(0, 8, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for paragraph in paragraphs:
        heading, text = _split_heading(paragraph)
        pdf.set_font("DejaVu", size=13 if heading else 11)
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2 if heading else 3)
    return bytes(pdf.output())


def pptx_bytes(title: str, slides: list[tuple[str, list[str]]], author: str = AUTHOR) -> bytes:
    """A presentation: a title slide, then one «title and content» slide per item."""
    import pptx
    from pptx.util import Pt

    presentation = pptx.Presentation()
    _set_properties(presentation.core_properties, title, author)
    first = presentation.slides.add_slide(presentation.slide_layouts[0])
    first.shapes.title.text = title
    first.placeholders[1].text = author
    for heading, lines in slides:
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = heading
        frame = slide.placeholders[1].text_frame
        for i, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = line
            paragraph.font.size = Pt(18 if len(line) < 90 else 14)
    out = io.BytesIO()
    presentation.save(out)
    return _repack(out.getvalue())
