"""The parsed query (:mod:`index.query`, Whoosh query objects) as PostgreSQL: a ``WHERE``
condition over ``search_docs`` and the ``tsquery`` that ranks it.

The query language is parsed once, in :mod:`index.query`; this module only translates. Text
words are already analysed there (Snowball, «ё» → «е»), and the ``russian`` text-search
configuration stems them the same way, so a Whoosh term is a PostgreSQL lexeme. The weighted
text fields share one ``tsvector`` (``setweight`` A–D, :data:`LABELS`); field clauses
(``автор:``, ``школа:``…) read their own column (:data:`STRICT`); facet fields are arrays.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq

from index.analysis import KEEP, stem
from index.names import FACETS
from index.query import SCHOOL_GRADES, grade_clause
from index.schema import FIELD_BOOSTS

# Text field -> its weight in the one tsvector: title > authors/keywords > file names,
# annotation, vocabulary words > attachment text.
LABELS = {
    "title": "A",
    "authors": "B",
    "keywords": "B",
    "filename": "C",
    "annotation": "C",
    "meta": "C",
    "content": "D",
}
# ts_rank_cd weights {D, C, B, A}: each label's field boost (index.schema) relative to the title's
_BOOSTS = [max(FIELD_BOOSTS[f] for f in LABELS if LABELS[f] == label) for label in "DCBA"]
WEIGHTS = "{" + ",".join(str(round(boost / FIELD_BOOSTS["title"], 3)) for boost in _BOOSTS) + "}"
# A field clause's own column (or the one tsvector restricted to the field's label)
STRICT = {
    "authors": ("authors_tsv", ""),
    "keywords": ("keywords_tsv", ""),
    "annotation": ("annotation_tsv", ""),
    "org_text": ("org_tsv", ""),
    "title": ("tsv", "A"),
    "content": ("tsv", "D"),
}
# Words the project keeps although PostgreSQL's stop lists drop them («два», «нет»): no
# document has them as lexemes, so a query never requires them.
UNINDEXED = frozenset(stem(w) for w in KEEP)
# A tsquery operand: its quoted lexeme, then maybe a prefix mark and weight labels
OPERAND = re.compile(r"'(?:[^'\\]|\\.|'')*'(?::\*?([A-D]*))?")
PHRASE_GAPS = (1, 2)  # positions between phrase words: PostgreSQL counts dropped stop words
MAX_GAP_VARIANTS = 8


def matches(query: str, built: Condition) -> str:
    """SQL: the records the tsquery text ``query`` finds. A query whose every word is limited to
    the short fields (weights A–C) reads ``meta_tsv``, whose GIN index and phrase checks never
    touch the attachments' long text; any other reads the whole ``tsv`` (a phrase or a
    labelled word tried on ``meta_tsv`` first)."""
    labels = [m.group(1) for m in OPERAND.finditer(query)]
    short = bool(labels) and all(label and "D" not in label for label in labels)
    q = built.param(query)
    if short:
        return f"meta_tsv @@ CAST({q} AS tsquery)"
    if "<" in OPERAND.sub("", query) or any(labels):
        # positions or labels are checked on the row, not in the index: the short fields
        # first (the same positions, ``tsv`` being them followed by the attachments' text),
        # so the attachments' long text is read only for records the short fields miss
        return f"(meta_tsv @@ CAST({q} AS tsquery) OR tsv @@ CAST({q} AS tsquery))"
    return f"tsv @@ CAST({q} AS tsquery)"


def lexeme(text: str) -> str:
    """A quoted tsquery lexeme."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass
class Condition:
    """SQL built from a query: the text with ``:name`` parameters, and their values."""

    params: dict[str, Any] = field(default_factory=dict)

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"


def tsquery(q: wq.Query, strict: bool = False) -> str | None:
    """The tsquery text of a query over text fields only (None when a part is not text, or
    when nothing of it can match a lexeme: an empty tsquery then means «any»)."""
    if isinstance(q, wq.Term):
        return _term(q.fieldname, str(q.text), strict)
    if isinstance(q, (wq.Prefix, wq.Wildcard)):
        where = _label(q.fieldname, strict)
        if where is None:
            return None
        text = str(q.text).split("*")[0].split("?")[0]
        return f"{lexeme(text)}:*{where}" if text else ""
    if isinstance(q, wq.Phrase):
        return _phrase(q, strict)
    if isinstance(q, (wq.And, wq.Or)):
        if isinstance(q, wq.Or):
            parts = _or_parts(q.subqueries, strict)
        else:
            parts = [tsquery(sub, strict) for sub in q.subqueries]
        if any(p is None for p in parts):
            return None
        kept = [p for p in parts if p]
        if isinstance(q, wq.Or) and len(kept) < len(parts):
            return ""  # an «any» alternative: the whole OR accepts everything
        if len(kept) == 1:
            return kept[0]
        joiner = " & " if isinstance(q, wq.And) else " | "
        return "(" + joiner.join(kept) + ")" if kept else ""
    if isinstance(q, wq.Not):
        inner = tsquery(q.query, strict)
        return None if inner is None else (f"!({inner})" if inner else "")
    if isinstance(q, wq.AndNot):
        positive, negative = tsquery(q.a, strict), tsquery(q.b, strict)
        if positive is None or negative is None:
            return None
        return " & ".join(p for p in (positive, f"!({negative})" if negative else "") if p)
    if isinstance(q, wq.AndMaybe):
        return tsquery(q.a, strict)
    return None


