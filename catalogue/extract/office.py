"""Office Open XML (DOCX, PPTX, XLSX), OpenDocument (ODT, ODS, ODP) and Excel 97–2003 (XLS).

Each reader takes the file's bytes and returns ``(text, properties)``; ``properties`` holds the
document's own title, author and year when it declares them (used for metadata suggestions).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from typing import Any
from xml.etree import ElementTree

Props = dict[str, object]


def _core_props(core: Any) -> Props:  # python-docx or python-pptx CoreProperties
    props: Props = {}
    if (core.title or "").strip():
        props["title"] = core.title.strip()
    author = getattr(core, "author", None) or getattr(core, "creator", None) or ""
    if author.strip():
        props["author"] = author.strip()
    stamp = core.created or core.modified
    if stamp is not None:
        props["year"] = stamp.year
    return props


def docx_text(data: bytes) -> tuple[str, Props]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    parts: list[str] = []

    def walk(container: Any) -> None:  # the document, or a table cell
        for block in container.iter_inner_content():
            if isinstance(block, Paragraph):
                parts.append(block.text)
            elif isinstance(block, Table):
                for row in block.rows:
                    cells: list[str] = []
                    for cell in row.cells:
                        text = " ".join(p.text for p in cell.paragraphs).strip()
                        if text and (not cells or cells[-1] != text):  # merged cells repeat
                            cells.append(text)
                    if cells:
                        parts.append("\t".join(cells))
                parts.append("")

    walk(document)
    for section in document.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                walk(part)
    return "\n".join(parts), _core_props(document.core_properties)


def _shape_texts(shapes: Iterable[Any]) -> Iterable[str]:
    for shape in shapes:
        if getattr(shape, "shape_type", None) == 6:  # MSO_SHAPE_TYPE.GROUP
            yield from _shape_texts(shape.shapes)
        elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            for paragraph in shape.text_frame.paragraphs:
                yield "".join(run.text for run in paragraph.runs)
        elif getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                yield "\t".join(cell.text for cell in row.cells if cell.text.strip())


def pptx_text(data: bytes) -> tuple[str, Props]:
    import pptx

    presentation = pptx.Presentation(io.BytesIO(data))
    slides: list[str] = []
    for slide in presentation.slides:
        lines = list(_shape_texts(slide.shapes))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            lines.append(slide.notes_slide.notes_text_frame.text)
        slides.append("\n".join(lines))
    return "\n\n".join(slides), _core_props(presentation.core_properties)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    return str(value).strip()


def _rows_text(rows: Iterable[Iterable[object]]) -> list[str]:
    lines = []
    for row in rows:
        cells = [c for c in (_cell(v) for v in row) if c]
        if cells:
            lines.append("\t".join(cells))
    return lines


def xlsx_text(data: bytes) -> tuple[str, Props]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = [
            "\n".join([sheet.title, *_rows_text(sheet.iter_rows(values_only=True))])
            for sheet in book.worksheets
        ]
        props = _core_props(book.properties)
    finally:
        book.close()
    return "\n\n".join(sheets), props


def xls_text(data: bytes) -> tuple[str, Props]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, on_demand=True)
    sheets = []
    for sheet in book.sheets():
        rows = (sheet.row_values(n) for n in range(sheet.nrows))
        sheets.append("\n".join([sheet.name, *_rows_text(rows)]))
    book.release_resources()
    return "\n\n".join(sheets), {}


# -- OpenDocument: plain zip + XML --------------------------------------------------------------

_NS = {
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
}
_T = "{{{}}}".format(_NS["text"])
_BLOCKS = {f"{_T}p", f"{_T}h"}
_TAB = f"{_T}tab"
_SPACE = f"{_T}s"
_BREAK = f"{_T}line-break"
_ROW = "{{{}}}table-row".format(_NS["table"])
_CELL = "{{{}}}table-cell".format(_NS["table"])
_PAGE = "{{{}}}page".format(_NS["draw"])


def _inline(element: ElementTree.Element) -> str:
    """The text of one paragraph, with <text:s/>, <text:tab/> and line breaks expanded."""
    out = [element.text or ""]
    for child in element:
        if child.tag == _SPACE:
            out.append(" " * int(child.get(f"{_T}c", "1")))
        elif child.tag == _TAB:
            out.append("\t")
        elif child.tag == _BREAK:
            out.append("\n")
        else:
            out.append(_inline(child))
        out.append(child.tail or "")
    return "".join(out)


def _odf_blocks(element: ElementTree.Element, out: list[str]) -> None:
    """Paragraphs and headings as lines; a table row as one tab-separated line."""
    for child in element:
        if child.tag in _BLOCKS:
            out.append(_inline(child))
        elif child.tag == _ROW:
            cells = []
            for cell in child.iter(_CELL):
                text = " ".join(_inline(p) for p in cell.iter() if p.tag in _BLOCKS).strip()
                if text:
                    cells.append(text)
            if cells:
                out.append("\t".join(cells))
        else:
            _odf_blocks(child, out)
            if child.tag == _PAGE:
                out.append("")


def odf_text(data: bytes) -> tuple[str, Props]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = ElementTree.fromstring(archive.read("content.xml"))
        meta = archive.read("meta.xml") if "meta.xml" in archive.namelist() else b""
    body = content.find("office:body", _NS)
    lines: list[str] = []
    _odf_blocks(body if body is not None else content, lines)
    props: Props = {}
    if meta:
        root = ElementTree.fromstring(meta)
        title = root.findtext(".//dc:title", default="", namespaces=_NS).strip()
        author = (
            root.findtext(".//meta:initial-creator", default="", namespaces=_NS)
            or root.findtext(".//dc:creator", default="", namespaces=_NS)
        ).strip()
        created = root.findtext(".//meta:creation-date", default="", namespaces=_NS)
        if title:
            props["title"] = title
        if author:
            props["author"] = author
        if created[:4].isdigit():
            props["year"] = int(created[:4])
    return "\n".join(lines), props
