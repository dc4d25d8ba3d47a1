"""``imk textbooks``: import schools' lists of textbooks, resolve a row a methodist has decided,
and generate test data (a federal list in the official layout, schools' lists with their truth).
The checks themselves are reports: ``imk report textbooks-check`` and the other textbook reports.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from catalogue.cli import Context, echo_json, pass_context, progress_bar
from catalogue.curation.identity import current_user
from catalogue.errors import UserError
from catalogue.extract.safety import Limits
from catalogue.extract.worker import Worker
from catalogue.i18n import t


@click.group("textbooks", help="textbooks_cli.help")
def textbooks() -> None:
    """The group of textbook commands."""


@textbooks.command("import", help="textbooks_cli.import_help")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--school", help="textbooks_cli.school_help")
@click.option("--timeout", type=float, default=None, help="ingest_cli.timeout_help")
@click.option("--json", "as_json", is_flag=True, help="cli.json_help")
@pass_context
def import_lists(
    context: Context,
    paths: tuple[Path, ...],
    school: str | None,
    timeout: float | None,
    as_json: bool,
) -> None:
    from catalogue.textbooks.importing import federal_books, import_school_list, matcher_for

    if school and len(paths) > 1:
        raise UserError("textbooks_cli.one_school")
    ws = context.open()
    books = federal_books(ws.store)
    if not books:
        raise UserError("textbooks_cli.no_federal_list")
    limits = Limits.from_settings(ws.settings)
    if timeout is not None:
        limits = replace(limits, timeout_s=timeout)
    matcher = matcher_for(books.values())
    results = []
    with progress_bar(t("textbooks_cli.matching")) as update, Worker(limits) as worker:
        for path in paths:
            name = school or path.stem
            results.append(
                import_school_list(
                    ws, path, name, current_user(ws.path), limits, matcher, update, worker
                )
            )
    if as_json:
        echo_json(
            {
                "schools": [
                    {
                        "school": r.school,
                        "file": r.file,
                        "saved": r.school_list is not None,
                        "counts": r.counts,
                        "problems": r.problems,
                    }
                    for r in results
                ]
            }
        )
    else:
        for r in results:
            for problem in r.problems:
                click.echo(problem if r.file in problem else f"{r.file}: {problem}", err=True)
            key = "textbooks_cli.imported" if r.school_list else "textbooks_cli.refused"
            click.echo(t(key, school=r.school, file=r.file, **r.counts))
    if all(r.school_list is None for r in results):
        raise UserError("textbooks_cli.nothing_saved")


@textbooks.command("resolve", help="textbooks_cli.resolve_help")
@click.argument("school")
@click.argument("row", type=int)
@click.argument("record_id", required=False, default="")
@pass_context
def resolve_row(context: Context, school: str, row: int, record_id: str) -> None:
    from catalogue.textbooks.importing import resolve
    from catalogue.textbooks.storage import TextbookTables

    ws = context.open()
    current = TextbookTables(ws.store.db).school_list(school)
    if current is None:
        raise UserError("textbooks_cli.no_list", school=school)
    chosen = next((r for r in current.rows if r.row == row), None)
    if chosen is None:
        raise UserError("textbooks_cli.no_row", school=school, row=row)
    if record_id:
        ws.store.get(record_id)  # a missing record is a UserError the CLI shows
    resolve(ws, school, chosen, record_id, current_user(ws.path))
    click.echo(t("textbooks_cli.resolved", school=school, row=row, record=record_id or "—"))


@textbooks.command("generate", help="textbooks_cli.generate_help")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", type=int, default=11, show_default=True)
@click.option("--schools", type=click.IntRange(1, 200), default=20, show_default=True)
@click.option("--federal-list", is_flag=True, help="textbooks_cli.federal_list_help")
@pass_context
def generate(context: Context, folder: Path, seed: int, schools: int, federal_list: bool) -> None:
    from catalogue.textbooks import generator

    folder.mkdir(parents=True, exist_ok=True)
    if federal_list:
        older, newer = generator.federal_rows(seed)
        for name, version in (("fpu-old.xlsx", older), ("fpu-new.xlsx", newer)):
            generator.write_federal_list(version, folder / name)
            click.echo(t("textbooks_cli.written", path=folder / name, rows=len(version)))
        return
    from catalogue.textbooks.importing import federal_books

    books = list(federal_books(context.open().store).values())
    if not books:
        raise UserError("textbooks_cli.no_federal_list")
    made = generator.school_lists(books, folder, seed=seed, schools=schools)
    rows = sum(len(s.truth) for s in made)
    click.echo(t("textbooks_cli.generated", schools=len(made), rows=rows, path=folder))
