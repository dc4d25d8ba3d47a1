"""``imk doctor``, ``imk backup PATH``, ``imk restore PATH`` and ``imk copy --to URL``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from catalogue import plugins
from catalogue.cli import Context, echo_json, pass_context, progress_bar, records_changed
from catalogue.i18n import t
from catalogue.maintenance.backup import backup, restore
from catalogue.maintenance.copy import copy_database
from catalogue.maintenance.doctor import Diagnosis, Finding, database_integrity, diagnose
from catalogue.storage.base import shown_url
from catalogue.workspace import SETTINGS_NAME, Workspace


def _show(report: Diagnosis, home: Path) -> None:
    """The diagnosis as a methodist reads it: what was checked, each problem, the verdict."""
    click.echo(t("doctor.title", path=home))
    checked = report.checked
    click.echo(
        "  "
        + t(
            "doctor.checked",
            records=checked.get("records", 0),
            versions=checked.get("versions", 0),
            files=checked.get("files", 0),
        )
    )
    for finding in report.findings:
        if finding.repaired:
            state = t("doctor.repaired")
        elif finding.repairable:
            state = t("doctor.can_repair")
        else:
            state = t("doctor.cannot_repair")
        count = f" ({len(finding.items)})" if finding.items else ""
        click.echo(f"  {t('doctor.area_' + finding.area)}: {finding.message}{count} — {state}")
        for item in finding.items[:5]:
            click.echo(f"      {item}")
        if len(finding.items) > 5:
            click.echo("      " + t("doctor.more", count=len(finding.items) - 5))
    remaining = report.remaining
    if not remaining:
        click.echo(t("doctor.ok"))
    else:
        click.echo(t("doctor.problems", count=len(remaining)))
        if any(f.repairable for f in remaining):
            click.echo(t("doctor.hint_repair"))
        if any(not f.repairable for f in remaining):
            click.echo(t("doctor.hint_backup"))


@click.command(help="doctor.help")
@click.option("--repair", is_flag=True, help="doctor.repair_help")
@click.option("--json", "as_json", is_flag=True, help="cli.json_help")
@pass_context
def doctor(context: Context, repair: bool, as_json: bool) -> None:
    home = context.home
    if not Workspace.exists(home):
        context.open()  # the usual "not a workspace" message
    broken = database_integrity(home)
    if broken:
        report = Diagnosis(
            findings=[
                Finding("database", "integrity", t("doctor.integrity"), broken, repairable=False)
            ]
        )
    else:
        with Workspace.open(home) as ws, progress_bar(t("progress.files")) as update:
            report = diagnose(ws, repair=repair, index_check=plugins.doctor, progress=update)
    if as_json:
        echo_json(report.to_json())
    else:
        _show(report, home)
    if not report.ok:
        sys.exit(1)


@click.command("backup", help="backup.help")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@pass_context
def backup_command(context: Context, path: Path) -> None:
    with context.open() as ws, progress_bar(t("progress.files")) as update:
        made = backup(ws, path, update)
    click.echo(
        t("backup.done", path=path, records=made.records, files=made.files, mb=made.bytes / 1e6),
        err=True,
    )


@click.command("restore", help="restore.help")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@pass_context
def restore_command(context: Context, path: Path) -> None:
    with progress_bar(t("progress.files")) as update:
        made = restore(path, context.home, update)
    with context.open() as ws:
        records_changed(ws)
    click.echo(
        t(
            "restore.done",
            path=context.home,
            records=made.records,
            files=made.files,
            created=made.created_at,
        ),
        err=True,
    )


@click.command("copy", help="copy.help")
@click.option("--to", "url", required=True, help="copy.to_help")
@pass_context
def copy_command(context: Context, url: str) -> None:
    with context.open() as ws, progress_bar(t("progress.rows")) as update:
        counts = copy_database(ws.store.db, url, update)
    shown = shown_url(url)
    click.echo(
        t(
            "copy.done",
            url=shown,
            records=counts.records,
            versions=counts.versions,
            texts=counts.texts,
            rows=sum(counts.rows.values()),
        ),
        err=True,
    )
    click.echo(t("copy.next", settings=ws.path / SETTINGS_NAME, url=shown, home=ws.path), err=True)
