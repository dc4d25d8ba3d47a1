"""The review workflow: черновик → на экспертизе → одобрено / на доработку → опубликовано →
в архиве, with expert reviews scored by criteria.

Only the transitions in :data:`TRANSITIONS` are allowed. A record becomes «одобрено» or
«опубликовано» only when its latest verdict is an approving review. Every step is a new
version of the record (``saved_by`` and the action ``status`` or ``review`` say who did what
and when); reviews live in the record's ``reviews`` list.
"""

from __future__ import annotations

import datetime as dt

from catalogue import vocabularies
from catalogue.errors import UserError
from catalogue.i18n import t
from catalogue.records import Record, Review
from catalogue.store import Store

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("review", "archived"),
    "review": ("approved", "revision"),
    "revision": ("review", "draft"),
    "approved": ("published", "revision"),
    "published": ("archived", "revision"),
    "archived": ("published", "draft"),
}
NEEDS_APPROVAL = ("approved", "published")
CRITERIA = (
    "актуальность",
    "методическая ценность",
    "соответствие ФГОС",
    "новизна",
    "практическая значимость",
    "качество оформления",
)
REOPENED = ("approved", "published")  # an edit sends these back on review
SCORES = range(1, 6)
VERDICTS = {"approve": "approved", "revise": "revision", "": None}


class WorkflowError(UserError):
    """A workflow step is not allowed; the message says why."""


def status_name(code: str) -> str:
    """«на экспертизе» for ``review``."""
    term = vocabularies.get("statuses").resolve(code)
    return term.name if term else code


def allowed(status: str) -> tuple[str, ...]:
    """Statuses a record in ``status`` may move to."""
    return TRANSITIONS.get(status, ())


def latest_verdict(record: Record) -> Review | None:
    """The most recent review that gave a verdict (approve or revise)."""
    judged = [r for r in record.reviews if r.verdict]
    return judged[-1] if judged else None


def approved(record: Record) -> bool:
    """Whether the latest verdict on the record approves it."""
    last = latest_verdict(record)
    return last is not None and last.verdict == "approve"


def check_transition(record: Record, to: str) -> None:
    """Raise :class:`WorkflowError` unless ``record`` may move to status ``to``."""
    if to not in TRANSITIONS:
        raise WorkflowError("curation.unknown_status", status=to)
    if to not in allowed(record.status):
        options = ", ".join(f"«{status_name(s)}»" for s in allowed(record.status))
        raise WorkflowError(
            "curation.transition",
            id=record.id,
            current=status_name(record.status),
            to=status_name(to),
            options=options,
        )
    if to in NEEDS_APPROVAL and not approved(record):
        raise WorkflowError("curation.needs_approval", id=record.id, to=status_name(to))


def change_status(store: Store, record: Record, to: str, by: str) -> Record:
    """Move ``record`` (as read, with its version) to status ``to``; return the saved record.

    Raises :class:`WorkflowError` for a step the workflow does not allow and
    :class:`catalogue.store.ConflictError` when someone saved the record meanwhile.
    """
    check_transition(record, to)
    record.status = to
    return store.curation.save_as(record, by, "status")


def reopens(record: Record) -> bool:
    """Whether saving an edit of ``record`` sends it back on review (:func:`save_edit`)."""
    return bool(record.id) and record.status in REOPENED


def save_edit(store: Store, record: Record, by: str) -> Record:
    """Save an edit made in the editor. An approved or published record goes back «на
    экспертизу»: its approval was given to the old content, so the expert sees the new one
    before it is published again; the version's action ``reopen`` says so in the history."""
    if reopens(record):
        record.status = "review"
        return store.curation.save_as(record, by, "reopen")
    return store.save(record, by=by)


def add_review(
    store: Store,
    record: Record,
    reviewer: str,
    scores: dict[str, int],
    comment: str = "",
    verdict: str = "",
    by: str | None = None,
    today: dt.date | None = None,
) -> Record:
    """Add an expert review to a record on review; «approve» approves it, «revise» sends it
    back for revision (a comment is then required). Return the saved record."""
    problems = []
    if record.status != "review":
        problems.append(
            t("curation.review_not_on_review", id=record.id, status=status_name(record.status))
        )
    if not reviewer.strip():
        problems.append(t("curation.reviewer_required"))
    for name, score in scores.items():
        if name not in CRITERIA:
            problems.append(t("curation.unknown_criterion", criterion=name))
        elif not isinstance(score, int) or score not in SCORES:
            problems.append(t("curation.bad_score", criterion=name, value=score))
    if verdict not in VERDICTS:
        problems.append(t("curation.bad_verdict", value=verdict))
    elif verdict == "revise" and not comment.strip():
        problems.append(t("curation.revise_needs_comment"))
    if problems:
        raise WorkflowError("curation.review_invalid", problems=" ".join(problems))
    day = (today or dt.date.today()).isoformat()
    record.reviews.append(
        Review(
            reviewer=reviewer.strip(),
            date=day,
            scores=dict(scores),
            comment=comment.strip(),
            verdict=verdict,
        )
    )
    record.status = VERDICTS[verdict] or record.status
    return store.curation.save_as(record, by or reviewer.strip(), "review")


def average(review: Review) -> float | None:
    """The mean score of a review (None without scores)."""
    return sum(review.scores.values()) / len(review.scores) if review.scores else None
