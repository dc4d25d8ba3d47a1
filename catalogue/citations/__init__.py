"""Bibliographic references for catalogue records: ГОСТ Р 7.0.100-2018, RIS and BibTeX.

:func:`cite` is the one entry point; every style works from the same
:class:`~catalogue.citations.reference.Reference` built from a (publishable) record.
"""

from __future__ import annotations

import datetime as dt

from catalogue.citations import bibtex, gost, ris
from catalogue.citations.reference import Reference, from_record
from catalogue.records import Record

STYLES = ("gost", "ris", "bibtex")


def cite(record: Record, style: str = "gost", accessed: dt.date | None = None) -> str:
    """One reference for ``record`` in ``style`` (gost | ris | bibtex)."""
    return cite_many([record], style, accessed)


def cite_many(records: list[Record], style: str = "gost", accessed: dt.date | None = None) -> str:
    """References for several records: ГОСТ one per line, RIS/BibTeX as one file's text."""
    if style not in STYLES:
        raise ValueError(f"unknown citation style: {style!r}")
    refs = [from_record(r, accessed) for r in records]
    if style == "gost":
        return "\n".join(gost.format_reference(r) for r in refs)
    if style == "ris":
        return ris.dumps(refs)
    return bibtex.dumps(refs)


__all__ = ["STYLES", "Reference", "cite", "cite_many", "from_record"]
