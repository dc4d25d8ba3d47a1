"""The catalogue's words on PostgreSQL (``search_terms``): for the typo repair of
:mod:`index.spelling`, and the other forms of a word a search also finds.

``search_terms`` holds every lexeme a record ever had (added with the record, in the same
transaction); a word's frequency is counted live through the GIN index, so a word whose
records were deleted counts 0 and is never offered. Candidates within a few edits come from
the trigram index (``pg_trgm``), then the exact edit distance is checked here.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from sqlalchemy import Connection, text
from whoosh import query as wq

from index.forms import other_stems
from index.pg.sql import lexeme
from index.spelling import edit_distance

SIMILARITY = 0.25  # trigram similarity a candidate needs (one or two edits of a short word)


class PgTerms:
    """The :class:`index.spelling.TermSource` of a PostgreSQL catalogue (one connection, one
    search; frequencies cached for it)."""

    def __init__(self, conn: Connection, trgm: str) -> None:
        self.conn = conn
        self.trgm = trgm  # the schema of the pg_trgm extension
        self._frequency: dict[str, int] = {}

    def frequency(self, term: str, fields: tuple[str, ...]) -> int:
        """Records holding ``term`` in any text field (PostgreSQL keeps them in one tsvector)."""
        if term not in self._frequency:
            self._frequency[term] = int(
                self.conn.execute(
                    text("SELECT count(*) FROM search_docs WHERE tsv @@ CAST(:q AS tsquery)"),
                    {"q": lexeme(term)},
                ).scalar_one()
            )
        return self._frequency[term]

    def near(self, term: str, distance: int) -> Iterable[str]:
        """Known words within ``distance`` edits of ``term``, starting with its letter."""
        self.conn.execute(
            text("SELECT set_config('pg_trgm.similarity_threshold', :s, true)"),
            {"s": str(SIMILARITY)},
        )
        rows = self.conn.execute(
            text(
                f"SELECT term FROM search_terms WHERE term OPERATOR({self.trgm}.%) :t "
                "AND left(term, 1) = left(:t, 1)"
            ),
            {"t": term},
        )
        return [r.term for r in rows if edit_distance(r.term, term) <= distance]


def _word(q: wq.Query) -> str | None:
    """The stem of a one-word query (its field terms), or None."""
    if not isinstance(q, wq.Or):
        return None
    terms = [t for t in q.subqueries if isinstance(t, wq.Term)]
    stems = {str(t.text) for t in terms}
    return stems.pop() if len(stems) == 1 and len(terms) == len(q.subqueries) else None


def _has_term(conn: Connection, stem: str) -> bool:
    """Whether some record holds ``stem`` (the terms table)."""
    found = conn.execute(text("SELECT 1 FROM search_terms WHERE term = :s"), {"s": stem})
    return found.first() is not None


def known(conn: Connection, q: wq.Query) -> bool:
    """Whether a one-word query's own stem (not only its other forms) is in some record."""
    stem = _word(q)
    return stem is None or _has_term(conn, stem)


def other_forms(conn: Connection, q: wq.Query) -> list[str]:
    """The catalogue's :func:`index.forms.other_stems` of a one-word unit, from the terms
    table."""
    stem = _word(q)
    if stem is None:
        return []

    def expand(prefix: str) -> list[str]:
        pattern = prefix.replace("\\", "").replace("%", "").replace("_", "") + "%"
        found = conn.execute(
            text("SELECT term FROM search_terms WHERE term LIKE :p"), {"p": pattern}
        )
        return list(found.scalars())

    return sorted(set(other_stems(stem, expand, partial(_has_term, conn))))
