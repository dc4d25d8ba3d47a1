"""Form inputs the record editor builds its form from: one input per kind of field.

Every input has a ``value`` trait in the model's terms (see
:meth:`widgets.editor_model.EditorModel.value`), so the editor can set it from the model and
observe it to send changes back.
"""

from __future__ import annotations

from typing import Any, ClassVar

import ipywidgets as w
from ipywidgets.widgets.widget_string import TextStyle
from traitlets import List, Unicode

from catalogue.i18n import t
from widgets.editor_model import vocab_choices
from widgets.rows import Pool
from widgets.search_panel import esc
from widgets.sizing import fits_label, shared, shared_style


def wide() -> w.Layout:
    """As wide as the form, margins included (``width: 100%`` plus a margin overflows it)."""
    return shared(width="auto", align_self="stretch")


class RowLine(w.HBox):
    """One line of a :class:`RowsInput`: the row's cells and its ✕."""

    def __init__(self, row: Any, cells: list[w.Widget], remove: w.Button) -> None:
        self.row = row
        super().__init__([*cells, remove], layout=wide())


class RowsInput(w.VBox):
    """Repeatable rows: ✕ removes a row, «+» adds an empty one; ``value`` lists the rows that
    are not empty. Subclasses say how a row is made, filled, read and laid out.

    Lines are made once and reused (the line at position n removes position n): opening another
    record or removing a row changes what the lines show, quietly, without new widgets.
    """

    value: List[Any] = List()
    ADD_LABEL = "editor.add_row"
    CSS_CLASS = "imk-rows-input"
    EMPTY: ClassVar[Any] = ""

    def __init__(self, **kwargs: Any) -> None:
        self.rows: list = []
        self._lines: Pool[RowLine] = Pool(self._line)
        self.add_button = w.Button(
            description=t(self.ADD_LABEL),
            icon="plus",
            layout=fits_label(),
        )
        self.add_button.add_class("imk-add-row")
        self.add_button.on_click(lambda _: self._add())
        self._quiet = False
        super().__init__(**kwargs)
        self.add_class(self.CSS_CLASS)
        self.observe(self._draw, "value")
        self._draw()

    # what subclasses provide
    def _row(self) -> Any:
        """A new empty row (its boxes call :meth:`_collect` when typed into)."""
        raise NotImplementedError

    def _cells(self, row: Any) -> list[w.Widget]:
        raise NotImplementedError

    def _fill(self, row: Any, item: Any) -> None:
        """Show ``item`` (a value of ``value``, or what :meth:`_read` gave) in ``row``."""
        raise NotImplementedError

    def _read(self, row: Any) -> Any:
        """What ``row`` holds, empty or not."""
        raise NotImplementedError

    def _empty(self, item: Any) -> bool:
        raise NotImplementedError

    def _wanted(self) -> list:
        """``value`` in the form :meth:`_rows_value` returns it."""
        return list(self.value)

    # shared behaviour
    def _line(self, position: int) -> RowLine:
        row = self._row()
        remove = w.Button(icon="times", tooltip=t("editor.remove_row"), layout=shared(width="36px"))
        remove.on_click(lambda _: self.remove(position))
        return RowLine(row, self._cells(row), remove)

    def _rows_value(self) -> list:
        return [item for item in map(self._read, self.rows) if not self._empty(item)]

    def _add(self) -> None:
        self._show([*map(self._read, self.rows), self.EMPTY])

    def remove(self, position: int) -> None:
        """Drop the row at ``position``."""
        self._show([item for n, item in enumerate(map(self._read, self.rows)) if n != position])
        self._collect()

    def _collect(self) -> None:
        if not self._quiet:
            self.value = self._rows_value()

    def _draw(self, change: dict | None = None) -> None:
        if self.children and self._rows_value() == self._wanted():
            return
        self._show(list(self.value or [self.EMPTY]))  # an empty list still shows a row

    def _show(self, items: list) -> None:
        """Show ``items``, one a line, without sending changes back."""
        lines = self._lines.take(len(items))
        self._quiet = True
        try:
            for line, item in zip(lines, items, strict=True):
                self._fill(line.row, item)
        finally:
            self._quiet = False
        self.rows = [line.row for line in lines]
        self.children = [*lines, self.add_button]


class ListInput(RowsInput):
    """Repeatable one-line values (authors, awards, links): a row per value."""

    CSS_CLASS = "imk-list-input"

    def __init__(self, placeholder: str = "", **kwargs: Any) -> None:
        self.placeholder = placeholder
        super().__init__(**kwargs)

    def _row(self) -> w.Text:
        box = w.Text(
            placeholder=self.placeholder,
            continuous_update=False,
            layout=shared(flex="1 1 auto"),
            style=shared_style(TextStyle),
        )
        box.observe(lambda _: self._collect(), "value")
        return box

    def _cells(self, row: w.Text) -> list[w.Widget]:
        return [row]

    def _fill(self, row: w.Text, item: Any) -> None:
        row.value = str(item)

    def _read(self, row: w.Text) -> str:
        return row.value

    def _empty(self, item: str) -> bool:
        return not item.strip()


