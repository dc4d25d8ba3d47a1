"""Form inputs the record editor builds its form from: one input per kind of field.

Every input has a ``value`` trait in the model's terms (see
:meth:`widgets.editor_model.EditorModel.value`), so the editor can set it from the model and
observe it to send changes back.
"""

from __future__ import annotations

from typing import Any, ClassVar

import ipywidgets as w
from traitlets import List, Unicode

from catalogue.i18n import t
from widgets.editor_model import vocab_choices
from widgets.search_panel import esc
from widgets.sizing import fits_label


def wide() -> w.Layout:
    """As wide as the form, margins included (``width: 100%`` plus a margin overflows it)."""
    return w.Layout(width="auto", align_self="stretch")


class RowsInput(w.VBox):
    """Repeatable rows: ✕ removes a row, «+» adds an empty one; ``value`` lists the rows that
    are not empty. Subclasses say how a row is made, read and laid out."""

    value: List[Any] = List()
    ADD_LABEL = "editor.add_row"
    CSS_CLASS = "imk-rows-input"
    EMPTY: ClassVar[Any] = ""

    def __init__(self, **kwargs: Any) -> None:
        self.rows: list = []
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
    def _row(self, item: Any) -> Any:
        raise NotImplementedError

    def _cells(self, row: Any) -> list[w.Widget]:
        raise NotImplementedError

    def _rows_value(self) -> list:
        raise NotImplementedError

    def _wanted(self) -> list:
        """``value`` in the form :meth:`_rows_value` returns it."""
        return list(self.value)

    # shared behaviour
    def _add(self) -> None:
        self.rows.append(self._row(self.EMPTY))
        self._layout()

    def remove(self, position: int) -> None:
        """Drop the row at ``position``."""
        del self.rows[position]
        self._collect()
        self._layout()

    def _collect(self) -> None:
        if not self._quiet:
            self.value = self._rows_value()

    def _draw(self, change: dict | None = None) -> None:
        if self.children and self._rows_value() == self._wanted():
            return
        self._quiet = True
        try:  # an empty list still shows one row to type into
            self.rows = [self._row(item) for item in self.value or [self.EMPTY]]
        finally:
            self._quiet = False
        self._layout()

    def _layout(self) -> None:
        lines = []
        for n, row in enumerate(self.rows):
            remove = w.Button(
                icon="times", tooltip=t("editor.remove_row"), layout=w.Layout(width="36px")
            )
            remove.on_click(lambda _, n=n: self.remove(n))
            lines.append(w.HBox([*self._cells(row), remove], layout=wide()))
        self.children = [*lines, self.add_button]


class ListInput(RowsInput):
    """Repeatable one-line values (authors, awards, links): a row per value."""

    CSS_CLASS = "imk-list-input"

    def __init__(self, placeholder: str = "", **kwargs: Any) -> None:
        self.placeholder = placeholder
        super().__init__(**kwargs)

    def _row(self, text: Any) -> w.Text:
        box = w.Text(
            value=str(text),
            placeholder=self.placeholder,
            continuous_update=False,
            layout=w.Layout(flex="1 1 auto"),
        )
        box.observe(lambda _: self._collect(), "value")
        return box

    def _cells(self, row: w.Text) -> list[w.Widget]:
        return [row]

    def _rows_value(self) -> list[str]:
        return [r.value for r in self.rows if r.value.strip()]


class CoursesInput(RowsInput):
    """Professional-development courses: title, hours, provider, year per row."""

    ADD_LABEL = "editor.add_course"
    CSS_CLASS = "imk-courses-input"
    EMPTY: ClassVar[Any] = {}  # read, never changed
    COLUMNS = (("title", "60%"), ("hours", "70px"), ("provider", "30%"), ("year", "80px"))

    def _row(self, course: dict) -> dict[str, w.Text]:
        row = {}
        for name, width in self.COLUMNS:
            value = course.get(name)
            box = w.Text(
                value="" if value is None else str(value),
                placeholder=t(f"editor.course_{name}"),
                continuous_update=False,
                layout=w.Layout(width=width),
            )
            box.observe(lambda _: self._collect(), "value")
            row[name] = box
        return row

    def _cells(self, row: dict[str, w.Text]) -> list[w.Widget]:
        return list(row.values())

    def _rows_value(self) -> list[dict]:
        return [
            {k: box.value for k, box in row.items()}
            for row in self.rows
            if any(box.value.strip() for box in row.values())
        ]

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
            layout=w.Layout(width="320px"),
        )
        self.entry.add_class("imk-term-entry")
        self.chips = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self.chips.add_class("imk-term-chips")
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

    def _draw(self, change: dict | None = None) -> None:
        chips = []
        for n, text in enumerate(self.value):
            chip = w.Button(
                description=text,
                icon="times",
                tooltip=t("editor.remove_term", value=text),
                layout=w.Layout(width="auto", margin="0 4px 4px 0"),
            )
            chip.add_class("imk-term")
            chip.on_click(lambda _, n=n: self.remove(n))
            chips.append(chip)
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
            layout=w.Layout(width="auto", align_self="stretch", height="60px"),
        )
    placeholder = t("editor.date_placeholder") if how == "date" else ""
    return w.Text(continuous_update=False, placeholder=placeholder, layout=wide())
