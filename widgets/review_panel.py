"""The review panel: a record's status with the allowed next steps, and the expert review
form (a score per criterion, a comment, a verdict) with the reviews given so far.

The rules live in :mod:`catalogue.curation.workflow`; this panel only offers the steps the
workflow allows and shows its Russian messages. ``on_change`` is called with the saved record
after every step (the curation desk reopens it in the editor).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from catalogue.curation import CRITERIA, add_review, allowed, change_status, known_name, signer
from catalogue.curation.workflow import average, status_name
from catalogue.errors import UserError
from catalogue.i18n import date_text, number_text, t
from catalogue.records import Record
from catalogue.store import Store
from widgets.search_panel import esc
from widgets.sizing import label_style, shared

NO_SCORE = "—"
VERDICT_OPTIONS = ("", "approve", "revise")


class ReviewPanel(w.VBox):
    """Status steps and expert reviews of one record (open it with :meth:`show`)."""

    def __init__(
        self,
        store: Store,
        user: str | None = None,
        on_change: Callable[[Record], None] | None = None,
        **kwargs: Any,
    ) -> None:
        self.store = store
        self.user = user if user is not None else known_name()
        self.on_change = on_change
        self.record: Record | None = None
        self.header = w.HTML()
        self.steps = w.HBox()
        self._step_buttons: dict[str, w.Button] = {}  # a status: its button, made once
        self.reviewer = w.Text(
            value=self.user,
            description=t("review.reviewer"),
            placeholder=t("review.reviewer_placeholder"),
            style=label_style(),
            layout=shared(width="520px"),
        )
        self.scores = {
            name: w.Dropdown(
                options=[NO_SCORE, *map(str, range(1, 6))],
                value=NO_SCORE,
                description=name,
                style={"description_width": "220px"},
                layout=shared(width="320px"),
            )
            for name in CRITERIA
        }
        self.comment = w.Textarea(
            placeholder=t("review.comment"), layout=shared(width="100%", height="60px")
        )
        self.verdict = w.ToggleButtons(
            options=[(t(f"review.verdict_{v or 'none'}"), v) for v in VERDICT_OPTIONS], value=""
        )
        self.submit = w.Button(
            description=t("review.submit"),
            icon="check",
            button_style="primary",
            layout=shared(width="auto"),
        )
        self.form = w.VBox(
            [self.reviewer, *self.scores.values(), self.comment, self.verdict, self.submit]
        )
        self.reviews = w.HTML()
        self.message = w.HTML()
        for widget, css in [
            (self.header, "imk-review-header"),
            (self.steps, "imk-steps"),
            (self.form, "imk-review-form"),
            (self.reviewer, "imk-reviewer"),
            (self.submit, "imk-submit-review"),
            (self.reviews, "imk-reviews"),
            (self.message, "imk-review-message"),
        ]:
            widget.add_class(css)
        self.submit.on_click(lambda _: self.submit_review())
        super().__init__([self.header, self.steps, self.message, self.form, self.reviews], **kwargs)
        self.add_class("imk-review-panel")
        self._render()

    def show(self, record_id: str | None) -> None:
        """Show a record (read fresh from the store); None clears the panel."""
        self.record = None
        if record_id:
            try:
                self.record = self.store.get(record_id)
            except UserError as exc:
                self._say(str(exc), error=True)
        self._render()

    def set_user(self, name: str) -> None:
        """Who is working now; the «Эксперт» box follows unless another name was typed there."""
        if self.reviewer.value.strip() in ("", self.user):
            self.reviewer.value = name
        self.user = name

    # -- actions --------------------------------------------------------------------------

    def move(self, to: str) -> Record | None:
        """Change the record's status to ``to`` (if the workflow allows it)."""
        record = self.record
        if record is None:
            return None
        return self._act(
            lambda: change_status(self.store, record, to, signer(self.user)),
            lambda r: t("review.moved", status=status_name(r.status)),
        )

    def submit_review(self) -> Record | None:
        """Add the review filled in on the form."""
        record = self.record
        if record is None:
            return None
        scores = {
            name: int(box.value) for name, box in self.scores.items() if box.value != NO_SCORE
        }
        saved = self._act(
            lambda: add_review(
                self.store,
                record,
                self.reviewer.value,
                scores,
                self.comment.value,
                self.verdict.value,
            ),
            lambda r: t("review.added", status=status_name(r.status)),
        )
        if saved is not None:
            self.comment.value = ""
            self.verdict.value = ""
            for box in self.scores.values():
                box.value = NO_SCORE
        return saved

    def _act(self, step: Callable[[], Record], done: Callable[[Record], str]) -> Record | None:
        if self.record is None:
            self._say(t("review.nothing_open"), error=True)
            return None
        record_id = self.record.id
        try:
            saved = step()
        except UserError as exc:
            self.show(record_id)  # the step changed nothing; show what is stored now
            self._say(str(exc), error=True)
            return None
        self.record = saved
        self._render()
        self._say(done(saved))
        if self.on_change:
            self.on_change(saved)
        return saved

    # -- drawing --------------------------------------------------------------------------

    def _say(self, text: str, error: bool = False) -> None:
        css = "imk-error" if error else "imk-message"
        self.message.value = f'<span class="{css}">{esc(text)}</span>' if text else ""

    def _step_button(self, to: str) -> w.Button:
        """The button that moves the record to status ``to``."""
        if to not in self._step_buttons:
            button = w.Button(description=t(f"review.to_{to}"), layout=shared(width="auto"))
            button.add_class(f"imk-to-{to}")
            button.on_click(lambda _: self.move(to))
            self._step_buttons[to] = button
        return self._step_buttons[to]

    def _render(self) -> None:
        record = self.record
        self.form.layout.display = "" if record and record.status == "review" else "none"
        if record is None:
            self.header.value = esc(t("review.nothing_open"))
            self.steps.children = []
            self.reviews.value = ""
            return
        self.header.value = esc(
            t("review.header", id=record.id, title=record.title, status=status_name(record.status))
        )
        self.steps.children = [self._step_button(to) for to in allowed(record.status)]
        self.reviews.value = reviews_html(record)


def reviews_html(record: Record) -> str:
    """The reviews of a record, newest first."""
    if not record.reviews:
        return f"<i>{esc(t('review.none'))}</i>"
    items = []
    for review in reversed(record.reviews):
        mean = average(review)
        scores = ", ".join(f"{k}: {v}" for k, v in review.scores.items())
        verdict = t(f"review.verdict_{review.verdict or 'none'}")
        head = t(
            "review.line", reviewer=review.reviewer, date=date_text(review.date), verdict=verdict
        )
        if mean is not None:
            head += " · " + t("review.mean", mean=number_text(mean, 1))
        items.append(
            f"<li><b>{esc(head)}</b><br>{esc(scores)}"
            f"{'<br>' + esc(review.comment) if review.comment else ''}</li>"
        )
    return f"<ul class='imk-review-list'>{''.join(items)}</ul>"
