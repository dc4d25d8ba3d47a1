"""The Whoosh schema: weighted text fields, facet fields and what a hit needs to show itself."""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from index.analysis import analyzer
from index.names import FACETS as FACETS  # re-exported: facets are named in index.names

# Bump when the schema or the analysis changes: an index of another version is rebuilt.
INDEX_VERSION = 7  # 7: «требования» among a Положение's vocabulary words (catalogue/vocab)

# Query-time weights: title > authors/keywords > file names > annotation > subjects/grades/type
# > full text.
FIELD_BOOSTS = {
    "title": 4.0,
    "authors": 2.5,
    "keywords": 2.5,
    "filename": 2.0,
    "annotation": 1.5,
    "meta": 1.2,
    "content": 1.0,
}
TEXT_FIELDS = tuple(FIELD_BOOSTS)

# Facets: subject, grade and level are multi-valued (comma-separated keywords); the rest are
# single values that sort cheaply as columns.


def build_schema() -> Schema:
    """A fresh schema instance (one analyzer object shared by the text fields)."""
    ana = analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        version=STORED(),
        title=TEXT(analyzer=ana, stored=True),
        authors=TEXT(analyzer=ana, stored=True),
        keywords=TEXT(analyzer=ana),
        filename=TEXT(analyzer=ana),
        annotation=TEXT(analyzer=ana, stored=True),
        meta=TEXT(analyzer=ana),
        content=TEXT(analyzer=ana),
        org_text=TEXT(analyzer=ana),
        kind=ID(stored=True, sortable=True),
        subject=KEYWORD(stored=True, commas=True, scorable=False),
        grade=KEYWORD(stored=True, commas=True, scorable=False),
        level=KEYWORD(stored=True, commas=True, scorable=False),
        resource_type=ID(stored=True, sortable=True),
        organisation=ID(stored=True, sortable=True),
        year=ID(stored=True, sortable=True),
        status=ID(stored=True, sortable=True),
        title_sort=ID(sortable=True),
        date_sort=ID(sortable=True),
        sources=STORED(),
        hashes=STORED(),
    )
