"""What of a record may be published: the one gate every export format goes through.

A portfolio is published only when the teacher's consent is recorded, and then only what
:func:`catalogue.privacy.public_view` lets out. The fields :data:`catalogue.privacy.INTERNAL`
(expert reviews, who edited the record, the import's suggestions) are never exported, whatever
the kind.
"""

from __future__ import annotations

from catalogue.privacy import INTERNAL, cleared, public_view
from catalogue.records import Portfolio, Record


def publishable(record: Record) -> Record | None:
    """A copy of ``record`` holding only what may be published, or None (no consent)."""
    if isinstance(record, Portfolio) and not record.consent_to_publish:
        return None
    return cleared(public_view(record), INTERNAL)
