"""Sizes shared by the panels, so Russian labels are never cut.

ipywidgets draws a button 148 px wide and cuts a longer label with «…»; Russian labels
(«Отменить изменения», «Прикрепить файлы») are longer than that.

Widgets sized alike share one layout (:func:`shared`): each layout is a widget of its own, a model
the kernel keeps and a message to the page, and a panel used to make forty of them.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

FITS_LABEL = {
    "width": "auto",
    "min_width": "min-content",
    "align_self": "flex-start",
    "flex": "0 0 auto",
}


class SharedLayout(w.Layout):
    """A layout many widgets show; changing it would move all of them, so it refuses changes (a
    widget that is shown and hidden, or resized, gets its own ``w.Layout``)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if self.__dict__.get("_frozen") and not name.startswith("_") and name in self.keys:
            raise AttributeError(f"a shared layout does not change ({name}): use w.Layout()")
        super().__setattr__(name, value)


_SHARED: dict[tuple[tuple[str, str], ...], SharedLayout] = {}


def shared(**css: str) -> w.Layout:
    """The one layout of every widget with these ``css`` properties (``width="50%"``)."""
    key = tuple(sorted(css.items()))
    layout = _SHARED.get(key)
    if layout is None or layout.comm is None:  # none yet, or closed with every widget
        layout = _SHARED[key] = SharedLayout(**css)
        layout._frozen = True
    return layout


def fits_label() -> w.Layout:
    """The layout of a widget as wide as its label, not stretched across a column."""
    return shared(**FITS_LABEL)


def label_style() -> dict[str, str]:
    """A widget style whose description (the Russian label before the box) is never cut."""
    return {"description_width": "initial"}
