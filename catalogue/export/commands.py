"""``imk collection create|add|list|export``, ``imk portfolio-page`` and ``imk cite``."""

from __future__ import annotations

import time
from pathlib import Path

import click

from catalogue import plugins
from catalogue.citations import STYLES, cite
from catalogue.cli import Context, OutputFile, echo_json, pass_context, progress_bar
from catalogue.errors import UserError
from catalogue.export import FORMATS, ExportError, export_collection, export_portfolio
from catalogue.export.privacy import publishable
from catalogue.i18n import t
from catalogue.records import Collection, to_dict


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} МБ" if n >= 1_000_000 else f"{n / 1000:.0f} КБ"


@click.group("collection", help="collection_cli.group_help")
def collection_group() -> None:
    pass


@collection_group.command("create", help="collection_cli.create_help")
@click.argument("name")
@click.option("--title", default="", help="collection_cli.title_help")
@click.option("--annotation", default="", help="collection_cli.annotation_help")
@click.option("--curator", default="", help="collection_cli.curator_help")
@click.option("--school", "schools", multiple=True, help="collection_cli.school_help")
@click.option("--grade", "grades", multiple=True, help="collection_cli.grade_help")
@click.option("--json", "as_json", is_flag=True, help="cli.json_help")
@pass_context
def create(
    context: Context,
    name: str,
    title: str,
    annotation: str,
    curator: str,
    schools: tuple[str, ...],
    grades: tuple[str, ...],
    as_json: bool,
) -> None:
    ws = context.open()
    collection = ws.store.collections.save(
        Collection(
            name=name,
            title=title or name,
            annotation=annotation,
            curator=curator,
            schools=list(schools),
            grades=list(grades),
        )
    )
    if as_json:
        echo_json(to_dict(collection))
    click.echo(t("collection_cli.created", name=name), err=True)


@collection_group.command("add", help="collection_cli.add_help")
@click.argument("name")
@click.argument("ids", nargs=-1)
@click.option("--query", default="", help="collection_cli.query_help")
@click.option("--limit", default=20, show_default=True, help="collection_cli.limit_help")
@click.option("--note", default="", help="collection_cli.note_help")
@click.option("--json", "as_json", is_flag=True, help="cli.json_help")
@pass_context
def add(
    context: Context,
    name: str,
    ids: tuple[str, ...],
    query: str,
    limit: int,
    note: str,
    as_json: bool,
) -> None:
    ws = context.open()
    collection = ws.store.collections.get(name)
    wanted = list(ids)
    if query:
        found = plugins.find_ids(ws, query, limit=limit)
        if found is None:
            raise UserError("collection_cli.no_search")
        if not found:
            raise UserError("collection_cli.nothing_found", query=query)
        wanted += found
    if not wanted:
        raise UserError("collection_cli.need_ids")
    for record_id in wanted:
        ws.store.get(record_id)  # a clear error for an unknown id, before anything is saved
    added = collection.add(wanted, note)
    ws.store.collections.save(collection)
    if as_json:
        echo_json({"name": collection.name, "added": added, "total": len(collection.items)})
    click.echo(
        t(
            "collection_cli.added",
            name=collection.name,
            added=len(added),
            present=len(wanted) - len(added),
            total=len(collection.items),
        ),
        err=True,
    )


@collection_group.command("list", help="collection_cli.list_help")
@click.option("--json", "as_json", is_flag=True, help="cli.json_help")
@pass_context
def list_collections(context: Context, as_json: bool) -> None:
    collections = context.open().store.collections.all()
    if as_json:
        echo_json(
            {
                "collections": [
                    {
                        "name": c.name,
                        "title": c.title,
                        "items": len(c.items),
                        "curator": c.curator,
                        "updated_at": c.updated_at,
                        "exports": c.exports,
                    }
                    for c in collections
                ]
            }
        )
        return
    if not collections:
        click.echo(t("collection_cli.none"), err=True)
    for c in collections:
        click.echo(f"{c.name}\t{len(c.items)}\t{c.title}")


@collection_group.command("export", help="collection_cli.export_help")
@click.argument("name")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="html",
    show_default=True,
    help="collection_cli.format_help",
)
@click.option(
    "-o",
    "--output",
    type=OutputFile(),
    help="collection_cli.output_help",
)
@click.option("--json", "as_json", is_flag=True, help="cli.json_help")
@pass_context
def export(context: Context, name: str, fmt: str, output: Path | None, as_json: bool) -> None:
    ws = context.open()
    start = time.perf_counter()
    with progress_bar(t("export.progress")) as update:
        path = export_collection(ws, name, fmt, output, progress=update)
    seconds = time.perf_counter() - start
    size = path.stat().st_size
    if as_json:
        echo_json(
            {
                "name": name,
                "format": fmt,
                "path": str(path),
                "size": size,
                "seconds": round(seconds, 2),
            }
        )
    click.echo(
        t("export.done", name=name, path=path, size=_size(size), seconds=f"{seconds:.1f}"), err=True
    )


@click.command("portfolio-page", help="collection_cli.portfolio_help")
@click.argument("record_id")
@click.option(
    "-o",
    "--output",
    type=OutputFile(),
    help="collection_cli.output_help",
)
@pass_context
def portfolio_page(context: Context, record_id: str, output: Path | None) -> None:
    path = export_portfolio(context.open(), record_id, output)
    click.echo(str(path))


@click.command("cite", help="cite.help")
@click.argument("record_id")
@click.option(
    "--style",
    type=click.Choice(STYLES),
    default="gost",
    show_default=True,
    help="cite.style_help",
)
@pass_context
def cite_command(context: Context, record_id: str, style: str) -> None:
    record = publishable(context.open().store.get(record_id))
    if record is None:
        raise ExportError("export.no_consent", id=record_id)
    click.echo(cite(record, style).rstrip("\n"))
