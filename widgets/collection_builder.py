"""The collection builder of notebook 03: create a collection, add records from search results
(one at a time or every hit of a query), reorder, annotate, set the audience, preview, save,
and hand the saved collection to :func:`catalogue.export.export_collection` as one offline HTML
file.

:class:`CollectionModel` holds the state and logic (tests drive it directly);
:class:`CollectionBuilder` is the thin view.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w
from traitlets import HasTraits, Instance, Int, Unicode

from catalogue import vocabularies
from catalogue.curation import known_name
from catalogue.errors import UserError
from catalogue.export import FORMATS, Progress, export_collection
from catalogue.i18n import t
from catalogue.lab.exports import LINK_NAME, lab_path, lab_root, lab_url
from catalogue.records import Collection, to_dict
from catalogue.store import StoreError
from catalogue.validation import collection_name
from catalogue.workspace import Workspace
from index.engine import CatalogueIndex
from index.search import SearchResult
from widgets.progress import ProgressReporter
from widgets.rows import HitRow, Pool, labelled_button
from widgets.search_panel import esc, find_home, grades_text
from widgets.sizing import fits_label, label_style, shared

ADD_ALL_LIMIT = 500
LINK_STYLE = "color:#0b4f86;text-decoration:underline"  # Lab shows widget links as plain text


class CollectionModel(HasTraits):
    """One collection being built; ``revision`` grows on every change.

    Opening or creating another collection while this one has unsaved changes does not drop
    them: the switch waits in ``question`` until :meth:`answer` («save», «discard», «cancel»).
    """

    collection = Instance(Collection, allow_none=True)
    result = Instance(SearchResult, allow_none=True)
    message = Unicode("")
    question = Unicode("")
    exported = Instance(Path, allow_none=True)
    revision = Int(0)

    def __init__(
        self,
        index: CatalogueIndex,
        user: str | None = None,
        notebooks: Path | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.store = index.workspace.store
        self.user = user if user is not None else known_name(index.workspace.path)
        self.notebooks = notebooks or lab_root()  # Lab's root: «Экспорт» links to the exports
        self._clean: dict[str, Any] | None = None  # the collection as last saved or opened
        self._waiting: Callable[[], Collection | None] | None = None

    def _changed(self, message: str = "") -> None:
        self.message = message
        self.revision += 1

    def _open(self) -> Collection:
        """The collection being built (the view offers no editing before one is opened)."""
        if self.collection is None:
            raise RuntimeError("no collection is open: create() or load() one first")
        return self.collection

    def _settle(
        self, collection: Collection, message: str, exported: Path | None = None
    ) -> Collection:
        """Make ``collection`` the open one, as it is now in the store (or as just created)."""
        self.collection = collection
        self._clean = to_dict(collection)
        self.exported = exported
        self._changed(message)
        return collection

    @property
    def dirty(self) -> bool:
        """Whether the open collection has changes that are not saved."""
        return self.collection is not None and to_dict(self.collection) != self._clean

    def _switch(self, action: Callable[[], Collection | None]) -> Collection | None:
        """Run ``action`` (open or create another collection) now, or ask first when the open
        one has unsaved changes."""
        if not self.dirty:
            return action()
        self._waiting = action
        self.question = t("builder.unsaved", title=self._open().title or self._open().name)
        self._changed()
        return None

    def answer(self, choice: str) -> Collection | None:
        """Answer the unsaved-changes question: «save» (then switch), «discard» (switch, the
        changes are lost) or «cancel» (stay)."""
        action, self._waiting, self.question = self._waiting, None, ""
        if action is None or choice == "cancel":
            self._changed(t("builder.switch_cancelled") if action else "")
            return None
        if choice == "save" and self.save() is None:
            return None  # the save failed: its message is shown, the collection stays open
        return action()

    def create(self, name: str, title: str) -> Collection | None:
        """Start a new collection (saved by :meth:`save`). The short name, the key of its file
        names, is made safe from what was typed (or from the title when left empty)."""
        title = title.strip() or name.strip()
        short = collection_name(name) or collection_name(title)
        if not title or not short:
            self._changed(t("builder.name_needed"))
            return None
        if any(c.name == short for c in self.store.collections.all()):
            self._changed(t("builder.name_taken", name=short))
            return None
        note = "" if short == name.strip() else " " + t("builder.name_made", name=short)

        def start() -> Collection:
            fresh = Collection(name=short, title=title, curator=self.user)
            return self._settle(fresh, t("builder.created", title=title) + note)

        return self._switch(start)

    def load(self, name: str) -> Collection | None:
        """Open a saved collection by its short name or id."""

        def open_it() -> Collection | None:
            try:
                found = self.store.collections.get(name)
            except UserError as exc:
                self._changed(str(exc))
                return None
            return self._settle(found, t("builder.opened", title=found.title))

        return self._switch(open_it)

    def search(self, query: str, page_size: int = 10) -> SearchResult:
        """Search the catalogue for records to add."""
        self.result = self.index.search(query, page_size=page_size)
        return self.result

    def ids(self) -> list[str]:
        """Record ids in the collection, in order."""
        return [item.record_id for item in self.collection.items] if self.collection else []

    def add(self, record_id: str) -> bool:
        """Add one record at the end; False when it is already there."""
        if not self._open().add([record_id]):
            self._changed(t("builder.already", id=record_id))
            return False
        self._changed(t("builder.added", count=1))
        return True

    def add_all(self, query: str) -> int:
        """Add every record the query finds (best first) that is not there yet."""
        added = self._open().add(self.index.find_ids(query, limit=ADD_ALL_LIMIT))
        self._changed(t("builder.added", count=len(added)))
        return len(added)

    def remove(self, position: int) -> None:
        """Drop the item at ``position``."""
        del self._open().items[position]
        self._changed()

    def move(self, position: int, step: int) -> None:
        """Move an item up (``step`` −1) or down (+1); nothing happens at the ends."""
        items = self._open().items
        target = position + step
        if 0 <= position < len(items) and 0 <= target < len(items):
            items[position], items[target] = items[target], items[position]
            self._changed()

    def annotate(self, position: int, note: str) -> None:
        """Set the curator's note of an item."""
        self._open().items[position].note = note.strip()
        self._changed()

    def describe(
        self,
        title: str | None = None,
        annotation: str | None = None,
        schools: list[str] | None = None,
        grades: list[str] | None = None,
        curator: str | None = None,
    ) -> None:
        """Set the title, annotation, audience (schools, grades: labels or synonyms) and who
        compiled the collection."""
        c = self._open()
        if title is not None:
            c.title = title.strip()
        if curator is not None:
            c.curator = " ".join(curator.split())
        if annotation is not None:
            c.annotation = annotation.strip()
        if schools is not None:
            c.schools = [s.strip() for s in schools if s.strip()]
        if grades is not None:
            vocab = vocabularies.get("grades")
            c.grades = [term.code if (term := vocab.resolve(g)) else g for g in grades]
        self._changed()

    def save(self) -> Collection | None:
        """Save the collection (optimistic: a stale copy gets the conflict message)."""
        try:
            saved = self.store.collections.save(self._open())
        except UserError as exc:
            self._changed(str(exc))
            return None
        return self._settle(saved, t("builder.saved", name=saved.name, count=len(saved.items)))

    def export(self, fmt: str = "html", progress: Progress = None) -> Path | None:
        """Save, then export the collection in ``fmt`` (see :data:`FORMATS`); return the file,
        also kept in ``exported`` for the view's open/download link."""
        if self.collection is None or self.save() is None:
            return None
        try:
            path = export_collection(
                self.index.workspace, self.collection.name, fmt, progress=progress
            )
        except UserError as exc:
            self._changed(str(exc))
            return None
        fresh = self.store.collections.get(self.collection.id)  # the export is noted there
        self._settle(fresh, t("builder.exported", name=path.name, count=len(fresh.items)), path)
        return path

    def export_url(self) -> str | None:
        """Where JupyterLab opens (HTML) or downloads the last exported file; None outside
        the «Экспорт» folder of ``imk lab``."""
        return lab_url(self.exported, self.notebooks) if self.exported else None

    def preview_html(self) -> str:
        """The collection as schools will read it: title, audience, numbered items, notes."""
        c = self.collection
        if c is None:
            return ""
        parts = [f"<h3>{esc(c.title)}</h3>"]
        if c.annotation:
            parts.append(f"<p>{esc(c.annotation)}</p>")
        audience = [", ".join(c.schools), grades_text(c.grades)]
        if any(audience):
            parts.append(
                f"<p><i>{esc(t('builder.for', who=' · '.join(a for a in audience if a)))}</i></p>"
            )
        items = []
        for item in c.items:
            try:
                record = self.store.get(item.record_id)
            except StoreError:
                items.append(f"<li>{esc(t('builder.missing', id=item.record_id))}</li>")
                continue
            who = "; ".join(record.authors)
            line = f"<b>{esc(record.title)}</b>"
            if who or record.year:
                line += f" — {esc(', '.join(x for x in (who, str(record.year or '')) if x))}"
            if item.note:
                line += f"<br><span class='imk-note'>{esc(item.note)}</span>"
            items.append(f"<li>{line}</li>")
        parts.append(f"<ol class='imk-preview-items'>{''.join(items)}</ol>")
        return "".join(parts)


