"""What of a record may be published: the one gate every export format goes through.

A portfolio is published only when the teacher's consent is recorded, and then only its public
fields (:func:`catalogue.privacy.public_view`). Expert reviews, who edited the record and the
import's suggestions are internal to the office and never exported, whatever the kind.
"""

from __future__ import annotations

import copy

from catalogue.privacy import public_view
from catalogue.records import Portfolio, Record


def publishable(record: Record) -> Record | None:
    """A copy of ``record`` holding only what may be published, or None (no consent)."""
    if isinstance(record, Portfolio) and not record.consent_to_publish:
        return None
    out = copy.deepcopy(public_view(record))
    out.reviews = []
    out.created_by = out.updated_by = ""
    out.suggested = {}
    return out