class CoursesInput(RowsInput):
    """Professional-development courses: title, hours, provider, year per row."""

    ADD_LABEL = "editor.add_course"
    CSS_CLASS = "imk-courses-input"
    EMPTY: ClassVar[Any] = {}  # read, never changed
    COLUMNS = (("title", "60%"), ("hours", "70px"), ("provider", "30%"), ("year", "80px"))

    def _row(self) -> dict[str, w.Text]:
        row = {}
        for name, width in self.COLUMNS:
            box = w.Text(
                placeholder=t(f"editor.course_{name}"),
                continuous_update=False,
                layout=shared(width=width),
                style=shared_style(TextStyle),
            )
            box.observe(lambda _: self._collect(), "value")
            row[name] = box
        return row

    def _cells(self, row: dict[str, w.Text]) -> list[w.Widget]:
        return list(row.values())

    def _fill(self, row: dict[str, w.Text], item: dict) -> None:
        for name, box in row.items():
            value = item.get(name)
            box.value = "" if value is None else str(value)

    def _read(self, row: dict[str, w.Text]) -> dict[str, str]:
        return {k: box.value for k, box in row.items()}

    def _empty(self, item: dict[str, str]) -> bool:
        return not any(v.strip() for v in item.values())

    def _wanted(self) -> list[dict]:
        return [
            {k: "" if c.get(k) is None else str(c.get(k)) for k, _ in self.COLUMNS}
            for c in self.value
        ]


class TermsInput(w.VBox):
    """Several values, one typed at a time: Enter adds it as a chip (✕ removes one).

    ``value`` lists the chips. What a typed text becomes — a vocabulary term, a duplicate, an
    unknown word — is the model's decision: ``on_entry`` gets the text and returns the note to
    show under the field ('' for none); see :meth:`widgets.editor_model.EditorModel.add_term`.
    Chips are made once and reused (the chip at position n removes position n).
    """

    value: List[str] = List()
    note = Unicode("")

    def __init__(self, choices: list[str] | None = None, **kwargs: Any) -> None:
        self.on_entry: Any = None
        self.entry = w.Combobox(
            options=choices or [],
            ensure_option=False,
            continuous_update=False,
            placeholder=t("editor.type_term"),
            layout=shared(width="320px"),
        )
        self.entry.add_class("imk-term-entry")
        self.chips = w.HBox(layout=shared(flex_flow="row wrap"))
        self.chips.add_class("imk-term-chips")
        self._chips: Pool[w.Button] = Pool(self._chip)
        self.note_html = w.HTML()
        self.note_html.add_class("imk-term-note")
        super().__init__([self.chips, self.entry, self.note_html], **kwargs)
        self.add_class("imk-terms-input")
        self.entry.observe(self._entered, "value")
        self.observe(self._draw, "value")
        self.observe(lambda c: setattr(self.note_html, "value", esc(c["new"])), "note")

    def _entered(self, change: dict) -> None:
        text = change["new"].strip()
        if not text:
            return
        self.note = self.on_entry(text) if self.on_entry else ""
        self.entry.value = ""

    def remove(self, position: int) -> None:
        """Drop the chip at ``position``."""
        self.value = [v for n, v in enumerate(self.value) if n != position]

    def _chip(self, position: int) -> w.Button:
        chip = w.Button(icon="times", layout=shared(width="auto", margin="0 4px 4px 0"))
        chip.add_class("imk-term")
        chip.on_click(lambda _: self.remove(position))
        return chip

    def _draw(self, change: dict | None = None) -> None:
        chips = self._chips.take(len(self.value))
        for chip, text in zip(chips, self.value, strict=True):
            chip.description = text
            chip.tooltip = t("editor.remove_term", value=text)
        self.chips.children = chips


def make_input(how: str) -> w.DOMWidget:
    """The input for a field edited as ``how`` (see :data:`widgets.editor_model.FIELDS`)."""
    if how.startswith("vocabs:"):
        return TermsInput(vocab_choices(how.split(":")[1]), layout=wide())
    if how.startswith("vocab:"):
        return w.Combobox(
            options=vocab_choices(how.split(":")[1]),
            ensure_option=False,
            continuous_update=False,
            placeholder=t("editor.pick"),
            layout=wide(),
            style=shared_style(TextStyle),
        )
    if how == "tags":
        return TermsInput(layout=wide())
    if how == "list":
        return ListInput(layout=wide())
    if how == "courses":
        return CoursesInput(layout=wide())
    if how == "textarea":
        return w.Textarea(
            continuous_update=False,
            layout=shared(width="auto", align_self="stretch", height="60px"),
            style=shared_style(TextStyle),
        )
    placeholder = t("editor.date_placeholder") if how == "date" else ""
    return w.Text(
        continuous_update=False,
        placeholder=placeholder,
        layout=wide(),
        style=shared_style(TextStyle),
    )
