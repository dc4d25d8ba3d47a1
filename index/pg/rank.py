"""The SQL of a PostgreSQL search's two-stage ranking (:mod:`index.pg.search`).

Every record found is ranked first by its short fields (``meta_tsv``), a word its short fields
lack counted as one mention in its attachments (:func:`first_cut`, :func:`first_cut_score`);
then the :data:`CUT` best are ranked again with their attachments' text read
(:func:`exact_rows`, :func:`evidence`). The rule is :mod:`index.ranking`'s, the same as on
Whoosh.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from index.names import FACETS
from index.pg.sql import OPERAND, STRICT, WEIGHTS, Condition
from index.ranking import (
    ALL_REQUIRED_UP_TO,
    FACT_SHARE,
    PROXIMITY_DEPTH,
    REQUIRED_SHARE,
    SATURATION,
    Unit,
    required_units,
)
from index.schema import FIELD_BOOSTS

STRICT_COLUMNS = sorted({column for column, _ in STRICT.values() if column != "tsv"})
# BM25's saturation of the attachment text's word count (Whoosh's BM25F defaults): a long text
# mentioning a word 40 times is not 40 times the evidence of one mention
K1, B = 1.2, 0.75
META_WEIGHTS = "{0," + WEIGHTS.split(",", 1)[1]  # every label but D (the attachments' text)
CONTENT_WEIGHTS = "{1,0,0,0}"
CUT = PROXIMITY_DEPTH  # the best records of a first cut, ranked again with their attachments read
MENTION = 1.0  # a first cut's guess of a word's cover density in attachments: one mention


@dataclass
class Ranks:
    """SQL of a tsquery's cover density over the short fields and over the attachment text,
    and the first cut's guess of the former (:func:`words`)."""

    meta: str = "0.0"
    content: str = "0.0"
    first: str = "0.0"

    @classmethod
    def of(cls, query: str, built: Condition) -> Ranks:
        if not query:
            return cls()
        meta = _short(query, built)
        content = built.param(CONTENT_WEIGHTS)
        q = f"CAST({built.param(query)} AS tsquery)"
        loose = words(query)
        return cls(
            meta,
            f"ts_rank_cd(CAST({content} AS real[]), tsv, {q})",
            meta if loose is None else _short(loose, built),
        )

    def plus(self, other: Ranks, share: float) -> Ranks:
        return Ranks(
            f"{self.meta} + {share} * {other.meta}",
            f"{self.content} + {share} * {other.content}",
            f"{self.first} + {share} * {other.first}",
        )


def _short(query: str, built: Condition) -> str:
    """SQL: the cover density of a tsquery over the short fields. A record whose short fields
    lack the words ranks 0 there: testing that first (a quarter of ts_rank_cd's cost) spares
    the rank of most records a variant finds."""
    q = f"CAST({built.param(query)} AS tsquery)"
    weights = built.param(META_WEIGHTS)
    rank = f"ts_rank_cd(CAST({weights} AS real[]), meta_tsv, {q})"
    return f"CASE WHEN meta_tsv @@ {q} THEN {rank} ELSE 0 END"


def words(query: str) -> str | None:
    """The words of a tsquery with phrases, in any order (their labels kept): what the first
    cut ranks a phrase by, its words' weighted occurrences. Ranking a phrase checks its words'
    positions in every cover, ten times the cost; the first cut's best are ranked again by the
    phrase itself. None for a query without phrases."""
    if "<" not in OPERAND.sub("", query):
        return None
    return " | ".join(dict.fromkeys(m.group(0) for m in OPERAND.finditer(query)))


def evidence(meta: float, content: float, words: int, average: float) -> float:
    """A record's field evidence for a query part (the BM25F score without the idf, as
    :mod:`index.ranking` weighs it): the short fields' weighted occurrences (a title mention
    is worth the title's boost), plus the attachment text's occurrences saturated by its
    length against the average."""
    meta, content = float(meta), float(content)  # a constant 0 comes back as a Decimal
    found = FIELD_BOOSTS["title"] * meta
    if content:
        norm = 1 - B + B * words / max(average, 1.0)
        found += content * (K1 + 1) / (content + K1 * norm)
    return found


