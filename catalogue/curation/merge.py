"""Merging two edits of one record after a conflict (three-way, field by field).

``base`` is the version both people started from, ``mine`` the edit that was refused,
``theirs`` the version saved meanwhile. A field changed by only one side takes that side's
value; a field changed by both to different values is a conflict, settled by ``prefer``.
The result carries ``theirs``' version, so saving it is an ordinary optimistic save.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalogue.curation.history import BOOKKEEPING
from catalogue.records import Record, from_dict, to_dict


@dataclass
class MergeResult:
    """The merged record and the fields both sides changed differently."""

    record: Record
    conflicts: list[str] = field(default_factory=list)
    taken_from_mine: list[str] = field(default_factory=list)


def merge(base: Record, mine: Record, theirs: Record, prefer: str = "mine") -> MergeResult:
    """Apply my changes (relative to ``base``) on top of ``theirs``.

    ``prefer`` (``mine`` or ``theirs``) decides the fields both sides changed differently.
    """
    if prefer not in ("mine", "theirs"):
        raise ValueError(f"prefer must be 'mine' or 'theirs', not {prefer!r}")
    b, m, th = to_dict(base), to_dict(mine), to_dict(theirs)
    merged = dict(th)
    conflicts, from_mine = [], []
    for name, value in m.items():
        if name in BOOKKEEPING or name == "kind" or value == b.get(name):
            continue
        if th.get(name) == b.get(name) or th.get(name) == value:
            merged[name] = value
            from_mine.append(name)
        else:
            conflicts.append(name)
            if prefer == "mine":
                merged[name] = value
                from_mine.append(name)
    return MergeResult(from_dict(merged), conflicts, from_mine)
