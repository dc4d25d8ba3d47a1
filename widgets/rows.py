"""Rows of a list widget made once and reused.

A list that is rendered again after every click (search hits, a collection's items) changes the
values of the rows it already has instead of making new widgets: every new widget is a message to
the browser, and the replaced ones would stay alive in the kernel and the page for the rest of the
session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import ipywidgets as w
from ipywidgets.widgets.widget_string import HTMLStyle

from widgets.sizing import shared, shared_style

R = TypeVar("R", bound=w.Widget)
K = TypeVar("K")


def labelled_button(label: str, icon: str, css: str) -> w.Button:
    """A button as wide as its label; ``css`` names it for the tests."""
    button = w.Button(
        description=label,
        icon=icon,
        layout=shared(width="auto", flex="0 0 auto"),
        style=shared_style(w.ButtonStyle),
    )
    button.add_class(css)
    return button


class Pool(Generic[R]):
    """``pool.take(n)``: the first ``n`` rows, made by ``make(position)`` when there are fewer."""

    def __init__(self, make: Callable[[int], R]):
        self._make = make
        self._rows: list[R] = []

    def take(self, count: int) -> list[R]:
        """The first ``count`` rows (the rest are kept for later)."""
        while len(self._rows) < count:
            self._rows.append(self._make(len(self._rows)))
        return self._rows[:count]


class ButtonRow(w.HBox, Generic[K]):
    """A line of HTML with one button that acts on what the row shows now (``act(key)``); the
    button comes first unless ``button_last``."""

    def __init__(self, button: w.Button, act: Callable[[K], object], button_last: bool = False):
        self.key: K | None = None  # None until the row shows something
        self.button = button
        self._act = act
        self.button.on_click(self._clicked)
        self.label = w.HTML(style=shared_style(HTMLStyle))
        parts = [self.label, button] if button_last else [button, self.label]
        super().__init__(parts, layout=shared(align_items="center"))

    def _clicked(self, _: w.Button) -> None:
        if self.key is not None:
            self._act(self.key)

    def show(self, key: K, html: str) -> ButtonRow[K]:
        """Show ``key`` described by ``html`` (already escaped)."""
        self.key = key
        self.label.value = html
        return self


class HitRow(ButtonRow[str]):
    """A search hit with one button that acts on the hit the row shows now (``act(rid)``);
    ``css`` names the button for the tests."""

    def __init__(self, label: str, icon: str, css: str, act: Callable[[str], object]):
        super().__init__(labelled_button(label, icon, css), act)
