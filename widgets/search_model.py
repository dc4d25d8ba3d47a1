"""The search panel's state and logic, with no widgets: a :class:`SearchModel` holds the query,
filters, order and page, and re-runs the search whenever one of them changes.

The view (:mod:`widgets.search_panel`) only mirrors these traits; tests drive the model
directly. Facet semantics come from :func:`index.search.search`: values of one facet combine
with OR, different facets with AND.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from traitlets import Dict, Enum, HasTraits, Instance, Int, List, Unicode, observe, validate

from catalogue.i18n import t
from index.schema import FACETS
from index.search import SORTS, SearchResult

if TYPE_CHECKING:
    from index.engine import CatalogueIndex


class SearchModel(HasTraits):
    """Query, filters, order and page of one search, and its latest result.

    Changing ``query``, ``filters``, ``sort`` or ``page_size`` searches again from page 1;
    changing ``page`` fetches that page. Everything runs synchronously, so after an assignment
    ``result`` already holds the answer. A failure (never a query syntax error: those are
    searched as plain words) leaves the message in ``error``.
    """

    query = Unicode("")
    filters = Dict(value_trait=List(Unicode()))
    sort = Enum(SORTS, default_value="relevance")
    page = Int(1)
    page_size = Int(10)
    result = Instance(SearchResult, allow_none=True)
    error = Unicode("")

    def __init__(self, index: CatalogueIndex, **kwargs: Any) -> None:
        self.index = index
        self.searches = 0  # how many searches ran (a view can show it; tests count it)
        self._quiet = False
        super().__init__(**kwargs)
        self.search()

    # -- validation -----------------------------------------------------------------------

    @validate("filters")
    def _valid_filters(self, proposal) -> dict[str, list[str]]:
        """Known facets only, values as unique strings, no empty selections."""
        clean: dict[str, list[str]] = {}
        for facet, values in (proposal["value"] or {}).items():
            if facet not in FACETS:
                continue
            unique = list(dict.fromkeys(str(v) for v in values if str(v)))
            if unique:
                clean[facet] = unique
        return clean

    @validate("page")
    def _valid_page(self, proposal) -> int:
        """At least 1, at most the last page of the current result."""
        page = max(1, int(proposal["value"]))
        if self.result is not None and not self._quiet:
            page = min(page, self.result.pages)
        return page

    @validate("page_size")
    def _valid_page_size(self, proposal) -> int:
        return max(1, min(int(proposal["value"]), 200))

    # -- reacting to changes --------------------------------------------------------------

    @observe("query", "filters", "sort", "page_size")
    def _criteria_changed(self, change) -> None:
        self._quiet = True  # back to page 1 without a search of its own
        try:
            self.page = 1
        finally:
            self._quiet = False
        self.search()

    @observe("page")
    def _page_changed(self, change) -> None:
        if not self._quiet:
            self.search()

    # -- actions --------------------------------------------------------------------------

    def search(self) -> SearchResult | None:
        """Run the search for the current state and store the result (or the error)."""
        self.searches += 1
        try:
            result = self.index.search(
                self.query,
                filters=self.filters,
                sort=self.sort,
                page=self.page,
                page_size=self.page_size,
                log="widget" if self.query.strip() else None,
            )
        except Exception as exc:  # an unreadable index, a locked file…: show, don't raise
            self.error = t("search.error", message=str(exc) or type(exc).__name__)
            return None
        self.error = ""
        self.result = result
        return result

    def is_selected(self, facet: str, value: str) -> bool:
        """Whether ``value`` of ``facet`` is among the filters."""
        return str(value) in self.filters.get(facet, [])

    def toggle(self, facet: str, value: str, selected: bool | None = None) -> None:
        """Select ``value`` of ``facet`` if it is not selected, else drop it.

        ``selected`` forces the state instead (a checkbox passes its new value).
        """
        if facet not in FACETS:
            raise ValueError(f"unknown facet: {facet!r}; known: {', '.join(FACETS)}")
        value = str(value)
        current = list(self.filters.get(facet, []))
        want = (value not in current) if selected is None else selected
        if want and value not in current:
            current.append(value)
        elif not want and value in current:
            current.remove(value)
        else:
            return
        self.filters = {**self.filters, facet: current}

    def clear_filters(self) -> None:
        """Drop every filter (the query stays)."""
        if self.filters:
            self.filters = {}

    def next_page(self) -> bool:
        """Go to the next page; False when already on the last one."""
        if self.result is None or self.page >= self.result.pages:
            return False
        self.page += 1
        return True

    def prev_page(self) -> bool:
        """Go to the previous page; False when already on the first one."""
        if self.page <= 1:
            return False
        self.page -= 1
        return True