def first_cut(meta: str, average: float) -> str:
    """SQL: a record's :func:`evidence` for a query part before its attachments are read
    (``meta``: the column of its short fields' rank); a part its short fields lack was found
    in the attachments, counted as one mention."""
    norm = f"({1 - B} + {B} * content_words::float8 / {max(average, 1.0)!r})"
    mention = f"{MENTION * (K1 + 1)} / ({MENTION} + {K1} * {norm})"
    return f"({FIELD_BOOSTS['title']} * {meta} + CASE WHEN {meta} = 0 THEN {mention} ELSE 0 END)"


def rarity_sql(count: str, total: int) -> str:
    """SQL: :func:`index.ranking.rarity` of a count (a SQL expression) among ``total`` records."""
    found = f"CAST({count} AS float8)"
    return f"ln(1 + ({total} - {found} + 0.5) / ({found} + 0.5))"


def first_cut_score(parts: list[Unit], weights: list[str], average: float) -> str:
    """SQL over each part's flag ``f<n>`` and short fields' rank ``a<n>``: the score
    :func:`index.ranking.combine` gives the first cut's evidence (``weights``: each part's
    rarity, SQL); the caller keeps only the records matching enough parts."""
    score = []
    for n, (unit, weight) in enumerate(zip(parts, weights, strict=True)):
        found = first_cut(f"a{n}", average)
        earned = f"{FACT_SHARE}" if unit.fact else f"{found} / ({found} + {SATURATION})"
        score.append(f"CASE WHEN f{n} THEN {weight} * {unit.share!r} * {earned} ELSE 0 END")
    return " + ".join(score)


def required(parts: list[Unit], counts: list[int], loose: bool) -> int:
    """How many parts a record must match (:func:`index.ranking.required_units`; one when
    ``loose``)."""
    some = sum(1 for unit, count in zip(parts, counts, strict=True) if count and not unit.where)
    return 1 if loose else required_units(some)


def required_sql(parts: list[Unit], counts: list[str], loose: bool) -> str:
    """SQL of :func:`required` over the parts' counts (SQL expressions)."""
    if loose:
        return "1"
    named = [count for unit, count in zip(parts, counts, strict=True) if not unit.where]
    some = "(" + (" + ".join(f"CAST({count} > 0 AS int)" for count in named) or "0") + ")"
    return (
        f"(CASE WHEN {some} <= {ALL_REQUIRED_UP_TO} THEN greatest(1, {some}) "
        f"ELSE CAST(ceil({some} * {REQUIRED_SHARE}) AS int) END)"
    )


def elsewhere_sql(kinds: frozenset[str], subjects: frozenset[str], built: Condition) -> str:
    """SQL: whether a record is :func:`index.ranking.elsewhere` — of another kind than the
    kinds of document the query names fit, or with subjects and none of those it names."""
    found = []
    if kinds:
        found.append(f"NOT (kind && CAST({built.param(sorted(kinds))} AS text[]))")
    if subjects:
        named_ = built.param(sorted(subjects))
        found.append(f"(cardinality(subject) > 0 AND NOT (subject && CAST({named_} AS text[])))")
    return "(" + " OR ".join(found) + ")" if found else "FALSE"


def exact_rows(
    conn: Connection, head: list[str], columns: list[str], built: Condition
) -> dict[str, Any]:
    """Rows of ``columns`` (the ranks that read the attachments' text) of the records
    ``head``, by id; each record's tsvector read (detoasted) once rather than once per
    expression naming it."""
    if not head:
        return {}
    ids = built.param(head)
    kept = ", ".join(("id", "content_words", "meta_tsv", "grades_named", *FACETS, *STRICT_COLUMNS))
    found = conn.execute(
        text(
            f"WITH hit AS MATERIALIZED (SELECT {kept}, tsv || ''::tsvector AS tsv "
            f"FROM search_docs WHERE id = ANY({ids})) "
            f"SELECT id, content_words, {', '.join(columns)} FROM hit"
        ),
        built.params,
    )
    return {r["id"]: r for r in found.mappings()}
