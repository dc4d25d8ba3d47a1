"""The other forms of a query's word that search finds, at a lower weight
(:data:`VARIANT_SHARE`): the forms Snowball stems apart, the noun of a «-ический» adjective, a
fleeting vowel, a noun stemmed as a verb (:mod:`catalogue.words`), and in a file name the word
cut short; and whether a word's own stem is in the catalogue at all (a word found only
through its other forms may be a typo)."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

from whoosh import query as wq

from catalogue.words import (
    abbreviations,
    cut_forms,
    fleeting_forms,
    form_prefix,
    noun_stems,
    other_form,
)
from index import bm25

VARIANT_SHARE = 0.5  # of a field's weight another form of a word earns
PREFIXES_REMEMBERED = 10_000  # per segment
# segment reader -> (field, prefix) -> the words of the segment's field that start with it
_PREFIXED: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], list[str]]] = (
    weakref.WeakKeyDictionary()
)


def with_variants(q: wq.Query, reader: Any) -> wq.Query:
    """A word's query that also finds its :func:`other_stems` in each field, and in a file
    name its :func:`~catalogue.words.abbreviations`, at a lower weight."""
    if not isinstance(q, wq.Or):
        return q
    extra: list[wq.Query] = []
    for term in q.subqueries:
        if not isinstance(term, wq.Term) or not isinstance(term.text, str):
            return q
        has = partial(_has, reader, term.fieldname)
        forms = other_stems(term.text, partial(_prefixed, reader, term.fieldname), has)
        if term.fieldname in bm25.FILE_FIELDS:  # a file name cuts words short
            forms += abbreviations(term.text, has)
        for form in forms:
            extra.append(wq.Term(term.fieldname, form, boost=term.boost * VARIANT_SHARE))
    return wq.Or([*q.subqueries, *extra]) if extra else q


def _prefixed(reader: Any, name: str, prefix: str) -> Iterator[str]:
    """The words of a field that start with ``prefix``, in order: each segment's are
    remembered (a segment never changes; Whoosh merges its segments' terms one at a time)."""
    found: set[str] = set()
    for leaf, _ in reader.leaf_readers():
        known = _PREFIXED.setdefault(leaf, {})
        if (name, prefix) not in known:
            if len(known) >= PREFIXES_REMEMBERED:
                known.clear()
            known[name, prefix] = [
                word.decode() if isinstance(word, bytes) else word
                for word in leaf.expand_prefix(name, prefix)
            ]
        found.update(known[name, prefix])
    yield from sorted(found)


def _has(reader: Any, name: str, stem: str) -> bool:
    return bool(reader.doc_frequency(name, stem))


def other_stems(
    stem: str, expand: Callable[[str], Iterable[str]], known: Callable[[str], bool]
) -> list[str]:
    """The stems a word also finds, at a lower weight: the noun of a «-ический» adjective and
    its fleeting-vowel form that the catalogue has (``known``), and the forms Snowball stems
    apart («подготовить» / «подготовке», «внедрять» / «внедрению») among the catalogue's stems
    that start with the word's form prefix (``expand``) — :mod:`catalogue.words`."""
    found = [
        other
        for other in (*noun_stems(stem), *fleeting_forms(stem), *cut_forms(stem))
        if known(other)
    ]
    prefix = form_prefix(stem)
    if prefix is not None:
        found += [form for form in expand(prefix) if other_form(stem, form)]
    return found


def known(q: wq.Query, reader: Any) -> bool:
    """Whether a word's own stem (not only its other forms) is in some record."""
    if not isinstance(q, wq.Or):
        return True
    terms = [t for t in q.subqueries if isinstance(t, wq.Term)]
    if not terms or len(terms) < len(q.subqueries):
        return True
    return any(reader.doc_frequency(t.fieldname, t.text) for t in terms)
