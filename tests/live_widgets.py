"""How many widgets the kernel holds: each one is also a model in the page for the whole
session, so a panel that reuses its rows keeps this number still however often it redraws."""

from __future__ import annotations

import warnings

import ipywidgets


def live_widgets() -> int:
    """The number of widgets alive in this process."""
    with warnings.catch_warnings():  # ipywidgets 8 keeps the registry under a deprecated name
        warnings.simplefilter("ignore", DeprecationWarning)
        return len(ipywidgets.Widget.widgets)
