"""The ``search`` and ``index`` commands, and the index as a plugin that follows the store.

:mod:`imk.cli` lists the commands and registers this module with :mod:`catalogue.plugins`.
"""

from __future__ import annotations

import atexit
import gc
import html
import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from catalogue.cli import Context, echo_json, pass_context, progress_bar
from catalogue.errors import UserError
from catalogue.i18n import clip_text, number_text, t
from catalogue.plugins import hookimpl
from index.names import FACETS, SORTS

if TYPE_CHECKING:
    from catalogue.workspace import Workspace
    from index.engine import Progress

MAX_LIMIT = 100  # results on one page of the terminal

# Above this many queued changes a full rebuild is faster than replaying them one by one.
REBUILD_THRESHOLD = 500


@hookimpl(specname="imk_records_changed")
def catch_up(workspace: Workspace, progress: Progress | None) -> None:
    """Bring the index up to date with the store (rebuilt when much has changed)."""
    from index.engine import CatalogueIndex

    if len(workspace.store.pending(limit=REBUILD_THRESHOLD + 1)) > REBUILD_THRESHOLD:
        CatalogueIndex.build(workspace, progress)
    CatalogueIndex.open(workspace, progress).close()


@hookimpl
def imk_find_ids(
    workspace: Workspace, query: str, filters: dict[str, list[str]] | None, limit: int
) -> list[str]:
    from index.engine import CatalogueIndex

    index = CatalogueIndex.open(workspace)
    try:
        return index.find_ids(query, filters=filters, limit=limit)
    finally:
        index.close()


@hookimpl
def imk_stats(workspace: Workspace) -> dict[str, Any]:
    from index.engine import CatalogueIndex

    index = CatalogueIndex.open(workspace)
    try:
        return {
            "index": {
                "documents": index.doc_count(),
                "pending": len(workspace.store.pending()),
                "size_bytes": index.size_bytes(),
            }
        }
    finally:
        index.close()


def _parse_filters(values: tuple[str, ...]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for value in values:
        name, sep, wanted = value.partition("=")
        if not sep or name.strip() not in FACETS or not wanted.strip():
            raise UserError("cli.bad_filter", value=value, fields=", ".join(FACETS))
        filters.setdefault(name.strip(), []).append(wanted.strip())
    return filters


@click.command(help="cli.search_help")
@click.argument("query", nargs=-1)
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_LIMIT),
    default=10,
    show_default=True,
    help="cli.limit_help",
)
@click.option(
    "--page", type=click.IntRange(min=1), default=1, show_default=True, help="cli.page_help"
)
@click.option("--sort", type=click.Choice(SORTS), default="relevance", help="cli.sort_help")
@click.option(
    "--filter", "filters", multiple=True, metavar="cli.filter_metavar", help="cli.filter_help"
)
@click.option("--json", "as_json", is_flag=True, help="cli.json_help")
@pass_context
def search(
    context: Context,
    query: tuple[str, ...],
    limit: int,
    page: int,
    sort: str,
    filters: tuple[str, ...],
    as_json: bool,
) -> None:
    with _loading_search():
        from index.engine import CatalogueIndex
        from index.search import facet_label

    text = " ".join(query)
    wanted = _parse_filters(filters)
    index = CatalogueIndex.open(context.open())
    result = index.search(text, filters=wanted, sort=sort, page=page, page_size=limit, log="cli")
    if as_json:
        echo_json(result.to_json())
        return
    if result.corrected:
        click.echo(t("search.corrected", corrected=result.corrected), err=True)
    if not result.total:
        click.echo(t("cli.nothing_found", query=clip_text(text)), err=True)
        return
    if not result.hits:
        pages = -(-result.total // result.page_size)
        raise UserError("cli.page_beyond", page=page, pages=pages, total=result.total)
    first = (result.page - 1) * result.page_size + 1
    click.echo(
        t("cli.found", total=result.total, first=first, last=first + len(result.hits) - 1), err=True
    )
    for n, hit in enumerate(result.hits, first):
        facts = [
            facet_label("kind", hit.kind),
            hit.resource_type,
            ", ".join(hit.subjects),
            ", ".join(facet_label("grade", g) for g in hit.grades),
            str(hit.year or ""),
        ]
        click.echo(f"{n:>3}. {hit.id}  {hit.title}")
        click.echo("       " + " · ".join(f for f in facts if f))
        snippet = _plain(hit.snippet)
        if snippet:
            click.echo(f"       {snippet}")


@contextmanager
def _loading_search() -> Iterator[None]:
    """Load the search for a process that is one search (``imk search`` run from a shell, not
    a test or a notebook that has loaded numpy already). One BLAS thread: a search does no
    linear algebra, and the pool of OpenBLAS threads numpy starts when it loads spins and is
    joined at exit (~70 ms of CPU). No cycle collection while numpy and Whoosh load (each
    would walk every object loaded so far); what they loaded lives until the exit, so it is
    frozen (:func:`gc.freeze`: no later collection walks it), and so is what is left at the
    exit, which Python's shutdown would otherwise search for cycles (together ~0.15 CPU-s).
    Nothing a search leaves needs finalising: its one write, the search-log row, is committed.
    """
    fresh = "numpy" not in sys.modules
    if fresh:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        gc.disable()
    try:
        yield
    finally:
        if fresh:
            gc.freeze()
            gc.enable()
            atexit.register(gc.freeze)


def _plain(snippet: str) -> str:
    """A snippet for the terminal: matched words in brackets, HTML entities decoded."""
    text = re.sub(r"<mark[^>]*>(.*?)</mark>", r"[\1]", snippet)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


@click.group("index", help="cli.index_help")
def index_group() -> None:
    pass


@index_group.command(help="cli.rebuild_help")
@pass_context
def rebuild(context: Context) -> None:
    from index.engine import CatalogueIndex

    ws = context.open()
    start = time.perf_counter()
    with progress_bar(t("progress.index")) as update:
        count = CatalogueIndex.build(ws, update)
    click.echo(
        t("cli.rebuild_done", count=count, seconds=number_text(time.perf_counter() - start, 1)),
        err=True,
    )


@index_group.command(help="cli.check_help")
@click.option("--json", "as_json", is_flag=True, help="cli.json_help")
@pass_context
def check(context: Context, as_json: bool) -> None:
    from index.engine import CatalogueIndex, compare

    ws = context.open()
    index = CatalogueIndex.existing(ws)
    report = index.check() if index is not None else compare(ws.store, {})
    if as_json:
        echo_json({**report.__dict__, "ok": report.ok})
    elif report.ok:
        click.echo(t("cli.check_ok", count=report.records), err=True)
    else:
        click.echo(
            t(
                "cli.check_bad",
                missing=len(report.missing),
                stale=len(report.stale),
                orphans=len(report.orphans),
            ),
            err=True,
        )
    if not report.ok:
        raise SystemExit(1)
