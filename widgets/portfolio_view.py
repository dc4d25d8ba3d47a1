"""The portfolio view of notebook 04: a teacher's page — category with its dates and expiry,
courses with hours (and the total over the last three years), awards, competitions, linked
works — and which fields are public, with the teacher's consent to publish.

The facts come from :mod:`catalogue.curation.portfolio`; the expiry rule is
:func:`catalogue.attestation.expiry`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import ipywidgets as w

from catalogue.curation import known_name, signer
from catalogue.curation.history import label
from catalogue.curation.portfolio import (
    HOURS_YEARS,
    category_state,
    linked_works,
    recent_hours,
    set_publicity,
)
from catalogue.errors import UserError
from catalogue.i18n import t
from catalogue.privacy import PUBLIC_CHOICES
from catalogue.records import Portfolio
from catalogue.store import Store
from catalogue.workspace import Workspace
from widgets.search_panel import esc, find_home
from widgets.sizing import fits_label, shared


def _date(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def category_html(portfolio: Portfolio, today: dt.date | None = None) -> str:
    """The category line: assigned when, valid until when (or without expiry)."""
    state = category_state(portfolio, today)
    parts = [esc(state.category or t("portfolio_view.no_category"))]
    if state.assigned:
        parts.append(esc(t("portfolio_view.assigned", date=_date(state.assigned))))
    if state.expires is None:
        if state.assigned:
            parts.append(esc(t("portfolio_view.no_expiry")))
    elif state.expired:
        expired = t("portfolio_view.expired", date=_date(state.expires))
        parts.append(f'<span class="imk-expired">{esc(expired)}</span>')
    else:
        parts.append(
            esc(t("portfolio_view.valid_until", date=_date(state.expires), days=state.days_left))
        )
    return " · ".join(parts)


def page_html(store: Store, portfolio: Portfolio, today: dt.date | None = None) -> str:
    """A teacher's page as HTML (everything, private fields marked as such)."""
    p = portfolio
    today = today or dt.date.today()
    out = [
        f"<h3>{esc(p.teacher)}</h3>",
        f"<div>{esc(', '.join(x for x in (p.position, p.organisation) if x))}</div>",
        f"<div class='imk-category'><b>{esc(label('category'))}:</b> "
        f"{category_html(p, today)}</div>",
    ]
    hours = recent_hours(p, today)
    courses = "".join(
        f"<li>{esc(c.title)} — {c.hours} {esc(t('portfolio_view.hours'))}"
        f"{esc(', ' + c.provider) if c.provider else ''}{esc(', ' + str(c.year)) if c.year else ''}"
        "</li>"
        for c in sorted(p.courses, key=lambda c: -(c.year or 0))
    )
    out.append(
        f"<div class='imk-courses'><b>{esc(label('courses'))}</b> "
        f"({esc(t('portfolio_view.recent_hours', hours=hours, years=HOURS_YEARS))})"
        f"<ul>{courses}</ul></div>"
    )
    for name in ("awards", "competitions"):
        values = getattr(p, name)
        if values:
            items = "".join(f"<li>{esc(v)}</li>" for v in values)
            out.append(f"<div class='imk-{name}'><b>{esc(label(name))}</b><ul>{items}</ul></div>")
    works = []
    for record_id, record in linked_works(store, p):
        text = (
            f"{record.title} ({record_id})"
            if record
            else t("portfolio_view.missing_work", id=record_id)
        )
        works.append(f"<li>{esc(text)}</li>")
    if works:
        out.append(
            f"<div class='imk-works'><b>{esc(label('works'))}</b><ul>{''.join(works)}</ul></div>"
        )
    return "".join(out)


