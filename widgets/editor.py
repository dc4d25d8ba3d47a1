"""The record editor: a form for any record kind with inline Russian validation messages,
suggestions from import, attachments, save/cancel and conflict resolution.

A thin view over :class:`widgets.editor_model.EditorModel`: inputs send each change to the
model, and every model change redraws the form. In a notebook::

    from widgets.editor import RecordEditor
    editor = RecordEditor.for_workspace()
    editor.open_record("mat-000001")
    editor
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ipywidgets as w

from catalogue.curation.history import display
from catalogue.curation.workflow import reopens, status_name
from catalogue.i18n import moment_text, t
from catalogue.record_text import size_text
from catalogue.records import KINDS
from catalogue.workspace import Workspace
from index.engine import CatalogueIndex
from widgets.editor_fields import TermsInput, make_input
from widgets.editor_model import EditorModel
from widgets.rows import ButtonRow, Pool
from widgets.search_panel import esc, find_home
from widgets.sizing import fits_label, shared

STYLE = """<style>
.imk-editor .imk-field { margin: 2px 0 6px 0; }
.imk-editor .imk-field-label { font-weight: 600; color: var(--jp-content-font-color1, #222); }
.imk-editor .imk-field-error, .imk-editor .imk-error { color: var(--jp-error-color1, #c00); }
.imk-editor .imk-editor-header { font-size: var(--jp-content-font-size2, 1.1em); }
.imk-editor .imk-conflict { border: 2px solid var(--jp-warn-color1, #e90); border-radius: 4px;
  padding: 6px 10px; background: var(--jp-layout-color2, #fff8e5); }
.imk-editor table.imk-diff td, .imk-editor table.imk-diff th { padding: 2px 8px;
  vertical-align: top; border-bottom: 1px solid var(--jp-border-color2, #ddd); }
.imk-editor .imk-suggestion { color: var(--jp-content-font-color2, #555); }
.imk-editor .imk-term-note { color: var(--jp-content-font-color2, #555); }
.imk-editor .imk-reopen-note { color: var(--jp-warn-color1, #a60); }
</style>"""


def diff_table(changes, before: str, after: str) -> str:
    """Changes as an HTML table: field, the value before, the value after."""
    rows = "".join(
        f"<tr><td>{esc(c.label)}</td><td>{esc(display(c.before, c.field))}</td>"
        f"<td>{esc(display(c.after, c.field))}</td></tr>"
        for c in changes
    )
    head = (
        f"<tr><th>{esc(t('versions.field'))}</th><th>{esc(before)}</th><th>{esc(after)}</th></tr>"
    )
    return f'<table class="imk-diff">{head}{rows}</table>'


@dataclass
class KindForm:
    """The fields of one record kind: each input, its error line and its titled row."""

    inputs: dict[str, w.DOMWidget] = field(default_factory=dict)
    error_labels: dict[str, w.HTML] = field(default_factory=dict)
    rows: dict[str, w.VBox] = field(default_factory=dict)


class RecordEditor(w.VBox):
    """The editor widget (show it as a cell's last expression).

    Its widgets are made once and reused: one form per record kind, rows of suggestions and
    attachments that change their values (every new widget would be a message to the page and
    stay alive in the kernel and the browser for the session).
    """

    def __init__(self, model: EditorModel, **kwargs: Any) -> None:
        self.model = model
        self._syncing = False
        self._kind = ""
        self._forms: dict[str, KindForm] = {"": KindForm()}  # "": nothing open
        self.inputs: dict[str, w.DOMWidget] = {}
        self.error_labels: dict[str, w.HTML] = {}
        self.rows: dict[str, w.VBox] = {}

        self.header = w.HTML()
        self.id_box = w.Text(placeholder=t("editor.id_placeholder"), layout=shared(width="200px"))
        self.open_button = w.Button(
            description=t("editor.open"), icon="folder-open", layout=fits_label()
        )
        self.kind_select = w.Dropdown(
            options=[(t(f"editor.kind_{k}"), k) for k in KINDS], layout=shared(width="220px")
        )
        self.new_button = w.Button(description=t("editor.new"), icon="file", layout=fits_label())
        self.suggestions = w.VBox()
        self.form = w.VBox(layout=shared(width="100%"))
        self.attachments = w.VBox()
        self.attachments_title = w.HTML(
            f'<span class="imk-field-label">{esc(t("editor.attachments"))}</span>'
        )
        self._suggestion_rows: Pool[ButtonRow[str]] = Pool(lambda _: self._suggestion_row())
        self._attachment_rows: Pool[ButtonRow[int]] = Pool(lambda _: self._attachment_row())
        self.upload = w.FileUpload(
            multiple=True, description=t("editor.upload"), layout=fits_label()
        )
        self.save_button = w.Button(
            description=t("editor.save"), icon="save", button_style="primary", layout=fits_label()
        )
        self.cancel_button = w.Button(
            description=t("editor.cancel"), icon="undo", layout=fits_label()
        )
        self.status = w.HTML()
        self.conflict_text = w.HTML()
        self.theirs_button = w.Button(description=t("editor.take_theirs"), layout=fits_label())
        self.mine_button = w.Button(
            description=t("editor.reapply_mine"), layout=fits_label(), button_style="warning"
        )
        self.conflict_box = w.VBox(
            [self.conflict_text, w.HBox([self.theirs_button, self.mine_button])]
        )
        for widget, css in [
            (self.header, "imk-editor-header"),
            (self.id_box, "imk-open-id"),
            (self.open_button, "imk-open"),
            (self.kind_select, "imk-new-kind"),
            (self.new_button, "imk-new"),
            (self.suggestions, "imk-suggestions"),
            (self.form, "imk-form"),
            (self.attachments, "imk-attachments"),
            (self.upload, "imk-upload"),
            (self.save_button, "imk-save"),
            (self.cancel_button, "imk-cancel"),
            (self.status, "imk-editor-status"),
            (self.conflict_box, "imk-conflict"),
            (self.theirs_button, "imk-take-theirs"),
            (self.mine_button, "imk-reapply-mine"),
        ]:
            widget.add_class(css)

        self.open_button.on_click(lambda _: self.open_record(self.id_box.value))
        self.new_button.on_click(lambda _: self.model.new(self.kind_select.value))
        self.save_button.on_click(lambda _: self.model.save())
        self.cancel_button.on_click(lambda _: self.model.cancel())
        self.theirs_button.on_click(lambda _: self.model.take_theirs())
        self.mine_button.on_click(lambda _: self.model.reapply_mine())
        self.upload.observe(self._on_upload, "value")
        self.model.observe(self._render, names=["revision", "errors", "message", "conflict"])
        self.model.observe(self._opened, "record")

        bar = w.HBox([self.id_box, self.open_button, self.kind_select, self.new_button])
        actions = w.HBox([self.save_button, self.cancel_button])
        super().__init__(
            [
                w.HTML(STYLE),
                bar,
                self.header,
                self.suggestions,
                self.form,
                self.attachments,
                actions,
                self.status,
                self.conflict_box,  # beside the save button and its message
            ],
            **kwargs,
        )
        self.add_class("imk-editor")
        self._render()

    @classmethod
    def for_workspace(cls, home: str | Path | None = None, **kwargs: Any) -> RecordEditor:
        """An editor on the workspace ``home`` (see :func:`widgets.search_panel.find_home`)."""
        workspace = Workspace.open(find_home(home))
        return cls(EditorModel(workspace, CatalogueIndex.open(workspace)), **kwargs)

    def open_record(self, record_id: str) -> None:
        """Open a record by id."""
        self.id_box.value = record_id
        self.model.load(record_id)

    # -- user input -----------------------------------------------------------------------

    def _on_input(self, name: str, change: dict) -> None:
        if not self._syncing:
            self.model.set(name, change["new"])

    def _on_upload(self, change: dict) -> None:
        if self._syncing or not change["new"] or self.model.record is None:
            return
        for item in change["new"]:
            self.model.attach(item["name"], bytes(item["content"]))
        self._syncing = True
        try:
            self.upload.value = ()
        finally:
            self._syncing = False

    def _opened(self, change: dict) -> None:
        """Another record is open: notes about terms typed for the last one go."""
        for box in self.inputs.values():
            if isinstance(box, TermsInput):
                box.note = ""

    # -- drawing --------------------------------------------------------------------------

    def _show_form(self) -> None:
        """Show the form of the open record's kind (made the first time that kind is open)."""
        kind = self.model.kind
        if kind not in self._forms:
            self._forms[kind] = self._build_form()
        form = self._forms[kind]
        self.inputs, self.error_labels, self.rows = form.inputs, form.error_labels, form.rows
        self.form.children = list(self.rows.values())
        self._kind = kind

    def _build_form(self) -> KindForm:
        form = KindForm()
        # Titles, error lines and rows never change their look: they share the first title's
        # layout and style (each of these is a widget of its own, in the kernel and the page).
        look: dict[str, w.Widget] = {}
        row_layout = shared(width="100%")
        for name, how in self.model.fields():
            box = make_input(how)
            box.add_class(f"imk-input-{name}")
            if isinstance(box, TermsInput):
                box.on_entry = lambda text, name=name: self.model.add_term(name, text)
            box.observe(lambda change, name=name: self._on_input(name, change), "value")
            title = w.HTML(
                f'<span class="imk-field-label">{esc(self.model.field_label(name))}</span>',
                **look,
            )
            look = look or {"layout": title.layout, "style": title.style}
            error = w.HTML(**look)
            error.add_class("imk-field-error")
            row = w.VBox([title, box, error], layout=row_layout)
            row.add_class("imk-field")
            row.add_class(f"imk-field-{name}")
            form.inputs[name], form.error_labels[name], form.rows[name] = box, error, row
        return form

    def _render(self, change: dict | None = None) -> None:
        model = self.model
        self._syncing = True
        try:
            if model.kind != self._kind:
                self._show_form()
            for name, box in self.inputs.items():
                value = model.value(name)
                if box.value != value:
                    box.value = value
                messages = model.errors.get(name, [])
                self.error_labels[name].value = "<br>".join(esc(m) for m in messages)
            self._render_header()
            self._render_suggestions()
            self._render_attachments()
            self._render_conflict()
        finally:
            self._syncing = False
        has_record = model.record is not None
        self.save_button.disabled = not has_record
        self.cancel_button.disabled = not has_record
        self.upload.disabled = not has_record
        css = "imk-error" if model.errors else "imk-message"
        shown = "" if model.conflict else model.message  # the conflict box says it
        self.status.value = f'<span class="{css}">{esc(shown)}</span>'

    def _render_header(self) -> None:
        record = self.model.record
        if record is None:
            self.header.value = esc(t("editor.nothing_open"))
        elif not record.id:
            self.header.value = esc(t("editor.header_new", kind=t(f"editor.kind_{record.kind}")))
        else:
            self.header.value = esc(
                t(
                    "editor.header",
                    id=record.id,
                    version=record.version,
                    status=status_name(record.status),
                    by=record.updated_by,
                    at=moment_text(record.updated_at),
                )
            )
            if reopens(record):
                note = t("editor.reopen_warning", status=status_name(record.status))
                self.header.value += f'<div class="imk-reopen-note">{esc(note)}</div>'

    def _suggestion_row(self) -> ButtonRow[str]:
        accept = w.Button(description=t("editor.accept"), layout=shared(width="auto"))
        accept.add_class("imk-accept")
        return ButtonRow(accept, self.model.accept_suggestion, button_last=True)

    def _attachment_row(self) -> ButtonRow[int]:
        remove = w.Button(icon="times", tooltip=t("editor.detach"), layout=shared(width="36px"))
        return ButtonRow(remove, self.model.detach, button_last=True)

    def _render_suggestions(self) -> None:
        record = self.model.record
        fields = dict(self.model.fields())
        suggested = [
            (name, value)
            for name, value in (record.suggested.items() if record else [])
            if name in fields
        ]
        rows = self._suggestion_rows.take(len(suggested))
        for row, (name, value) in zip(rows, suggested, strict=True):
            note = t("editor.suggested", field=self.model.field_label(name), value=display(value))
            row.show(name, f'<span class="imk-suggestion">{esc(note)}</span>')
        self.suggestions.children = rows

    def _render_attachments(self) -> None:
        record = self.model.record
        attached = record.attachments if record else []
        rows = self._attachment_rows.take(len(attached))
        for n, (row, item) in enumerate(zip(rows, attached, strict=True)):
            row.show(n, esc(f"{item.name} · {size_text(item.size)}"))
        self.attachments.children = [self.attachments_title, *rows, self.upload] if record else []

    def _render_conflict(self) -> None:
        conflict = self.model.conflict
        self.conflict_box.layout.display = "" if conflict else "none"
        if conflict is None:
            self.conflict_text.value = ""
            return
        both = ", ".join(self.model.field_label(n) for n in conflict.both)
        parts = [
            f'<div class="imk-error">{esc(conflict.message)}</div>',
            diff_table(conflict.changes, t("editor.theirs"), t("editor.mine")),
        ]
        if both:
            parts.append(f"<div>{esc(t('editor.both_changed', fields=both))}</div>")
        self.conflict_text.value = "".join(parts)
