"""Sizes shared by the panels, so Russian labels are never cut.

ipywidgets draws a button 148 px wide and cuts a longer label with «…»; Russian labels
(«Отменить изменения», «Прикрепить файлы») are longer than that.

Widgets sized alike share one layout (:func:`shared`): each layout is a widget of its own, a model
the kernel keeps and a message to the page, and a panel used to make forty of them.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

import ipywidgets as w

FITS_LABEL = {
    "width": "auto",
    "min_width": "min-content",
    "align_self": "flex-start",
    "flex": "0 0 auto",
}


class Frozen(w.Widget):
    """A layout or style many widgets show; changing it would change all of them, so it refuses
    changes (a widget that is shown and hidden, or resized, gets its own ``w.Layout``)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if self.__dict__.get("_frozen") and not name.startswith("_") and name in self.keys:
            raise AttributeError(f"a shared {type(self).__name__} does not change ({name})")
        super().__setattr__(name, value)


S = TypeVar("S", bound=w.Widget)
_SHARED: dict[tuple[type, tuple[tuple[str, str], ...]], w.Widget] = {}
_CLASSES: dict[type, type] = {}


def _frozen(kind: type[S]) -> type[S]:
    """``kind`` made :class:`Frozen` (one class per kind)."""
    if kind not in _CLASSES:
        _CLASSES[kind] = type(f"Shared{kind.__name__}", (Frozen, kind), {})
    return cast(type[S], _CLASSES[kind])


def _one(kind: type[S], props: dict[str, str]) -> S:
    key = (kind, tuple(sorted(props.items())))
    made = _SHARED.get(key)
    if made is None or made.comm is None:  # none yet, or closed with every widget
        made = _SHARED[key] = _frozen(kind)(**props)
        made._frozen = True
    return cast(S, made)


def shared(**css: str) -> w.Layout:
    """The one layout of every widget with these ``css`` properties (``width="50%"``)."""
    return _one(w.Layout, css)


def shared_style(kind: type[S], **props: str) -> S:
    """The one style of class ``kind`` (``CheckboxStyle``) with these properties: every widget
    drawn alike shows it instead of making its own."""
    return _one(kind, props)


def fits_label() -> w.Layout:
    """The layout of a widget as wide as its label, not stretched across a column."""
    return shared(**FITS_LABEL)


def label_style() -> dict[str, str]:
    """A widget style whose description (the Russian label before the box) is never cut."""
    return {"description_width": "initial"}
