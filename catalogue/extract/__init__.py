"""Text extraction from attached files: every common office format, PDF (with OCR), HTML, text.

:func:`extract_text` never raises on a bad file: a corrupt, encrypted or hostile document gives
``status="error"`` with a message naming the file, a document without a text layer (a scanned
PDF, slides made of pictures) gives ``status="empty"`` (or OCR text with ``meta["ocr"]``), an
unknown format gives ``status="unsupported"``. Paragraph boundaries are kept as newlines; runs
of spaces, tabs and non-breaking spaces are collapsed, words hyphenated at a line end are
joined again. ``meta`` carries the document's own title/author/year when it declares them.

One module per format family: :mod:`.office` (DOCX, PPTX, XLSX, XLS, ODF), :mod:`.legacy`
(DOC, PPT, RTF), :mod:`.pdf`, :mod:`.markup` (TXT, Markdown, HTML); :mod:`.safety` holds the
limits, :mod:`.worker` runs extraction in a separate process with a time limit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from catalogue.extract import legacy, markup, office, pdf
from catalogue.extract.safety import ExtractError, Limits, check_ooxml_container, check_zip
from catalogue.extract.text import join_hyphenated, normalise
from catalogue.i18n import t

log = logging.getLogger(__name__)

OK, EMPTY, UNSUPPORTED, ERROR = "ok", "empty", "unsupported", "error"

__all__ = [
    "EMPTY",
    "ERROR",
    "OK",
    "UNSUPPORTED",
    "Extracted",
    "Limits",
    "extract_text",
    "failure_message",
    "join_hyphenated",
    "normalise",
    "supported",
]


@dataclass(frozen=True)
class Extracted:
    """The text of one file and how its extraction went.

    ``status`` is ``"ok"``, ``"empty"`` (no text layer), ``"unsupported"`` or ``"error"``;
    ``message`` explains anything but ``"ok"`` (and OCR) in the user's language and names the
    file; ``meta`` has declared ``title``/``author``/``year``, ``pages`` and ``ocr``.
    """

    text: str
    status: str = OK
    message: str = ""
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def ok(self) -> bool:
        return self.status == OK


Reader = Callable[[bytes, float], tuple[str, dict[str, Any]]]


def _untimed(reader: Callable[[bytes], tuple[str, dict[str, Any]]]) -> Reader:
    return lambda data, _timeout: reader(data)


# suffix -> (reader, label for messages, container kind: "ooxml" | "odf" | "")
READERS: dict[str, tuple[Reader, str, str]] = {
    ".docx": (_untimed(office.docx_text), "DOCX", "ooxml"),
    ".docm": (_untimed(office.docx_text), "DOCX", "ooxml"),
    ".pptx": (_untimed(office.pptx_text), "PPTX", "ooxml"),
    ".xlsx": (_untimed(office.xlsx_text), "XLSX", "ooxml"),
    ".xlsm": (_untimed(office.xlsx_text), "XLSX", "ooxml"),
    ".odt": (_untimed(office.odf_text), "ODT", "odf"),
    ".ods": (_untimed(office.odf_text), "ODS", "odf"),
    ".odp": (_untimed(office.odf_text), "ODP", "odf"),
    ".xls": (_untimed(office.xls_text), "XLS", ""),
    ".doc": (legacy.doc_text, "Word 97–2003", ""),
    ".ppt": (legacy.ppt_text, "PowerPoint 97–2003", ""),
    ".rtf": (legacy.rtf_text, "RTF", ""),
    ".pdf": (pdf.pdf_text, "PDF", ""),
    ".txt": (_untimed(markup.plain_text), "", ""),
    ".csv": (_untimed(markup.plain_text), "", ""),
    ".tsv": (_untimed(markup.plain_text), "", ""),
    ".md": (_untimed(markup.markdown_text), "", ""),
    ".markdown": (_untimed(markup.markdown_text), "", ""),
    ".html": (_untimed(markup.html_text), "HTML", ""),
    ".htm": (_untimed(markup.html_text), "HTML", ""),
}
# An OOXML name on an OLE file that is not encrypted: an old-format file renamed.
_OLD_TWIN = {".docx": ".doc", ".docm": ".doc", ".xlsx": ".xls", ".xlsm": ".xls", ".pptx": ".ppt"}
# Formats named so the message is precise.
KNOWN_UNSUPPORTED = {".djvu": "DjVu", ".pages": "Pages", ".key": "Keynote", ".wps": "Works"}
_EMPTY_REASON = {
    ".pdf": "extract.no_text_layer",
    ".pptx": "extract.no_slide_text",
    ".ppt": "extract.no_slide_text",
    ".odp": "extract.no_slide_text",
}


def supported(name: str) -> bool:
    """Whether :func:`extract_text` can read files with this name's extension."""
    return PurePath(name).suffix.lower() in READERS


def _read(data: bytes, suffix: str, limits: Limits) -> tuple[str, dict[str, Any]]:
    reader, _label, container = READERS[suffix]
    if container == "ooxml":
        try:
            check_ooxml_container(data)
        except ExtractError as exc:
            if exc.key != "old_format":
                raise
            return _read(data, _OLD_TWIN[suffix], limits)
    if container:
        check_zip(data, limits)
    return reader(data, limits.timeout_s)


def extract_text(data: bytes, name: str, limits: Limits | None = None) -> Extracted:
    """Extract the text of a file from its bytes; the extension of ``name`` picks the reader.

    Never raises on bad input: see :class:`Extracted` for the statuses.
    """
    limits = limits or Limits()
    suffix = PurePath(name).suffix.lower()
    if suffix not in READERS:
        what = KNOWN_UNSUPPORTED.get(suffix)
        if what:
            return Extracted("", UNSUPPORTED, t("extract.unsupported_known", name=name, what=what))
        return Extracted("", UNSUPPORTED, t("extract.unsupported", name=name))
    if not data:
        return Extracted("", EMPTY, t("extract.empty_file", name=name))
    try:
        text, meta = _read(data, suffix, limits)
        text = join_hyphenated(normalise(text))
        if not text and suffix == ".pdf" and limits.ocr and pdf.ocr_available():
            text = join_hyphenated(normalise(pdf.ocr_pdf(data, limits.ocr_timeout_s)))
            meta = {**meta, "ocr": True}
            if text:
                return Extracted(text, OK, t("extract.ocr", name=name), meta)
    except Exception as exc:  # a corrupt file may raise anything inside the libraries
        status = UNSUPPORTED if getattr(exc, "key", "") == "tool_missing" else ERROR
        return Extracted("", status, failure_message(exc, name))
    if not text:
        reason = _EMPTY_REASON.get(suffix, "extract.no_text")
        return Extracted("", EMPTY, t(reason, name=name), meta)
    return Extracted(text, OK, "", meta)


def failure_message(exc: BaseException, name: str) -> str:
    """Why the file ``name`` could not be read, in the user's language (never the library's
    own English): a limit or a known problem (:class:`ExtractError`), memory, or corruption."""
    if isinstance(exc, MemoryError):
        return t("extract.too_big_inside", name=name)
    if isinstance(exc, ExtractError) and exc.key != "unreadable":
        return t(f"extract.{exc.key}", name=name, **exc.values)
    if not isinstance(exc, ExtractError):
        log.debug("cannot read %s: %r", name, exc)
    suffix = PurePath(name).suffix.lower()
    label = READERS[suffix][1] if suffix in READERS else ""
    if not label:
        return t("extract.unreadable_text", name=name)
    return t("extract.unreadable", name=name, label=label)
