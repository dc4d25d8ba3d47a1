"""The catalogue's words on PostgreSQL, for the typo repair of :mod:`index.spelling`.

``search_terms`` holds every lexeme a record ever had (added with the record, in the same
transaction); a word's frequency is counted live through the GIN index, so a word whose
records were deleted counts 0 and is never offered. Candidates within a few edits come from
the trigram index (``pg_trgm``), then the exact edit distance is checked here.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

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
