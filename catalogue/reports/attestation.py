"""Attestation calendar and eligibility for a higher category (приказ Минпросвещения России
№ 196 от 24.03.2023).

Calendar (:func:`calendar`): teachers whose «Соответствие занимаемой должности» or a category
awarded before 1 September 2023 expires (:func:`catalogue.attestation.expiry`: the last valid
day is the same date five years on) between the reference day and the same day ``months``
later, both ends included — a category expiring exactly ``months`` months away is listed,
with the days left. Already expired ones are listed too (``include_expired``) after them, as
«срок истёк ДД.ММ.ГГГГ» without a countdown. Teachers without a
category, and categories awarded on or after 1 September 2023 (no expiry), are not in the
calendar; a category whose award date is missing is listed as «дата не указана».

Eligibility (:func:`eligibility`), from the order:
- first category: anyone may apply (no category, «соответствие», or an expired category);
- высшая: no earlier than two years after the first category was awarded (a first category
  without an award date is listed as eligible now: the methodist checks the date);
- «педагог-методист», «педагог-наставник»: holders of a valid высшая category;
- an expired высшая may be applied for again directly;
- «педагог-методист» and «педагог-наставник» are the top: nothing further.
Teachers are listed when they may apply by the end of the horizon (``months`` from today),
with the first day they may.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from catalogue import attestation, vocabularies
from catalogue.i18n import date_text, t
from catalogue.reports.data import add_months, as_date, has, labelled, load
from catalogue.workspace import Workspace

FIRST, HIGHEST = "Первая", "Высшая"
TOP = ("Педагог-методист", "Педагог-наставник")
WAIT_YEARS = 2


def _teachers(ws: Workspace, organisation: str | None, subject: str | None) -> pd.DataFrame:
    df = load(ws).portfolios
    keep = has(df.subjects, subject)
    if organisation:
        keep &= df.organisation == organisation
    return df[keep]


def _canonical(category: str) -> str:
    term = vocabularies.get("categories").resolve(category or "")
    return term.name if term else attestation.NO_CATEGORY


def _expires_at_all(category: str) -> bool:
    """Whether a category of this name can expire (assignment date decides for most)."""
    return category not in (attestation.NO_CATEGORY, *TOP)


def calendar(
    ws: Workspace,
    months: int = 6,
    today: dt.date | str | None = None,
    include_expired: bool = True,
    organisation: str | None = None,
    subject: str | None = None,
) -> pd.DataFrame:
    """Teachers whose category (or «соответствие») expires within ``months`` months."""
    today = as_date(today) or dt.date.today()
    horizon = add_months(today, months)
    rows: list[tuple[object, ...]] = []
    for p in _teachers(ws, organisation, subject).itertuples():
        category = _canonical(p.category)
        if not _expires_at_all(category):
            continue
        assigned = as_date(p.assigned)
        if assigned is None:
            rows.append(
                (
                    p.teacher,
                    p.organisation,
                    p.position,
                    category,
                    None,
                    None,
                    None,
                    t("report.no_date"),
                )
            )
            continue
        ends = attestation.expiry(category, assigned)
        if ends is None or ends > horizon or (ends < today and not include_expired):
            continue
        expired = ends < today
        state = t("report.expired_on", date=date_text(ends)) if expired else t("report.expires")
        days_left = None if expired else (ends - today).days
        rows.append(
            (p.teacher, p.organisation, p.position, category, assigned, ends, days_left, state)
        )
    df = pd.DataFrame(
        rows,
        columns=[
            "teacher",
            "organisation",
            "position",
            "category",
            "assigned",
            "expires",
            "days_left",
            "state",
        ],
    )
    df["days_left"] = df["days_left"].astype("Int64")
    # What is coming first (soonest on top), then the missing dates, then what has already
    # expired (most recent first): the countdown is never negative.
    group = df.days_left.notna().map({True: 0, False: 2}).where(df.expires.notna(), 1)
    order = df.expires.map(lambda d: d.toordinal() if d else 0)
    df = df.assign(_group=group, _order=order.where(group == 0, -order))
    df = df.sort_values(["_group", "_order", "teacher"], kind="stable")
    return labelled(df.drop(columns=["_group", "_order"]).reset_index(drop=True))


def next_step(
    category: str, assigned: dt.date | None, today: dt.date
) -> tuple[str, dt.date] | None:
    """The next category a teacher may apply for and the first day they may (None: none)."""
    category = _canonical(category)
    if category in TOP:
        return None
    ends = attestation.expiry(category, assigned) if assigned else None
    expired = ends is not None and ends < today
    if category == HIGHEST:
        if expired:
            return HIGHEST, today
        return " / ".join(TOP), (assigned or today)
    if category == FIRST and not expired:
        return HIGHEST, attestation.add_years(assigned, WAIT_YEARS) if assigned else today
    return FIRST, today


def eligibility(
    ws: Workspace,
    months: int = 6,
    today: dt.date | str | None = None,
    organisation: str | None = None,
    subject: str | None = None,
) -> pd.DataFrame:
    """Teachers who may apply for a higher category by ``months`` months from today."""
    today = as_date(today) or dt.date.today()
    horizon = add_months(today, months)
    rows = []
    for p in _teachers(ws, organisation, subject).itertuples():
        assigned = as_date(p.assigned)
        step = next_step(p.category, assigned, today)
        if step is None or step[1] > horizon:
            continue
        target, since = step
        since = max(since, today)
        rows.append(
            (
                p.teacher,
                p.organisation,
                p.position,
                _canonical(p.category),
                assigned,
                target,
                since,
                since <= today,
            )
        )
    df = pd.DataFrame(
        rows,
        columns=[
            "teacher",
            "organisation",
            "position",
            "category",
            "assigned",
            "next_category",
            "apply_from",
            "now",
        ],
    )
    df["now"] = df["now"].map({True: t("report.yes"), False: t("report.no")})
    df = df.sort_values(["apply_from", "teacher"], kind="stable")
    return labelled(df.reset_index(drop=True))