class PortfolioView(w.VBox):
    """Pick a teacher, read the page, choose which fields are public, save."""

    def __init__(
        self, store: Store, user: str | None = None, today: dt.date | None = None, **kwargs: Any
    ) -> None:
        self.store = store
        self.user = user if user is not None else known_name()
        self.today = today
        self.portfolio: Portfolio | None = None
        self.picker = w.Combobox(
            placeholder=t("portfolio_view.pick"),
            ensure_option=True,
            continuous_update=False,
            layout=shared(width="60%"),
        )
        self.choices: dict[str, str] = {}
        self.page = w.HTML()
        self.public = {
            name: w.Checkbox(description=label(name), indent=False, layout=shared(width="260px"))
            for name in PUBLIC_CHOICES
        }
        self.consent = w.Checkbox(description=t("portfolio_view.consent"), indent=False)
        self.save_button = w.Button(
            description=t("portfolio_view.save"),
            icon="save",
            button_style="primary",
            layout=fits_label(),
        )
        self.message = w.HTML()
        for widget, css in [
            (self.picker, "imk-portfolio-picker"),
            (self.page, "imk-portfolio"),
            (self.consent, "imk-consent"),
            (self.save_button, "imk-portfolio-save"),
            (self.message, "imk-portfolio-message"),
        ]:
            widget.add_class(css)
        for name, box in self.public.items():
            box.add_class(f"imk-public-{name}")
        self.picker.observe(self._picked, "value")
        self.save_button.on_click(lambda _: self.save())
        boxes = list(self.public.values())
        grid = w.GridBox(boxes, layout=shared(grid_template_columns="repeat(3, 270px)"))
        self.publicity = w.VBox(
            [
                w.HTML(f"<b>{esc(t('portfolio_view.public'))}</b>"),
                grid,
                self.consent,
                self.save_button,
                self.message,
            ]
        )
        super().__init__([self.picker, self.page, self.publicity], **kwargs)
        self.add_class("imk-portfolio-view")
        self.refresh_choices()
        self._render()

    @classmethod
    def for_workspace(cls, home: str | Path | None = None, **kwargs: Any) -> PortfolioView:
        """A view on the workspace ``home`` (see :func:`widgets.search_panel.find_home`)."""
        workspace = Workspace.open(find_home(home))
        kwargs.setdefault("user", known_name(workspace.path))
        return cls(workspace.store, **kwargs)

    def refresh_choices(self) -> None:
        """Offer every portfolio as «ФИО — организация (id)»."""
        self.choices = {
            f"{p.teacher} — {p.organisation} ({p.id})": p.id
            for p in self.store.iter_records("portfolio")
            if isinstance(p, Portfolio)
        }
        self.picker.options = list(self.choices)

    def _picked(self, change: dict[str, Any]) -> None:
        record_id = self.choices.get(change["new"])
        if record_id:
            self.show(record_id)

    def show(self, record_id: str) -> None:
        """Open a teacher's portfolio by id."""
        try:
            record = self.store.get(record_id)
        except UserError as exc:
            self.message.value = f'<span class="imk-error">{esc(str(exc))}</span>'
            return
        if not isinstance(record, Portfolio):
            self.message.value = esc(t("portfolio_view.not_portfolio", id=record_id))
            return
        self.portfolio = record
        self.message.value = ""
        self._render()

    def save(self) -> Portfolio | None:
        """Save the public fields and the consent as ticked."""
        if self.portfolio is None:
            return None
        chosen = [name for name, box in self.public.items() if box.value]
        try:
            self.portfolio = set_publicity(
                self.store, self.portfolio, chosen, self.consent.value, signer(self.user)
            )
        except UserError as exc:
            self.message.value = f'<span class="imk-error">{esc(str(exc))}</span>'
            return None
        self.message.value = esc(t("portfolio_view.saved", version=self.portfolio.version))
        self._render()
        return self.portfolio

    def _render(self) -> None:
        p = self.portfolio
        self.publicity.layout.display = "" if p else "none"
        if p is None:
            self.page.value = esc(t("portfolio_view.nothing_open"))
            return
        self.page.value = page_html(self.store, p, self.today)
        for name, box in self.public.items():
            box.value = name in p.public_fields
        self.consent.value = p.consent_to_publish
