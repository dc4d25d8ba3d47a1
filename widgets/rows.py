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

R = TypeVar("R", bound=w.Widget)


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


class HitRow(w.HBox):
    """A search hit with one button that acts on the hit the row shows now (``act(rid)``);
    ``css`` names the button for the tests."""

    def __init__(self, label: str, icon: str, css: str, act: Callable[[str], object]):
        self.rid = ""
        self.button = w.Button(
            description=label, icon=icon, layout=w.Layout(width="auto", flex="0 0 auto")
        )
        self.button.add_class(css)
        self.button.on_click(lambda _: act(self.rid))
        self.label = w.HTML()
        super().__init__([self.button, self.label], layout=w.Layout(align_items="center"))

    def show(self, rid: str, html: str) -> HitRow:
        """Show the hit ``rid`` described by ``html`` (already escaped)."""
        self.rid = rid
        self.label.value = html
        return self