class ItemRow(w.HBox):
    """The collection's item at position ``n``: its title, its note, up / down / remove."""

    def __init__(self, model: CollectionModel, n: int):
        self.title = w.HTML(layout=shared(width="50%"))
        self.note = w.Text(
            placeholder=t("builder.note"), continuous_update=False, layout=shared(width="35%")
        )
        self.n, self._model, self._showing = n, model, False
        self.note.observe(self._noted, "value")
        buttons = []
        for icon, act in (
            ("arrow-up", lambda _: model.move(n, -1)),
            ("arrow-down", lambda _: model.move(n, +1)),
            ("times", lambda _: model.remove(n)),
        ):
            button = w.Button(icon=icon, layout=shared(width="36px"))
            button.on_click(act)
            buttons.append(button)
        super().__init__([self.title, self.note, *buttons])

    def _noted(self, change: dict[str, Any]) -> None:
        if not self._showing:
            self._model.annotate(self.n, change["new"])

    def show(self, title: str, note: str) -> None:
        """Show the item titled ``title`` with its ``note`` (typing in the box changes it)."""
        self.title.value = esc(f"{self.n + 1}. {title}")
        self._showing = True
        try:
            self.note.value = note
        finally:
            self._showing = False


class CollectionBuilder(w.VBox):
    """The collection builder widget (show it as a cell's last expression)."""

    def __init__(self, model: CollectionModel, **kwargs: Any) -> None:
        self.model = model
        wide = label_style()
        self.title_box = w.Text(
            description=t("builder.title"), style=wide, layout=shared(width="50%")
        )
        self.name_box = w.Text(
            description=t("builder.name"),
            placeholder=t("builder.name_placeholder"),
            style=wide,
            layout=shared(width="30%"),
        )
        self.create_button = w.Button(
            description=t("builder.create"), icon="plus", layout=fits_label()
        )
        self.existing = w.Dropdown(
            description=t("builder.existing"), style=wide, layout=shared(width="50%")
        )
        self.open_button = w.Button(
            description=t("builder.open"), icon="folder-open", layout=fits_label()
        )
        self.query_box = w.Text(
            placeholder=t("builder.query"), continuous_update=False, layout=shared(width="60%")
        )
        self.add_all_button = w.Button(
            description=t("builder.add_all"), icon="plus-square", layout=fits_label()
        )
        self.hits = w.VBox()
        self.items = w.VBox()
        self._hit_rows = Pool(lambda _: HitRow(t("builder.add"), "plus", "imk-add-hit", model.add))
        self._item_rows = Pool(lambda n: ItemRow(model, n))
        self.heading_box = w.Text(
            description=t("builder.heading"),
            continuous_update=False,
            style=wide,
            layout=shared(width="100%"),
        )
        self.annotation_box = w.Textarea(
            description=t("builder.annotation"),
            continuous_update=False,
            layout=shared(width="100%"),
        )
        self.curator_box = w.Text(
            description=t("builder.curator"),
            placeholder=t("builder.curator_placeholder"),
            continuous_update=False,
            style=label_style(),
            layout=shared(width="60%"),
        )
        self.schools_box = w.TagsInput(allow_duplicates=False)
        self.grades_box = w.TagsInput(
            allowed_tags=[term.label for term in vocabularies.get("grades")], allow_duplicates=False
        )
        self.preview_button = w.Button(
            description=t("builder.preview"), icon="eye", layout=fits_label()
        )
        self.save_button = w.Button(
            description=t("builder.save"),
            icon="save",
            button_style="primary",
            layout=fits_label(),
        )
        self.format_box = w.Dropdown(
            options=[(t(f"builder.format_{fmt}"), fmt) for fmt in FORMATS],
            value="html",
            description=t("builder.format"),
            style=wide,
            layout=shared(width="340px", flex="0 0 auto"),
        )
        self.export_button = w.Button(
            description=t("builder.export"),
            icon="file-export",
            tooltip=t("builder.export_tip"),
            layout=fits_label(),
        )
        self.export_link = w.HTML()
        self.progress = ProgressReporter(description=t("export.progress"))
        self.progress.layout.display = "none"
        self.preview = w.HTML()
        self.status = w.HTML()
        self.question = w.HTML()
        self.answers = []
        for choice, icon in (("save", "save"), ("discard", "trash"), ("cancel", "times")):
            answer = labelled_button(t(f"builder.answer_{choice}"), icon, f"imk-answer-{choice}")
            answer.on_click(lambda _, choice=choice: model.answer(choice))
            self.answers.append(answer)
        self.asking = w.VBox([self.question, w.HBox(self.answers)])
        for widget, css in [
            (self.name_box, "imk-builder-name"),
            (self.title_box, "imk-builder-title"),
            (self.heading_box, "imk-builder-heading"),
            (self.create_button, "imk-builder-create"),
            (self.existing, "imk-builder-existing"),
            (self.open_button, "imk-builder-open"),
            (self.query_box, "imk-builder-query"),
            (self.add_all_button, "imk-add-all"),
            (self.hits, "imk-builder-hits"),
            (self.items, "imk-builder-items"),
            (self.curator_box, "imk-builder-curator"),
            (self.preview, "imk-preview"),
            (self.save_button, "imk-builder-save"),
            (self.export_button, "imk-export"),
            (self.format_box, "imk-export-format"),
            (self.export_link, "imk-export-link"),
            (self.status, "imk-builder-status"),
            (self.asking, "imk-builder-unsaved"),
        ]:
            widget.add_class(css)
        self.create_button.on_click(lambda _: self._create())
        self.open_button.on_click(lambda _: self.existing.value and model.load(self.existing.value))
        self.query_box.observe(lambda c: self._show_hits(model.search(c["new"])), "value")
        self.add_all_button.on_click(lambda _: model.add_all(self.query_box.value))
        self._syncing = False
        self.annotation_box.observe(lambda c: self._edit(annotation=c["new"]), "value")
        self.heading_box.observe(lambda c: self._edit(title=c["new"]), "value")
        self.curator_box.observe(lambda c: self._edit(curator=c["new"]), "value")
        self.schools_box.observe(lambda c: self._edit(schools=list(c["new"])), "value")
        self.grades_box.observe(lambda c: self._edit(grades=list(c["new"])), "value")
        self.preview_button.on_click(lambda _: self._preview())
        self.save_button.on_click(lambda _: model.save())
        self.export_button.on_click(lambda _: self._export())
        model.observe(lambda _: self._render(), "revision")
        audience = w.VBox(
            [
                w.HTML(esc(t("builder.schools"))),
                self.schools_box,
                w.HTML(esc(t("builder.grades"))),
                self.grades_box,
            ]
        )
        self.editing = w.VBox(
            [
                w.HBox([self.query_box, self.add_all_button]),
                self.hits,
                w.HTML(f"<b>{esc(t('builder.items'))}</b>"),
                self.items,
                self.heading_box,
                self.annotation_box,
                self.curator_box,
                audience,
                w.HBox(
                    [self.preview_button, self.save_button, self.format_box, self.export_button]
                ),
                self.progress,
                self.export_link,
                self.preview,
            ]
        )
        super().__init__(
            [
                w.HBox(
                    [
                        w.HTML(f"<b style='white-space:nowrap'>{esc(t('builder.new'))}</b>"),
                        self.title_box,
                        self.name_box,
                        self.create_button,
                    ]
                ),
                w.HBox([self.existing, self.open_button]),
                self.status,
                self.asking,
                self.editing,
            ],
            **kwargs,
        )
        self.add_class("imk-collection-builder")
        self._render()

    @classmethod
    def for_workspace(cls, home: str | Path | None = None, **kwargs: Any) -> CollectionBuilder:
        """A builder on the workspace ``home`` (see :func:`widgets.search_panel.find_home`)."""
        index = CatalogueIndex.open(Workspace.open(find_home(home)))
        return cls(CollectionModel(index), **kwargs)

    def _show_hits(self, result: SearchResult) -> None:
        rows = self._hit_rows.take(len(result.hits))
        for row, hit in zip(rows, result.hits, strict=True):
            row.show(hit.id, f"{esc(hit.title)} <small>{esc(hit.id)}</small>")
        self.add_all_button.description = t("builder.add_all_count", count=result.total)
        self.hits.children = rows

    def _edit(self, **values: Any) -> None:
        if not self._syncing and self.model.collection is not None:
            self.model.describe(**values)

    def _create(self) -> None:
        if self.model.create(self.name_box.value, self.title_box.value) is not None:
            self.name_box.value = self.title_box.value = ""  # ready for the next one

    def _export(self) -> None:
        self.progress.layout.display = ""
        try:
            self.model.export(self.format_box.value, progress=self.progress)
        finally:
            self.progress.layout.display = "none"

    def _export_link(self) -> str:
        """Right under the export button: open (HTML) or download the file just written."""
        path = self.model.exported
        if path is None:
            return ""
        url = self.model.export_url()
        if url is None:
            return esc(t("builder.export_outside_lab", path=path))
        if path.suffix == ".html":
            link = (
                f'<a href="{esc(url)}" target="_blank" rel="noopener" style="{LINK_STYLE}">'
                f"{esc(t('builder.export_open', name=path.name))}</a>"
            )
        else:
            label = esc(t("builder.export_download", name=path.name))
            link = (
                f'<a href="{esc(url)}" download="{esc(path.name)}" style="{LINK_STYLE}">{label}</a>'
            )
        where = t(
            "builder.export_where", folder=LINK_NAME, path=lab_path(path, self.model.notebooks)
        )
        return f"<b>{link}</b><br><small>{esc(where)}</small>"

    def _preview(self) -> None:
        self.preview.value = self.model.preview_html()

    def _render(self) -> None:
        model = self.model
        self.existing.options = [("", "")] + [
            (f"{c.title} ({c.name})", c.name) for c in model.store.collections.all()
        ]
        self.status.value = esc(model.message)
        self.question.value = f"<b>{esc(model.question)}</b>"
        self.asking.layout.display = "" if model.question else "none"
        self.export_link.value = self._export_link()
        c = model.collection
        self.editing.layout.display = "" if c else "none"
        if c is None:
            return
        self._syncing = True
        try:
            self.heading_box.value = c.title
            self.curator_box.value = c.curator
            self.annotation_box.value = c.annotation
            self.schools_box.value = list(c.schools)
            self.grades_box.value = [vocabularies.get("grades").label(g) for g in c.grades]
        finally:
            self._syncing = False
        rows = self._item_rows.take(len(c.items))
        for row, item in zip(rows, c.items, strict=True):
            try:
                title = model.store.get(item.record_id).title
            except StoreError:
                title = t("builder.missing", id=item.record_id)
            row.show(title, item.note)
        self.items.children = rows
