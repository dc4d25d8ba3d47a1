"""Curation: the review workflow, expert reviews, history with restore, the bin, merging.

Everything here works on a :class:`catalogue.store.Store` and writes through it, so every
change is a new version with its author, time and action, and every save is optimistic.
"""

from catalogue.curation.history import Change, diff, diff_versions, restore_version
from catalogue.curation.identity import current_user, known_name, remember_name, signer
from catalogue.curation.merge import MergeResult, merge
from catalogue.curation.workflow import (
    CRITERIA,
    TRANSITIONS,
    WorkflowError,
    add_review,
    allowed,
    change_status,
)

__all__ = [
    "CRITERIA",
    "TRANSITIONS",
    "Change",
    "MergeResult",
    "WorkflowError",
    "add_review",
    "allowed",
    "change_status",
    "current_user",
    "diff",
    "diff_versions",
    "known_name",
    "merge",
    "remember_name",
    "restore_version",
    "signer",
]
