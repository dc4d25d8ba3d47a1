"""Search on PostgreSQL: the catalogue's own database answers its searches (``search_docs``,
``search_terms``), with the query language, repairs, ranking rule, facets and snippets of the
Whoosh backend. :meth:`index.engine.CatalogueIndex.open` chooses it for a PostgreSQL store."""