def _label(fieldname: str, strict: bool) -> str | None:
    """The weight label a text field has in ``tsv`` ("" for any); None when the field is not
    in ``tsv`` (a field clause on a column of its own, or a facet)."""
    if strict and fieldname in STRICT:
        column, label = STRICT[fieldname]
        return label if column == "tsv" else None
    return LABELS.get(fieldname)


def _term(fieldname: str, text: str, strict: bool) -> str | None:
    where = _label(fieldname, strict)
    return None if where is None else _term_text(text, where)


def _term_text(text: str, where: str) -> str:
    if text in UNINDEXED:
        return ""
    return f"{lexeme(text)}:{where}" if where else lexeme(text)


def _or_parts(subqueries: Sequence[wq.Query], strict: bool) -> list[str | None]:
    """Each part of an OR as tsquery text, a word or phrase over several weighted fields
    named once with their labels joined («'дроб':AC»), as the query parser repeats it."""
    labels: dict[tuple[Any, ...], set[str]] = {}
    order: list[tuple[Any, ...] | wq.Query] = []
    for sub in subqueries:
        if not isinstance(sub, (wq.Term, wq.Phrase)):
            order.append(sub)
            continue
        where = _label(sub.fieldname, strict)
        if where is None:
            order.append(sub)
            continue
        key: tuple[Any, ...] = (
            (str(sub.text),)
            if isinstance(sub, wq.Term)
            else (tuple(map(str, sub.words)), max(1, int(sub.slop)))
        )
        if key not in labels:
            labels[key] = set()
            order.append(key)
        labels[key].update(where or "ABCD")
    out: list[str | None] = []
    for item in order:
        if not isinstance(item, tuple):
            out.append(tsquery(item, strict))
            continue
        joined = "".join(sorted(labels[item]))
        where = "" if len(joined) == 4 else joined
        if len(item) == 1:
            out.append(_term_text(item[0], where))
        else:
            out.append(_phrase_text(list(item[0]), item[1], where))
    return out


def _phrase(q: wq.Phrase, strict: bool, own_column: bool = False) -> str | None:
    where = "" if own_column else _label(q.fieldname, strict)
    if where is None:
        return None
    return _phrase_text([str(w) for w in q.words], max(1, int(q.slop)), where)


def _phrase_text(words: list[str], slop: int, where: str) -> str:
    """Words in this order, each next within ``slop`` positions (a phrase: next to each other,
    a dropped stop word allowed between)."""
    words = [w for w in words if w not in UNINDEXED]
    if not words:
        return ""
    suffix = f":{where}" if where else ""
    terms = [lexeme(w) + suffix for w in words]
    if len(terms) == 1:
        return terms[0]
    if slop > 1:  # near each other: every next word within ``slop`` positions
        pairs = [
            "(" + " | ".join(f"{a} <{gap}> {b}" for gap in range(1, slop + 1)) + ")"
            for a, b in itertools.pairwise(terms)
        ]
        return "(" + " & ".join(pairs) + ")"
    gaps = list(itertools.product(PHRASE_GAPS, repeat=len(terms) - 1))
    if len(gaps) > MAX_GAP_VARIANTS:
        gaps = [(1,) * (len(terms) - 1)]
    variants = []
    for distances in gaps:
        text = terms[0]
        for gap, term in zip(distances, terms[1:], strict=True):
            text = f"{text} <{gap}> {term}"
        variants.append(text)
    return "(" + " | ".join(variants) + ")"


def grade_mentions() -> dict[str, str]:
    """Per school grade, the tsquery of its mentions in the text (the phrases of
    :func:`index.query.grade_clause`: «5 класс», «пятый класс» in the title, annotation, file
    names or attachments): what a row's ``grades_named`` is computed by when it is written."""
    found = {}
    for grade in SCHOOL_GRADES:
        phrases = [p for p in grade_clause([grade]).children() if isinstance(p, wq.Phrase)]
        found[str(grade)] = " | ".join(dict.fromkeys(filter(None, map(tsquery, phrases))))
    return found


