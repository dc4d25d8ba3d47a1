"""Text extraction from attached files: DOCX, PPTX, PDF, TXT and Markdown.

:func:`extract_text` never raises on a bad file: a corrupt or unreadable document gives
``status="error"`` with a Russian message naming the file, a document without a text layer
(a scanned PDF, slides made of pictures) gives ``status="empty"``, an unknown format gives
``status="unsupported"``. Paragraph boundaries are kept as newlines; runs of spaces, tabs and
non-breaking spaces are collapsed, and words hyphenated at a PDF line end are joined again.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath

log = logging.getLogger(__name__)

OK, EMPTY, UNSUPPORTED, ERROR = "ok", "empty", "unsupported", "error"

# Spaces that are not line breaks: NBSP, narrow NBSP, figure space, thin spaces, BOM…
_SPACES = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff]+")
_ZERO_WIDTH = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060]")  # soft hyphen, zero-width spaces
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_BLANK_LINES = re.compile(r"\n{3,}")
# A word broken at a line end: «Эконо-\nмические». Group 2 is the hyphen (or a soft hyphen).
_LINE_END_HYPHEN = re.compile(r"([^\W\d_]+)([-\u2010\u2011\u00ad])[ \t]*\n[ \t]*([^\W\d_]+)")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# «причинно-\nследственные», «физико-\nматематический»: the left part is a whole word.
_COMPOUND_LEFT = re.compile(r"(?:[бвгджзклмнпрстфхцчшщ]но|[иы]ко|ски|ско)$")
_PARTICLES = ("либо", "нибудь", "то", "таки", "ка", "де")


@dataclass(frozen=True)
class Extracted:
    """The text of one file and how its extraction went.

    ``status`` is ``"ok"``, ``"empty"`` (no text layer), ``"unsupported"`` or ``"error"``;
    ``message`` explains anything but ``"ok"`` in Russian and names the file.
    """

    text: str
    status: str = OK
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status == OK


def normalise(text: str) -> str:
    """Collapse spaces (incl. NBSP) within lines, trim lines, keep paragraphs as newlines."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _ZERO_WIDTH.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def join_hyphenated(text: str) -> str:
    """Join words broken by a hyphen at a line end («Эконо-\\nмические» → «Экономические»).

    Real hyphenated words keep their hyphen («причинно-\\nследственные», «какого-\\nлибо»):
    the document's own spelling of the word decides first, then the shape of its parts.
    """
    words = {w.lower() for w in _WORD.findall(text)}  # membership tests only

    def join(match: re.Match) -> str:
        left, mark, right = match.groups()
        if not right[0].islower():  # «Потемкин-\\nТаврический»: a double name
            return f"{left}-{right}" if left[0].isupper() else match.group(0)
        if mark == "\u00ad":
            return left + right
        hyphenated = f"{left}-{right}"
        if (left + right).lower() in words:
            return left + right
        if hyphenated.lower() in words:
            return hyphenated
        if right.lower() in _PARTICLES or _COMPOUND_LEFT.search(left.lower()):
            return hyphenated
        return left + right

    for _ in range(3):  # «Макси-\\nмаль-\\nный»: a word broken twice needs a second pass
        joined = _LINE_END_HYPHEN.sub(join, text)
        if joined == text:
            break
        text = joined
    return text


# -- formats ------------------------------------------------------------------------------


def _docx_text(data: bytes) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    parts: list[str] = []

    def walk(container) -> None:
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
    return "\n".join(parts)


def _shape_texts(shapes: Iterable) -> Iterable[str]:
    for shape in shapes:
        if getattr(shape, "shape_type", None) == 6:  # MSO_SHAPE_TYPE.GROUP
            yield from _shape_texts(shape.shapes)
        elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            for paragraph in shape.text_frame.paragraphs:
                yield "".join(run.text for run in paragraph.runs)
        elif getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                yield "\t".join(cell.text for cell in row.cells if cell.text.strip())


def _pptx_text(data: bytes) -> str:
    import pptx

    presentation = pptx.Presentation(io.BytesIO(data))
    slides: list[str] = []
    for slide in presentation.slides:
        lines = list(_shape_texts(slide.shapes))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            lines.append(slide.notes_slide.notes_text_frame.text)
        slides.append("\n".join(lines))
    return "\n\n".join(slides)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns loudly on odd PDFs
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")  # many «protected» PDFs open with an empty password
    pages = [page.extract_text() or "" for page in reader.pages]
    return "\n\n".join(pages)


def _plain_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


Reader = Callable[[bytes], str]

READERS: dict[str, tuple[Reader, str]] = {
    ".docx": (_docx_text, "DOCX"),
    ".docm": (_docx_text, "DOCX"),
    ".pptx": (_pptx_text, "PPTX"),
    ".pdf": (_pdf_text, "PDF"),
    ".txt": (_plain_text, "текстовый файл"),
    ".md": (_plain_text, "текстовый файл"),
}

# Formats a later version will read; named so the message is precise.
KNOWN_UNSUPPORTED = {
    ".doc": "Word 97–2003",
    ".rtf": "RTF",
    ".odt": "ODT",
    ".ppt": "PowerPoint 97–2003",
    ".xls": "Excel 97–2003",
    ".xlsx": "XLSX",
    ".ods": "ODS",
    ".djvu": "DjVu",
}

_EMPTY_REASON = {
    ".pdf": "в PDF нет текстового слоя (вероятно, это скан)",
    ".pptx": "на слайдах нет текста (вероятно, только изображения)",
}


def supported(name: str) -> bool:
    """Whether :func:`extract_text` can read files with this name's extension."""
    return PurePath(name).suffix.lower() in READERS


def extract_text(data: bytes, name: str) -> Extracted:
    """Extract the text of a file from its bytes; the extension of ``name`` picks the reader.

    Never raises on bad input: see :class:`Extracted` for the statuses.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix not in READERS:
        what = KNOWN_UNSUPPORTED.get(suffix)
        reason = f"формат {what} пока не поддерживается" if what else "формат не поддерживается"
        return Extracted("", UNSUPPORTED, f"Файл «{name}»: {reason}, текст не извлечён.")
    reader, label = READERS[suffix]
    if not data:
        return Extracted("", EMPTY, f"Файл «{name}»: файл пуст.")
    try:
        text = normalise(reader(data))
        if suffix == ".pdf":
            text = join_hyphenated(text)
    except Exception as exc:  # a corrupt file may raise anything inside the libraries
        log.debug("cannot read %s: %r", name, exc)
        return Extracted("", ERROR, _error_message(name, label))
    if not text:
        reason = _EMPTY_REASON.get(suffix, "в документе нет текста")
        return Extracted("", EMPTY, f"Файл «{name}»: {reason}.")
    return Extracted(text, OK)


def _error_message(name: str, label: str) -> str:
    if label == "текстовый файл":
        return f"Файл «{name}»: не удалось прочитать текст."
    return f"Файл «{name}»: не удалось прочитать документ (повреждён или не {label})."
