"""The names the search offers, in a module that loads nothing: the sort orders and the
facets (``imk search --help`` shows them without loading Whoosh)."""

from __future__ import annotations

SORTS = ("relevance", "date", "title")
FACETS = ("kind", "subject", "grade", "level", "resource_type", "organisation", "year", "status")
