"""The search panel: a query box, order, facet filters with counts, result cards and paging.

A thin view over :class:`widgets.search_model.SearchModel`; every user action changes the
model and every model change redraws the view. In a notebook::

    from widgets import SearchPanel
    panel = SearchPanel.for_workspace()
    panel
"""

from __future__ import annotations

import asyncio
import html
import os
from functools import partial
from pathlib import Path
from typing import Any

import ipywidgets as w
from ipywidgets.widgets.widget_bool import CheckboxStyle

from catalogue import vocabularies
from catalogue.i18n import t
from catalogue.workspace import ENV_HOME, NotAWorkspace, Workspace, default_home
from index.engine import CatalogueIndex
from index.schema import FACETS
from index.search import SORTS, Hit, SearchResult, facet_label
from widgets.progress import ProgressReporter, progress
from widgets.search_model import SearchModel
from widgets.sizing import fits_label, shared, shared_style

FACET_LIMIT = 12  # values shown per facet (selected ones are always shown)
OPEN_FACETS = ("kind", "subject", "grade")  # facet blocks unfolded at first

STYLE = """<style>
.imk-search mark { background: rgba(255, 196, 0, 0.38); color: inherit;
  padding: 0 2px; border-radius: 2px; }
.imk-search .imk-card { border: 1px solid var(--jp-border-color2, #ddd); border-radius: 4px;
  padding: 8px 12px; margin: 0 0 8px 0; background: var(--jp-layout-color1, #fff);
  color: var(--jp-content-font-color1, #222); line-height: 1.45; white-space: normal; }
.imk-search .imk-card-title { font-weight: 600; font-size: var(--jp-content-font-size2, 1.1em);
  margin-bottom: 2px; }
.imk-search .imk-card-meta, .imk-search .imk-card-people, .imk-search .imk-card-sources {
  color: var(--jp-content-font-color2, #555); font-size: 0.92em; }
.imk-search .imk-card-snippet { margin: 4px 0; }
.imk-search .imk-card-id { color: var(--jp-content-font-color3, #888); font-size: 0.85em;
  font-family: var(--jp-code-font-family, monospace); }
.imk-search .imk-status { color: var(--jp-content-font-color1, #222); }
.imk-search .imk-status .imk-error { color: var(--jp-error-color1, #c00); }
.imk-search .imk-status .imk-corrected { color: var(--jp-content-font-color2, #555); }
.imk-search .imk-nothing { padding: 12px; color: var(--jp-content-font-color2, #555);
  border: 1px dashed var(--jp-border-color2, #ccc); border-radius: 4px; }
.imk-search .imk-facet .widget-checkbox { width: auto; height: auto; min-height: 22px; }
.imk-search .imk-facet .widget-label-basic span { white-space: normal; }
.imk-search .imk-facet-more { color: var(--jp-content-font-color3, #888); font-size: 0.9em; }
</style>"""


def esc(value: Any) -> str:
    """Text as HTML (quotes too)."""
    return html.escape(str(value), quote=True)


def grades_text(grades: list[str]) -> str:
    """«5 класс», «5, 6, 7 классы», «дошкольная группа, 1 класс»."""
    numbers = [g for g in grades if g.isdigit()]
    others = [facet_label("grade", g) for g in grades if not g.isdigit()]
    if len(numbers) == 1:
        others.append(facet_label("grade", numbers[0]))
    elif numbers:
        others.append(t("widgets.grades", grades=", ".join(numbers)))
    return ", ".join(others)


