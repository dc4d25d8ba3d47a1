"""The history panel: every version of a record (who, when, what), the difference between
any two versions, restoring an old version as a new one, and the bin (delete / take back).

``on_change`` is called with the saved record after a restore or a take-back (and with None
after a delete), so the curation desk can reopen the editor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from catalogue.curation import diff_versions, known_name, restore_version, signer
from catalogue.curation.workflow import status_name
from catalogue.errors import UserError
from catalogue.i18n import moment_text, t
from catalogue.records import Record
from catalogue.store import Store, Version
from widgets.editor import diff_table
from widgets.rows import HitRow, Pool
from widgets.search_panel import esc
from widgets.sizing import shared


def action_name(action: str) -> str:
    """«создание» for ``create`` (unknown actions as they are)."""
    key = f"versions.action_{action}"
    try:
        return t(key)
    except KeyError:
        return action


class HistoryPanel(w.VBox):
    """Versions, diff, restore and the bin for one record (open it with :meth:`show`)."""

    def __init__(
        self,
        store: Store,
        user: str | None = None,
        on_change: Callable[[Record | None], None] | None = None,
        **kwargs: Any,
    ) -> None:
        self.store = store
        self.user = user if user is not None else known_name()
        self.on_change = on_change
        self.record_id = ""
        self.versions: list[Version] = []
        self.table = w.HTML()
        self.older = w.Dropdown(description=t("versions.from"), layout=shared(width="200px"))
        self.newer = w.Dropdown(description=t("versions.to"), layout=shared(width="200px"))
        self.diff = w.HTML()
        self.restore_button = w.Button(
            description=t("versions.restore"), icon="history", layout=shared(width="auto")
        )
        self.delete_button = w.Button(
            description=t("versions.delete"),
            icon="trash",
            button_style="danger",
            layout=shared(width="auto"),
        )
        self.bin = w.VBox()
        self.bin_empty = w.HTML(f"<i>{esc(t('versions.bin_empty'))}</i>")
        self._bin_rows = Pool(
            lambda _: HitRow(t("versions.undelete"), "undo", "imk-undelete", self.undelete)
        )
        self.message = w.HTML()
        for widget, css in [
            (self.table, "imk-versions"),
            (self.older, "imk-older"),
            (self.newer, "imk-newer"),
            (self.diff, "imk-version-diff"),
            (self.restore_button, "imk-restore"),
            (self.delete_button, "imk-delete"),
            (self.bin, "imk-bin"),
            (self.message, "imk-history-message"),
        ]:
            widget.add_class(css)
        self._choosing = False  # True while show() fills both version pickers
        self.older.observe(self._chosen, "value")
        self.newer.observe(self._chosen, "value")
        self.restore_button.on_click(lambda _: self.restore())
        self.delete_button.on_click(lambda _: self.delete())
        bin_title = w.HTML(f"<b>{esc(t('versions.bin'))}</b>")
        super().__init__(
            [
                self.message,
                self.table,
                w.HBox([self.older, self.newer]),
                self.diff,
                w.HBox([self.restore_button, self.delete_button]),
                bin_title,
                self.bin,
            ],
            **kwargs,
        )
        self.add_class("imk-history-panel")
        self.show(None)

    def show(self, record_id: str | None) -> None:
        """Show the history of a record (None: only the bin)."""
        self.record_id = record_id or ""
        self.versions = []
        if record_id:
            try:
                self.versions = self.store.history(record_id)
            except UserError as exc:
                self._say(str(exc), error=True)
        options = [(t("versions.version", version=v.version), v.version) for v in self.versions]
        self._choosing = True  # one picker may still name a version the other record lacks
        try:
            self.older.options, self.newer.options = options, options
            if len(options) >= 2:
                self.older.value, self.newer.value = options[-2][1], options[-1][1]
        finally:
            self._choosing = False
        self.table.value = versions_html(self.versions)
        self.restore_button.disabled = self.delete_button.disabled = not self.versions
        self._render_diff()
        self._render_bin()

    # -- actions --------------------------------------------------------------------------

    def restore(self, version: int | None = None) -> Record | None:
        """Save version ``version`` (default: the «from» version chosen) as the newest."""
        version = version or self.older.value
        try:
            saved = restore_version(self.store, self.record_id, version, signer(self.user))
        except UserError as exc:
            self._say(str(exc), error=True)
            return None
        self.show(saved.id)
        self._say(t("versions.restored", version=version, new=saved.version))
        if self.on_change:
            self.on_change(saved)
        return saved

    def delete(self) -> None:
        """Move the record to the bin."""
        record_id = self.record_id
        try:
            self.store.delete(record_id, by=signer(self.user))
        except UserError as exc:
            self._say(str(exc), error=True)
            return
        self.show(record_id)
        self._say(t("versions.deleted", id=record_id))
        if self.on_change:
            self.on_change(None)

    def undelete(self, record_id: str) -> Record | None:
        """Take a record out of the bin."""
        try:
            saved = self.store.curation.undelete(record_id, by=signer(self.user))
        except UserError as exc:
            self._say(str(exc), error=True)
            return None
        self.show(saved.id)
        self._say(t("versions.undeleted", id=saved.id))
        if self.on_change:
            self.on_change(saved)
        return saved

    # -- drawing --------------------------------------------------------------------------

    def _say(self, text: str, error: bool = False) -> None:
        css = "imk-error" if error else "imk-message"
        self.message.value = f'<span class="{css}">{esc(text)}</span>'

    def _chosen(self, change: dict[str, Any]) -> None:
        if not self._choosing:
            self._render_diff()

    def _render_diff(self) -> None:
        if not self.versions or self.older.value is None or self.newer.value is None:
            self.diff.value = ""
            return
        changes = diff_versions(self.store, self.record_id, self.older.value, self.newer.value)
        if not changes:
            self.diff.value = f"<i>{esc(t('versions.same'))}</i>"
            return
        self.diff.value = diff_table(
            changes,
            t("versions.version", version=self.older.value),
            t("versions.version", version=self.newer.value),
        )

    def _render_bin(self) -> None:
        binned = self.store.curation.binned()[:50]
        rows = self._bin_rows.take(len(binned))
        for row, record in zip(rows, binned, strict=True):
            note = t(
                "versions.bin_line",
                id=record.id,
                title=record.title,
                by=record.updated_by,
                at=moment_text(record.updated_at),
            )
            row.show(record.id, esc(note))
        self.bin.children = rows or [self.bin_empty]


def versions_html(versions: list[Version]) -> str:
    """The versions as a table, newest first: number, when, who, what."""
    if not versions:
        return ""
    rows = "".join(
        f"<tr><td>{v.version}</td><td>{esc(moment_text(v.saved_at))}</td><td>{esc(v.saved_by)}</td>"
        f"<td>{esc(action_name(v.action))}</td><td>{esc(status_name(v.record.status))}</td></tr>"
        for v in reversed(versions)
    )
    head = "".join(
        f"<th>{esc(t(f'versions.col_{c}'))}</th>"
        for c in ("version", "at", "by", "action", "status")
    )
    return f'<table class="imk-diff"><tr>{head}</tr>{rows}</table>'
