"""Layouts and styles that many widgets share: one widget model each, frozen."""

from __future__ import annotations

import ipywidgets as w
import pytest
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_string import TextStyle

from widgets.sizing import fits_label, shared, shared_style


@pytest.mark.parametrize(
    ("make", "change"),
    [
        (lambda: shared(width="50%"), ("display", "none")),
        (fits_label, ("width", "10px")),
        (lambda: shared_style(CheckboxStyle), ("description_width", "initial")),
        (lambda: shared_style(TextStyle), ("font_size", "20px")),
    ],
)
def test_one_model_for_every_widget_and_it_refuses_changes(make, change):
    first, second = make(), make()
    assert first is second
    with pytest.raises(AttributeError, match="does not change"):
        setattr(first, *change)
    assert getattr(first, change[0]) != change[1]


def test_widgets_show_the_shared_one():
    boxes = [w.Checkbox(layout=shared(width="auto"), style=shared_style(CheckboxStyle))]
    boxes.append(w.Checkbox(layout=shared(width="auto"), style=shared_style(CheckboxStyle)))
    assert boxes[0].layout is boxes[1].layout and boxes[0].style is boxes[1].style
    assert boxes[0].get_state()["layout"] == boxes[1].get_state()["layout"]


def test_a_closed_one_is_made_again():
    layout = shared(width="123px")
    layout.close()
    again = shared(width="123px")
    assert again is not layout and again.comm is not None and again.width == "123px"


def test_properties_differ_models_differ():
    assert shared(width="auto") is not shared(width="auto", flex="0 0 auto")
    assert shared_style(TextStyle) is not shared_style(TextStyle, description_width="initial")