def card_html(hit: Hit) -> str:
    """One result as HTML: every field escaped except the snippet (already safe, with <mark>)."""
    meta = [
        facet_label("kind", hit.kind),
        hit.resource_type,
        ", ".join(hit.subjects),
        grades_text(hit.grades),
        str(hit.year or ""),
        facet_label("status", hit.status) if hit.status else "",
    ]
    people = "; ".join(hit.authors)
    if hit.organisation:
        people = f"{people} — {hit.organisation}" if people else hit.organisation
    parts = [
        f'<div class="imk-card" data-id="{esc(hit.id)}">',
        f'<div class="imk-card-title">{esc(hit.title)}</div>',
        f'<div class="imk-card-meta">{esc(" · ".join(m for m in meta if m))}</div>',
    ]
    if people:
        parts.append(f'<div class="imk-card-people">{esc(people)}</div>')
    if hit.snippet:
        parts.append(f'<div class="imk-card-snippet">{hit.snippet}</div>')
    if hit.sources:
        files = ", ".join(hit.sources)
        parts.append(f'<div class="imk-card-sources">{esc(t("widgets.files", files=files))}</div>')
    parts.append(f'<div class="imk-card-id">{esc(hit.id)}</div></div>')
    return "".join(parts)


def facet_items(
    facet: str, counts: dict[str, int], selected: list[str], limit: int = FACET_LIMIT
) -> tuple[list[tuple[str, int]], int]:
    """The (value, count) pairs to show for one facet and how many more are hidden.

    Small vocabularies (kinds, grades, levels, statuses) keep their own order and are shown
    whole; the rest show the ``limit`` most frequent values. Selected values always appear.
    """
    if facet in vocabularies.VOCABULARY_OF:
        codes = vocabularies.get(vocabularies.VOCABULARY_OF[facet]).codes()
        order = {code: i for i, code in enumerate(codes)}
        items = sorted(counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
        hidden = 0
    else:
        items = list(counts.items())[:limit]
        hidden = max(0, len(counts) - limit)
    shown = {value for value, _ in items}
    items += [(value, counts.get(value, 0)) for value in selected if value not in shown]
    return items, hidden


def find_home(home: str | Path | None = None) -> Path:
    """The workspace to open: ``home``, else ``IMK_HOME``, else a ``workspace`` folder next
    to the notebooks (``../workspace`` from the notebook's folder), else the default home."""
    if home is not None:
        return Path(home).expanduser()
    if os.environ.get(ENV_HOME):
        return default_home()
    here = Path.cwd()
    candidates = [here.parent / "workspace", here / "workspace", default_home()]
    for path in candidates:
        if Workspace.exists(path):
            return path
    raise NotAWorkspace("widgets.no_workspace", path=here.parent / "workspace")


class SearchPanel(w.VBox):
    """The search widget: show it as the last expression of a notebook cell.

    ``source`` is a :class:`CatalogueIndex` (a model is made for it) or a ready
    :class:`SearchModel`. ``debounce`` is how many seconds typing must pause before the
    search runs (0: search on every change).
    """

    def __init__(
        self,
        source: CatalogueIndex | SearchModel,
        debounce: float = 0.3,
        facet_limit: int = FACET_LIMIT,
        **kwargs: Any,
    ) -> None:
        self.model = source if isinstance(source, SearchModel) else SearchModel(source)
        self.debounce = debounce
        self.facet_limit = facet_limit
        self._pending: asyncio.TimerHandle | None = None
        self._syncing = False

        self.query_box = w.Text(
            value=self.model.query,
            placeholder=t("search.placeholder"),
            continuous_update=True,
            layout=shared(flex="1 1 auto"),
        )
        self.sort_select = w.Dropdown(
            options=[(t(f"search.sort_{s}"), s) for s in SORTS],
            value=self.model.sort,
            description=t("search.sort"),
            layout=shared(width="260px"),
        )
        self.clear_button = w.Button(
            description=t("search.clear"),
            icon="times",
            layout=shared(width="auto", flex="0 0 auto"),
        )
        self.status = w.HTML()
        self.prev_button = w.Button(description=t("search.prev"), layout=fits_label())
        self.next_button = w.Button(description=t("search.next"), layout=fits_label())
        self.page_label = w.Label()
        self.pager = w.HBox(
            [self.prev_button, self.page_label, self.next_button],
            layout=shared(align_items="center"),
        )
        self.nothing = w.HTML()
        self.cards: list[w.HTML] = []
        self.results = w.VBox(layout=shared(flex="1 1 auto", min_width="0"))
        self.checkboxes: dict[str, list[w.Checkbox]] = {f: [] for f in FACETS}
        self._values: dict[str, list[str]] = {f: [] for f in FACETS}
        self.more: dict[str, w.HTML] = {f: w.HTML() for f in FACETS}
        self.facet_lists: dict[str, w.VBox] = {f: w.VBox() for f in FACETS}
        self.facets: dict[str, w.Accordion] = {
            f: w.Accordion(
                [self.facet_lists[f]],
                titles=(t(f"facet.{f}"),),
                selected_index=0 if f in OPEN_FACETS else None,
            )
            for f in FACETS
        }
        self.facet_column = w.VBox(
            list(self.facets.values()), layout=shared(width="320px", flex="0 0 320px")
        )

        for widget, name in [
            (self.query_box, "imk-search-box"),
            (self.sort_select, "imk-sort"),
            (self.clear_button, "imk-clear"),
            (self.status, "imk-status"),
            (self.prev_button, "imk-prev"),
            (self.next_button, "imk-next"),
            (self.pager, "imk-pager"),
            (self.nothing, "imk-nothing"),
            (self.results, "imk-results"),
            (self.facet_column, "imk-facets"),
        ]:
            widget.add_class(name)
        for facet, box in self.facets.items():
            box.add_class("imk-facet")
            box.add_class(f"imk-facet-{facet}")
            self.more[facet].add_class("imk-facet-more")

        self.query_box.observe(self._on_type, "value")
        self.sort_select.observe(self._on_sort, "value")
        self.clear_button.on_click(lambda _: self.model.clear_filters())
        self.prev_button.on_click(lambda _: self.model.prev_page())
        self.next_button.on_click(lambda _: self.model.next_page())
        self.model.observe(self._render, names=["result", "error"])
        self.model.observe(self._on_model_criteria, names=["query", "sort"])

        top = w.HBox(
            [self.query_box, self.sort_select, self.clear_button],
            layout=shared(width="100%", align_items="center"),
        )
        body = w.HBox(
            [self.facet_column, self.results],
            layout=shared(width="100%", align_items="flex-start"),
        )
        super().__init__([w.HTML(STYLE), top, self.status, body], **kwargs)
        self.add_class("imk-search")
        self._render()

    @classmethod
    def for_workspace(cls, home: str | Path | None = None, **kwargs: Any) -> SearchPanel:
        """A panel on the workspace ``home`` (see :func:`find_home`), its index brought up to
        date first (a progress bar appears when it has to be built)."""
        workspace = Workspace.open(find_home(home))
        reporter: list[ProgressReporter] = []

        def report(done: int, total: int) -> None:
            if not reporter and not total:
                return  # an empty catalogue: nothing worth a bar
            if not reporter:
                reporter.append(progress("index"))
            reporter[0](done, total)

        return cls(CatalogueIndex.open(workspace, progress=report), **kwargs)

    def checkbox(self, facet: str, value: str) -> w.Checkbox | None:
        """The checkbox shown for ``value`` of ``facet`` (None when it is not shown)."""
        values = self._values[facet]
        return self.checkboxes[facet][values.index(value)] if value in values else None

    def shown_values(self, facet: str) -> dict[str, str]:
        """The values of ``facet`` on screen, each with its checkbox label."""
        pool = self.checkboxes[facet]
        return {v: pool[i].description for i, v in enumerate(self._values[facet])}

    # -- user actions ---------------------------------------------------------------------

    def _on_type(self, change: dict) -> None:
        if self._syncing:
            return
        self._cancel_pending()
        text = change["new"]
        loop = None
        if self.debounce > 0:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
        if loop is None:
            self._apply_query(text)
            return
        self.status.value = f'<span class="imk-searching">{esc(t("search.searching"))}</span>'
        self._pending = loop.call_later(self.debounce, self._apply_query, text)

    def _cancel_pending(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def _apply_query(self, text: str) -> None:
        self._pending = None
        if self.model.query == text:
            self._render()  # nothing to search again; drop the «Ищу…»
        else:
            self.model.query = text

    def _on_sort(self, change: dict) -> None:
        if not self._syncing:
            self.model.sort = change["new"]

    def _on_check(self, facet: str, position: int, change: dict) -> None:
        if self._syncing or position >= len(self._values[facet]):
            return
        self.model.toggle(facet, self._values[facet][position], selected=bool(change["new"]))

    def _on_model_criteria(self, change: dict) -> None:
        """The model changed from code: show its query and order in the controls."""
        self._syncing = True
        try:
            if change["name"] == "query" and self.query_box.value != change["new"]:
                self._cancel_pending()
                self.query_box.value = change["new"]
            elif change["name"] == "sort":
                self.sort_select.value = change["new"]
        finally:
            self._syncing = False

    # -- drawing --------------------------------------------------------------------------

    def _render(self, change: dict | None = None) -> None:
        result = self.model.result
        self._syncing = True
        try:
            self._render_status(result)
            if result is not None:
                self._render_facets(result)
                self._render_cards(result)
        finally:
            self._syncing = False

    def _render_status(self, result: SearchResult | None) -> None:
        parts = []
        if result is not None:
            parts.append(
                f'<span class="imk-found">{esc(t("search.found", total=result.total))}</span>'
            )
            if result.total:
                page = t("search.page", page=result.page, pages=result.pages)
                parts.append(f'<span class="imk-page">{esc(page)}</span>')
            if result.corrected:
                note = t("search.corrected", corrected=result.corrected)
                parts.append(f'<span class="imk-corrected">{esc(note)}</span>')
            elif result.suggestion:
                note = t("search.suggestion", suggestion=result.suggestion)
                parts.append(f'<span class="imk-suggestion">{esc(note)}</span>')
        if self.model.error:
            parts.append(f'<span class="imk-error">{esc(self.model.error)}</span>')
        self.status.value = " · ".join(parts)

    def _render_facets(self, result: SearchResult) -> None:
        for facet in FACETS:
            selected = self.model.filters.get(facet, [])
            items, hidden = facet_items(
                facet, result.facets.get(facet, {}), selected, self.facet_limit
            )
            pool = self.checkboxes[facet]
            while len(pool) < len(items):
                box = w.Checkbox(
                    indent=False, layout=shared(width="auto"), style=shared_style(CheckboxStyle)
                )
                box.add_class("imk-facet-value")
                box.observe(partial(self._on_check, facet, len(pool)), "value")
                pool.append(box)
            for box, (value, count) in zip(pool, items, strict=False):
                label = f"{facet_label(facet, value)} ({count})"
                box.description = label
                box.tooltip = label
                box.value = value in selected
            self._values[facet] = [value for value, _ in items]
            children = list(pool[: len(items)])
            if hidden:
                self.more[facet].value = esc(t("widgets.more", count=hidden))
                children.append(self.more[facet])
            self.facet_lists[facet].children = children
            title = t(f"facet.{facet}")
            if selected:
                title = t("widgets.facet_selected", facet=title, count=len(selected))
            accordion = self.facets[facet]
            accordion.set_title(0, title)
            accordion.layout.display = "" if items else "none"

    def _render_cards(self, result: SearchResult) -> None:
        if not result.hits:
            empty = not result.query.strip() and not result.filters
            self.nothing.value = esc(t("widgets.empty" if empty else "search.nothing"))
            self.results.children = [self.nothing]
            return
        while len(self.cards) < len(result.hits):
            card = w.HTML()
            card.add_class("imk-result-card")
            self.cards.append(card)
        for card, hit in zip(self.cards, result.hits, strict=False):
            card.value = card_html(hit)
        self.page_label.value = t("search.page", page=result.page, pages=result.pages)
        self.prev_button.disabled = result.page <= 1
        self.next_button.disabled = result.page >= result.pages
        children: list[w.Widget] = list(self.cards[: len(result.hits)])
        if result.pages > 1:
            children.append(self.pager)
        self.results.children = children