def _named_grades(q: wq.Query) -> list[str] | None:
    """The grades of a :func:`index.query.grade_clause`; None for any other query."""
    if not isinstance(q, wq.Or):
        return None
    numbers = [
        int(str(s.text))
        for s in q.subqueries
        if isinstance(s, wq.Term) and s.fieldname == "grade" and str(s.text).isdigit()
    ]
    return [str(n) for n in numbers] if numbers and q == grade_clause(numbers) else None


def condition(q: wq.Query, built: Condition, strict: bool = False) -> str:
    """A SQL boolean expression over ``search_docs`` for ``q`` (parameters added to ``built``).
    Grades named in a query read the rows' grades and the grades their text mentions
    (``grades_named``, found when the row was written): no phrase is checked on the
    attachments' long text."""
    if isinstance(q, wq.Every):
        return "TRUE"
    if q is wq.NullQuery:
        return "FALSE"
    named = _named_grades(q)
    if named is not None:
        values = f"CAST({built.param(named)} AS text[])"
        return f"(grade && {values} OR grades_named && {values})"
    text = tsquery(q, strict)
    if text is not None:
        return "TRUE" if not text else matches(text, built)
    if isinstance(q, wq.Term):
        return _field_condition(q.fieldname, str(q.text), built, strict)
    if isinstance(q, wq.Phrase):
        if strict and q.fieldname in STRICT:
            own = _phrase(q, strict, own_column=True)
            column = STRICT[q.fieldname][0]
            return f"{column} @@ CAST({built.param(own)} AS tsquery)" if own else "TRUE"
        return "FALSE"
    if isinstance(q, wq.TermRange):
        parts = ["year[1] IS NOT NULL"]
        if q.start is not None:
            parts.append(f"year[1] >= {built.param(str(q.start))}")
        if q.end is not None:
            parts.append(f"year[1] <= {built.param(str(q.end))}")
        return "(" + " AND ".join(parts) + ")"
    if isinstance(q, (wq.And, wq.Or)):
        joiner = " AND " if isinstance(q, wq.And) else " OR "
        parts = [condition(sub, built, strict) for sub in q.subqueries]
        return "(" + joiner.join(parts) + ")" if parts else "TRUE"
    if isinstance(q, wq.Not):
        return f"NOT {condition(q.query, built, strict)}"
    if isinstance(q, wq.AndNot):
        return f"({condition(q.a, built, strict)} AND NOT {condition(q.b, built, strict)})"
    if isinstance(q, wq.AndMaybe):
        return condition(q.a, built, strict)
    return "FALSE"


def _field_condition(fieldname: str, text: str, built: Condition, strict: bool) -> str:
    if fieldname in FACETS:
        return f"{fieldname} @> ARRAY[CAST({built.param(text)} AS text)]"  # GIN-indexed
    if strict and fieldname in STRICT:
        column, _ = STRICT[fieldname]
        if text in UNINDEXED:
            return "TRUE"
        return f"{column} @@ CAST({built.param(lexeme(text))} AS tsquery)"
    return "FALSE"


def clause_condition(q: wq.Query, built: Condition) -> str:
    """A field clause (``автор:Иванов``, ``класс:5``): each field read exactly."""
    return condition(q, built, strict=True)


def rank_query(q: wq.Query) -> str:
    """The tsquery whose cover density ranks the records ``q`` finds (its text part)."""
    return _positive(q) or ""


def _positive(q: wq.Query) -> str | None:
    """The positive text words of ``q`` as an OR (negations and metadata left out)."""
    if isinstance(q, (wq.Not, wq.TermRange, wq.Every)):
        return None
    if isinstance(q, wq.Or) and all(isinstance(s, (wq.Term, wq.Phrase)) for s in q.subqueries):
        # a word over several fields named once with their labels joined: the same cover
        # density, and ts_rank_cd's cost grows with the number of operands
        merged = tsquery(q)
        if merged:
            return merged
    if isinstance(q, (wq.And, wq.Or)):
        parts = [p for p in (_positive(s) for s in q.subqueries) if p]
        return "(" + " | ".join(parts) + ")" if parts else None
    if isinstance(q, wq.AndNot):
        return _positive(q.a)
    if isinstance(q, wq.AndMaybe):
        parts = [p for p in (_positive(q.a), _positive(q.b)) if p]
        return "(" + " | ".join(parts) + ")" if parts else None
    found = tsquery(q)
    return found or None
