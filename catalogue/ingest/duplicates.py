"""Duplicates: the same file twice (by SHA-256) and near-duplicates for a methodist to decide.

A near-duplicate is either the same text with small edits — estimated Jaccard similarity of
5-word shingles from a bottom-k sketch (:data:`SKETCH` smallest shingle hashes) of at least
:data:`TEXT_THRESHOLD` — or the same normalised title and author surnames. Pairs found by an
import are stored (table ``near_duplicates``) and listed by :func:`near_duplicates`; a methodist
calls :func:`dismiss` (they differ) or :func:`merge` (keep one record, move the other's
attachments to it and move the other to the bin).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from catalogue.records import Record

if TYPE_CHECKING:
    import pandas as pd

    from catalogue.store import Store
    from catalogue.workspace import Workspace

SHINGLE = 5
SKETCH = 128
TEXT_THRESHOLD = 0.7
MIN_WORDS = 40  # shorter texts are compared by title and authors only
_WORD = re.compile(r"\w+")


def sketch(text: str) -> frozenset[int]:
    """The :data:`SKETCH` smallest hashes of the text's word shingles (empty for short texts)."""
    words = _WORD.findall(text.lower().replace("ё", "е"))
    if len(words) < MIN_WORDS:
        return frozenset()
    hashes = {
        zlib.crc32(" ".join(words[i : i + SHINGLE]).encode())
        for i in range(len(words) - SHINGLE + 1)
    }
    return frozenset(sorted(hashes)[:SKETCH])


def similarity(a: frozenset[int], b: frozenset[int]) -> float:
    """Estimated Jaccard similarity of two texts from their sketches."""
    if not a or not b:
        return 0.0
    union = sorted(a | b)[:SKETCH]
    return sum(1 for h in union if h in a and h in b) / len(union)


def title_key(record: Record) -> str:
    """Folded title plus sorted author surnames (empty when the record has no authors)."""
    if not record.authors:
        return ""
    title = " ".join(_WORD.findall(record.title.lower().replace("ё", "е")))
    surnames = sorted(a.split()[0].lower().replace("ё", "е") for a in record.authors if a.split())
    return f"{title}|{','.join(surnames)}"


@dataclass
class Candidate:
    """A near-duplicate found for a new record."""

    record_id: str
    score: float
    reason: str  # "text" | "title"


class NearDuplicateFinder:
    """Sketches of the catalogue's materials, compared with each record an import adds."""

    def __init__(self) -> None:
        self._sketches: dict[str, frozenset[int]] = {}
        self._keys: dict[str, str] = {}

    @classmethod
    def from_store(cls, store: Store) -> NearDuplicateFinder:
        """Sketch every live record that has attachment text."""
        finder = cls()
        for record in store.iter_records():
            if record.kind == "portfolio":
                continue
            text = store.text_of(record) if record.attachments else ""
            finder.add(record, text)
        return finder

    def add(self, record: Record, text: str) -> None:
        """Remember a record so later ones are compared with it."""
        sig = sketch(text)
        if sig:
            self._sketches[record.id] = sig
        key = title_key(record)
        if key:
            self._keys.setdefault(key, record.id)

    def find(self, record: Record, text: str) -> list[Candidate]:
        """Records that look like near-duplicates of ``record`` (best first)."""
        found: dict[str, Candidate] = {}
        sig = sketch(text)
        if sig:
            for other, other_sig in self._sketches.items():
                score = similarity(sig, other_sig)
                if score >= TEXT_THRESHOLD and other != record.id:
                    found[other] = Candidate(other, score, "text")
        key = title_key(record)
        same_title = self._keys.get(key) if key else None
        if same_title and same_title != record.id and same_title not in found:
            found[same_title] = Candidate(same_title, 1.0, "title")
        return sorted(found.values(), key=lambda c: -c.score)


def near_duplicates(ws: Workspace, status: str | None = "open") -> pd.DataFrame:
    """Near-duplicate pairs as a pandas DataFrame (first, second, titles, score, reason)."""
    import pandas as pd

    rows = []
    for pair in ws.store.imports.near_duplicates(status):
        titles = []
        for rid in (pair["first_id"], pair["second_id"]):
            try:
                titles.append(ws.store.get(rid, include_deleted=True).title)
            except KeyError:
                titles.append("")
        rows.append({**pair, "first_title": titles[0], "second_title": titles[1]})
    return pd.DataFrame(
        rows,
        columns=[
            "first_id",
            "first_title",
            "second_id",
            "second_title",
            "score",
            "reason",
            "status",
            "found_at",
            "decided_by",
        ],
    )


def dismiss(ws: Workspace, first_id: str, second_id: str, by: str) -> None:
    """The two records are different works: stop reporting the pair."""
    ws.store.imports.decide_near_duplicate(first_id, second_id, "dismissed", by)


def merge(ws: Workspace, keep_id: str, drop_id: str, by: str) -> Record:
    """Keep ``keep_id``, add ``drop_id``'s attachments to it, move ``drop_id`` to the bin."""
    keep, drop = ws.store.get(keep_id), ws.store.get(drop_id)
    known = {a.sha256 for a in keep.attachments}
    keep.attachments += [a for a in drop.attachments if a.sha256 not in known]
    keep = ws.store.save(keep, by)
    ws.store.delete(drop_id, by)
    for first, second in ((keep_id, drop_id), (drop_id, keep_id)):
        pairs = ws.store.imports.near_duplicates(None)
        if any(p["first_id"] == first and p["second_id"] == second for p in pairs):
            ws.store.imports.decide_near_duplicate(first, second, "merged", by)
    return keep
