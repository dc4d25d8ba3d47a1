"""``imk import``: files, folders (recursively), the federal list and spreadsheets of records."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from catalogue.cli import (
    Context,
    echo_json,
    pass_context,
    progress_bar,
    records_changed,
)
from catalogue.errors import UserError
from catalogue.extract import Limits
from catalogue.i18n import t


def _mapping(values: tuple[str, ...]) -> dict[str, str]:
    from catalogue.ingest.tables import HEADERS

    mapping = {}
    for value in values:
        header, sep, field = value.rpartition("=")
        if not sep or not header.strip() or field.strip() not in HEADERS:
            raise UserError("ingest_cli.bad_map", value=value, fields=", ".join(HEADERS))
        mapping[header.strip()] = field.strip()
    return mapping


@click.command("import", help="ingest_cli.help")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--records", "as_records", is_flag=True, help="ingest_cli.records_help")
@click.option(
    "--map", "mapping", multiple=True, metavar="ЗАГОЛОВОК=ПОЛЕ", help="ingest_cli.map_help"
)
@click.option("--dry-run", is_flag=True, help="ingest_cli.dry_run_help")
@click.option("--max-mb", type=float, default=None, help="ingest_cli.max_mb_help")
@click.option("--timeout", type=float, default=None, help="ingest_cli.timeout_help")
@click.option("--json", "as_json", is_flag=True, help="cli.json_help")
@pass_context
def import_command(
    context: Context,
    paths: tuple[Path, ...],
    as_records: bool,
    mapping: tuple[str, ...],
    dry_run: bool,
    max_mb: float | None,
    timeout: float | None,
    as_json: bool,
) -> None:
    columns = _mapping(mapping)
    if dry_run:
        _dry_run(paths, columns, _limits(Limits(), max_mb, timeout), as_json)
        return
    from catalogue.ingest.pipeline import import_paths

    ws = context.open()
    limits = _limits(Limits.from_settings(ws.settings), max_mb, timeout)
    with progress_bar(t("ingest.progress")) as update:
        report = import_paths(
            ws,
            paths,
            progress=update,
            limits=limits,
            as_records=as_records or bool(columns),
            mapping=columns or None,
        )
    if report.record_ids:
        records_changed(ws)
    if as_json:
        echo_json(report.to_json())
    else:
        for line in report.lines():
            click.echo(line, err=True)
    click.echo(report.summary(), err=True)
    click.echo(t("ingest_cli.saved", path=report.saved_to[0]), err=True)


def _limits(limits: Limits, max_mb: float | None, timeout: float | None) -> Limits:
    if max_mb is not None:
        limits = replace(limits, max_file_mb=max_mb)
    if timeout is not None:
        limits = replace(limits, timeout_s=timeout)
    return limits


def _dry_run(
    paths: tuple[Path, ...], mapping: dict[str, str], limits: Limits, as_json: bool
) -> None:
    """Show what the spreadsheets would become, row by row; save nothing.

    The tables are read in the worker process under the import limits, as by an import.
    """
    from catalogue.ingest.pipeline import collect
    from catalogue.ingest.tables import is_table, preview

    tables = [p for p in collect(paths).files if is_table(p)]
    if not tables:
        raise UserError("ingest_cli.no_tables")
    result = {}
    for path in tables:
        try:
            frame = preview(path, mapping or None, limits=limits)
        except ValueError as exc:  # a refused or broken table: the message names the file
            raise UserError("ingest_cli.refused", reason=exc) from exc
        result[str(path)] = frame.to_dict(orient="records")
        if not as_json:
            click.echo(f"{path}:")
            click.echo(frame.to_string(index=False, max_colwidth=40))
    if as_json:
        echo_json({"preview": result})
