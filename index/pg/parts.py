"""How the parts of a query of several parts find their records on PostgreSQL (for
:func:`index.pg.search._attempt`): the SQL that finds the records matching enough parts, each
part's rarity, how many parts a record needs, and how many records each part finds — counted
before the search's statement for a query of few parts, inside it for more."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from index.pg.rank import rarity_sql, required, required_sql
from index.pg.sql import Condition
from index.ranking import ALL_REQUIRED_UP_TO, Unit, rarity


@dataclass
class Finding:
    """How one attempt finds the records matching enough of its parts: SQL for
    :func:`index.pg.found.answer` and, known before it runs or returned by it (``figures``),
    how many records each part finds and whether a word's own form finds any."""

    where: str  # the records some part finds
    flags: list[str]  # per part: whether a record matches it
    before: list[str]  # CTEs the flags read
    weights: list[str]  # per part: its rarity
    needed: str  # how many parts a record must match
    figures: tuple[str, ...] = ()  # the counts and own forms' flags, when the statement finds them
    counts: list[int] = field(default_factory=list)
    own: list[bool] = field(default_factory=list)

    def settled(self, figures: list[int], owns: list[str | None]) -> tuple[list[int], list[bool]]:
        """Each part's count and whether its own form finds records (``figures``: what the
        statement returned; ``owns``: the parts' own-form conditions, None without forms)."""
        if not self.figures:
            return self.counts, self.own
        counts, has = figures[: len(owns)], iter(figures[len(owns) :])
        return counts, [bool(next(has)) if o else n > 0 for o, n in zip(owns, counts, strict=True)]


def finding(
    conn: Connection,
    built: Condition,
    parts: list[Unit],
    conditions: tuple[list[str], list[str | None], str],
    loose: bool,
    total: int,
) -> Finding:
    """How the records matching enough ``parts`` are found (``conditions``: each part's
    condition, its own form's, and the required field clauses). Up to
    :data:`index.ranking.ALL_REQUIRED_UP_TO` parts are counted first: when every part is then
    required, the index intersects their records. Otherwise each part's records are found
    once (a phrase's positions checked once) and matched by id; a query of more parts counts
    them, and decides what a record needs, inside the same statement (each counted once)."""
    finds, owns, clauses = conditions
    k = range(len(parts))
    where = f"({' OR '.join(finds)}){clauses}"
    before = [
        f"u{n} AS MATERIALIZED (SELECT id FROM search_docs WHERE {finds[n]}{clauses})" for n in k
    ]
    flags = [f"id IN (SELECT id FROM u{n})" for n in k]
    if len(parts) > ALL_REQUIRED_UP_TO:
        tally = ", ".join(f"(SELECT count(*) FROM u{n}) AS n{n}" for n in k)
        before.append(f"tally AS MATERIALIZED (SELECT {tally})")
        counted = [f"(SELECT n{n} FROM tally)" for n in k]
        weights = [rarity_sql(count, total) for count in counted]
        figures = (*counted, *(_exists(own, clauses) for own in owns if own))
        return Finding(where, flags, before, weights, required_sql(parts, counted, loose), figures)
    counts, found_own = count_parts(conn, built, finds, owns, clauses)
    needed = required(parts, counts, loose)
    weights = [repr(rarity(count, total)) if count else "0.0" for count in counts]
    if needed == len(parts):  # the index intersects their records
        where, flags, before = " AND ".join(finds) + clauses, ["TRUE"] * len(parts), []
    return Finding(where, flags, before, weights, str(needed), (), counts, found_own)


def _exists(find: str, clauses: str) -> str:
    """SQL: whether some record meets the condition ``find`` and the field clauses."""
    return f"EXISTS (SELECT 1 FROM search_docs WHERE {find}{clauses})"


def count_parts(
    conn: Connection, built: Condition, finds: list[str], owns: list[str | None], clauses: str
) -> tuple[list[int], list[bool]]:
    """How many records each part's condition finds (with the field clauses ``clauses``
    required), and whether its own form finds any (the others may have found them all). A
    count reads every found row (its visibility), as much as finding them does."""
    counts = [f"(SELECT count(*) FROM search_docs WHERE {find}{clauses})" for find in finds]
    owned = [_exists(own, clauses) if own else "NULL" for own in owns]
    row = conn.execute(text(f"SELECT {', '.join(counts + owned)}"), built.params).one()
    found = [int(n) for n in row[: len(finds)]]
    has = row[len(finds) :]
    return found, [n > 0 if h is None else bool(h) for n, h in zip(found, has, strict=True)]
