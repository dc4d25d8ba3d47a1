"""Sizes shared by the panels, so Russian labels are never cut.

ipywidgets draws a button 148 px wide and cuts a longer label with «…»; Russian labels
(«Отменить изменения», «Прикрепить файлы») are longer than that.
"""

from __future__ import annotations

import ipywidgets as w


def fits_label() -> w.Layout:
    """A layout as wide as the widget's label, not stretched across a column (a new one each
    time: layouts are shared state)."""
    return w.Layout(width="auto", min_width="min-content", align_self="flex-start", flex="0 0 auto")


def label_style() -> dict[str, str]:
    """A widget style whose description (the Russian label before the box) is never cut."""
    return {"description_width": "initial"}
