"""The index as an ``imk`` plugin: ``search`` and ``index`` commands; following the store."""

from __future__ import annotations

import html
import re
import time
from typing import Any

import click

from catalogue.cli import CatalogueError, Context, echo_json, pass_context, progress_bar
from catalogue.i18n import t
from catalogue.plugins import hookimpl
from catalogue.workspace import Workspace
from index.engine import CatalogueIndex, Progress, compare
from index.schema import FACETS
from index.search import SORTS, facet_label

# Above this many queued changes a full rebuild is faster than replaying them one by one.
REBUILD_THRESHOLD = 500


@hookimpl
def imk_records_changed(workspace: Workspace, progress: Progress | None) -> None:
    if len(workspace.store.pending(limit=REBUILD_THRESHOLD + 1)) > REBUILD_THRESHOLD:
        CatalogueIndex.build(workspace, progress)
    CatalogueIndex.open(workspace, progress).close()


@hookimpl
def imk_find_ids(
    workspace: Workspace, query: str, filters: dict[str, list[str]] | None, limit: int
) -> list[str]:
    index = CatalogueIndex.open(workspace)
    try:
        return index.find_ids(query, filters=filters, limit=limit)
    finally:
        index.close()


@hookimpl
def imk_stats(workspace: Workspace) -> dict[str, Any]:
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
            raise CatalogueError(t("cli.bad_filter", value=value, fields=", ".join(FACETS)))
        filters.setdefault(name.strip(), []).append(wanted.strip())
    return filters


@click.command(help=t("cli.search_help"))
@click.argument("query", nargs=-1)
@click.option("--limit", default=10, show_default=True, help=t("cli.limit_help"))
@click.option("--page", default=1, show_default=True, help=t("cli.page_help"))
@click.option("--sort", type=click.Choice(SORTS), default="relevance", help=t("cli.sort_help"))
@click.option(
    "--filter", "filters", multiple=True, metavar="ПОЛЕ=ЗНАЧЕНИЕ", help=t("cli.filter_help")
)
@click.option("--json", "as_json", is_flag=True, help=t("cli.json_help"))
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
        click.echo(t("cli.nothing_found", query=text), err=True)
        return
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


def _plain(snippet: str) -> str:
    """A snippet for the terminal: matched words in brackets, HTML entities decoded."""
    text = re.sub(r"<mark[^>]*>(.*?)</mark>", r"[\1]", snippet)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


@click.group("index", help=t("cli.index_help"))
def index_group() -> None:
    pass


@index_group.command(help=t("cli.rebuild_help"))
@pass_context
def rebuild(context: Context) -> None:
    ws = context.open()
    start = time.perf_counter()
    with progress_bar(t("progress.index")) as update:
        count = CatalogueIndex.build(ws, update)
    click.echo(
        t("cli.rebuild_done", count=count, seconds=f"{time.perf_counter() - start:.1f}"), err=True
    )


@index_group.command(help=t("cli.check_help"))
@click.option("--json", "as_json", is_flag=True, help=t("cli.json_help"))
@pass_context
def check(context: Context, as_json: bool) -> None:
    ws = context.open()
    if CatalogueIndex.is_current(ws.index_dir):
        report = CatalogueIndex(ws).check()
    else:
        report = compare(ws.store, {})
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


@hookimpl
def imk_register_commands(cli: click.Group) -> None:
    cli.add_command(search)
    cli.add_command(index_group)
