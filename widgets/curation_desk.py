"""The curation desk of notebook 02: find a record, edit it, review it, see its history.

A finder (a query box and the hits, each with an «Открыть» button) above three tabs — the
editor, the review panel and the history with the bin — wired so that a change made in one
tab is what the others show next.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as w

from catalogue.curation import known_name, remember_name
from catalogue.curation.workflow import status_name
from catalogue.errors import UserError
from catalogue.i18n import t
from catalogue.records import Record
from catalogue.workspace import Workspace
from index.engine import CatalogueIndex
from widgets.editor import RecordEditor
from widgets.editor_model import EditorModel
from widgets.history_panel import HistoryPanel
from widgets.review_panel import ReviewPanel
from widgets.rows import HitRow, Pool
from widgets.search_panel import esc, find_home
from widgets.sizing import label_style, shared

FINDER_HITS = 8


class CurationDesk(w.VBox):
    """Finder + editor + review + history for one methodist (``user`` signs every change)."""

    def __init__(self, index: CatalogueIndex, user: str | None = None, **kwargs: Any) -> None:
        self.index = index
        store = index.workspace.store
        self.home = index.workspace.path
        name = user if user is not None else known_name(self.home)
        self.user_box = w.Text(
            value=name,
            description=t("desk.user"),
            placeholder=t("desk.user_placeholder"),
            continuous_update=False,
            style=label_style(),
            layout=shared(width="560px", flex="0 0 auto"),
        )
        self.user_note = w.HTML()
        self.finder_box = w.Text(
            placeholder=t("desk.find_placeholder"),
            continuous_update=False,
            layout=shared(width="60%"),
        )
        self.hits = w.VBox()
        self.found = w.HTML()
        self._hit_rows = Pool(
            lambda _: HitRow(t("desk.open"), "edit", "imk-open-record", self.open_record)
        )
        self.editor = RecordEditor(EditorModel(index.workspace, index, name))
        self.review = ReviewPanel(store, name, on_change=self._changed)
        self.history = HistoryPanel(store, name, on_change=self._changed)
        self.tabs = w.Tab(
            [self.editor, self.review, self.history],
            titles=(t("desk.tab_edit"), t("desk.tab_review"), t("desk.tab_history")),
        )
        for widget, css in [
            (self.user_box, "imk-user"),
            (self.user_note, "imk-user-note"),
            (self.finder_box, "imk-finder-box"),
            (self.hits, "imk-finder-hits"),
            (self.tabs, "imk-desk-tabs"),
        ]:
            widget.add_class(css)
        self.finder_box.observe(lambda change: self.find(change["new"]), "value")
        self.user_box.observe(self._on_user, "value")
        self.editor.model.observe(self._on_editor, "revision")
        super().__init__(
            [w.HBox([self.user_box, self.user_note]), self.finder_box, self.hits, self.tabs],
            **kwargs,
        )
        self.add_class("imk-curation-desk")
        self._shown_id = ""
        self._saves_seen = 0
        if not name:
            self._note(t("desk.user_needed"), error=True)

    @classmethod
    def for_workspace(cls, home: str | Path | None = None, **kwargs: Any) -> CurationDesk:
        """A desk on the workspace ``home`` (see :func:`widgets.search_panel.find_home`)."""
        return cls(CatalogueIndex.open(Workspace.open(find_home(home))), **kwargs)

    def find(self, query: str) -> list[str]:
        """Show the first hits of ``query``, each with an «Открыть» button; return their ids."""
        result = self.index.search(query, page_size=FINDER_HITS)
        rows = [
            row.show(
                hit.id,
                f"{esc(hit.title)} <small>· {esc(hit.id)} · {esc(status_name(hit.status))}</small>",
            )
            for row, hit in zip(self._hit_rows.take(len(result.hits)), result.hits, strict=True)
        ]
        self.found.value = esc(t("desk.found", total=result.total))
        self.hits.children = [self.found, *rows]
        return [hit.id for hit in result.hits]

    def open_record(self, record_id: str) -> None:
        """Open a record in every tab and show the editor."""
        self.editor.open_record(record_id)
        self.tabs.selected_index = 0

    # -- keeping the tabs in step ---------------------------------------------------------

    def set_user(self, name: str) -> None:
        """Who is working: remembered for this login in the workspace (asked once), then
        signing every change made at the desk."""
        try:
            name = remember_name(self.home, name)
        except UserError as exc:
            self._note(str(exc), error=True)
            return
        self.editor.model.user = self.history.user = name
        self.review.set_user(name)
        self._note(t("desk.user_saved"))

    def _on_user(self, change: dict) -> None:
        self.set_user(change["new"])

    def _note(self, text: str, error: bool = False) -> None:
        css = "imk-error" if error else "imk-message"
        self.user_note.value = f'<span class="{css}">{esc(text)}</span>'

    def _on_editor(self, change: dict) -> None:
        model = self.editor.model
        record_id = model.record.id if model.record is not None else ""
        if record_id != self._shown_id or not model.dirty:
            self._shown_id = record_id
            self.review.show(record_id or None)
            self.history.show(record_id or None)
        if model.saved != self._saves_seen:  # the hits show the saved title and status
            self._saves_seen = model.saved
            self._refind()

    def _refind(self) -> None:
        if self.finder_box.value.strip():
            self.find(self.finder_box.value)

    def _changed(self, record: Record | None) -> None:
        """A review or history step saved a new version: reopen it in the editor."""
        self.index.sync()
        self._refind()
        if record is not None:
            self.editor.model.load(record.id)
        else:
            self.editor.model.record = None
            self.editor.model.revision += 1
