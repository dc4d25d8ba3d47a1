"""A date box the Russian way: «27.11.2026» typed and shown, whatever the browser's language.

The browser's own date picker (``ipywidgets.DatePicker``) shows ``mm/dd/yyyy`` in a browser
set up in English; a methodist types dates as day, month, year. ``value`` is a
:class:`datetime.date` (or None when the box is empty), like the DatePicker's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets as w
from traitlets import Instance

from catalogue.i18n import date_text, parse_date, t
from widgets.search_panel import esc
from widgets.sizing import shared


class DateInput(w.HBox):
    """A text box for one date (``catalogue.i18n.parse_date``) with a message when the text
    is not a date; ``value`` changes only to a date or None."""

    value = Instance(dt.date, allow_none=True)

    def __init__(
        self,
        value: dt.date | None = None,
        description: str = "",
        style: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.text = w.Text(
            description=description,
            placeholder=t("editor.date_placeholder"),
            continuous_update=False,
            style=style or {},
            layout=shared(width="auto"),
        )
        self.text.add_class("imk-date-text")
        self.error = w.HTML()
        self.error.add_class("imk-error")
        super().__init__([self.text, self.error], **kwargs)
        self.add_class("imk-date-input")
        self.text.observe(self._typed, "value")
        self.observe(self._shown, "value")
        self.value = value
        self._shown()

    def _typed(self, change: dict) -> None:
        text = change["new"].strip()
        try:
            day = parse_date(text) if text else None
        except ValueError:
            self.error.value = esc(t("editor.not_a_date", value=text))
            return
        self.error.value = ""
        self.value = day
        self.text.value = date_text(day)  # «5.1.2026» is shown as «05.01.2026»

    def _shown(self, change: dict | None = None) -> None:
        self.text.value = date_text(self.value)
