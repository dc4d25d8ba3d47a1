"""A collection as a notebook: one ``text/html`` output per part, ready for nbconvert.

The notebook is also a normal Jupyter notebook (open it in JupyterLab to see the same cards);
its code cells carry only outputs, so the export hides inputs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from catalogue.citations import gost
from catalogue.citations.reference import from_record
from catalogue.export import cards
from catalogue.export.privacy import publishable
from catalogue.i18n import language
from catalogue.records import Collection, Record
from catalogue.store import NotFoundError, Store

if TYPE_CHECKING:  # imported when a notebook is built: nbformat takes over a second to import
    import nbformat

Progress = Callable[[int, int], None] | None


@dataclass
class Entry:
    """One publishable record of a collection with the curator's note."""

    record: Record
    note: str = ""


@dataclass
class Contents:
    """What a collection publishes: its entries and how many items were left out."""

    collection: Collection
    entries: list[Entry] = field(default_factory=list)
    skipped: int = 0


def load(store: Store, collection: Collection, progress: Progress = None) -> Contents:
    """The collection's records in order, through the privacy gate (missing ones skipped)."""
    out = Contents(collection)
    total = len(collection.items)
    for n, item in enumerate(collection.items, 1):
        try:
            record = publishable(store.get(item.record_id))
        except NotFoundError:
            record = None
        if record is None:
            out.skipped += 1
        else:
            out.entries.append(Entry(record, item.note))
        if progress:
            progress(n, total)
    return out


def _html_cell(*parts: str) -> nbformat.NotebookNode:
    import nbformat

    cell: nbformat.NotebookNode = nbformat.v4.new_code_cell(source="")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": part, "text/plain": ""})
        for part in parts
        if part
    ]
    return cell


def collection_notebook(
    contents: Contents,
    files: dict[str, str] | None = None,
    chart: bool = True,
    today: dt.date | None = None,
    progress: Progress = None,
) -> nbformat.NotebookNode:
    """The notebook of a collection: header, contents, summary, chart, filter box and cards.

    ``files`` maps attachment hashes to relative links (the zip bundle); ``today`` is the
    issue date and the «дата обращения» of references.
    """
    today = today or dt.date.today()
    collection = contents.collection
    records = [e.record for e in contents.entries]
    import nbformat

    nb: nbformat.NotebookNode = nbformat.v4.new_notebook()
    nb.metadata["title"] = collection.title
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["imk"] = {"collection": collection.name, "lang": language()}
    date = today.strftime("%d.%m.%Y")
    nb.cells.append(_html_cell(cards.header(collection, len(records), contents.skipped, date)))
    nb.cells.append(_html_cell(cards.contents(records)))
    nb.cells.append(_html_cell(cards.summary(records), cards.chart(records) if chart else ""))
    nb.cells.append(_html_cell(cards.filter_box(len(records))))
    total = len(records)
    for n, entry in enumerate(contents.entries, 1):
        reference = gost.format_reference(from_record(entry.record, today))
        nb.cells.append(_html_cell(cards.card(entry.record, n, reference, entry.note, files)))
        if progress:
            progress(n, total)
    return nb
