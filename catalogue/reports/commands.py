"""``imk report [NAME] [--format csv|xlsx|html] [-o PATH]``: the office reports on the command line.

Without NAME the command lists the reports (or, with ``--format xlsx|html``, writes all of them
into one file). With NAME it prints the table, or writes it with its chart.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click
import pandas as pd

from catalogue.cli import Context, OutputFile, echo_json, pass_context, progress_bar
from catalogue.errors import UserError
from catalogue.i18n import date_text, t
from catalogue.reports import display, output
from catalogue.reports.data import as_date
from catalogue.reports.registry import REPORTS
from catalogue.workspace import Workspace

BY = ("grade", "level", "type", "year", "organisation", "author")


def _date(value: str | None) -> dt.date | None:
    """A date typed as ГГГГ-ММ-ДД or ДД.ММ.ГГГГ."""
    try:
        if value and "." in value:
            return dt.datetime.strptime(value.strip(), "%d.%m.%Y").date()
        return as_date(value)
    except ValueError as exc:
        raise UserError("report_cli.bad_date", value=value) from exc


def _subtitle(today: dt.date, params: dict[str, Any]) -> str:
    parts = []
    if params.get("organisation"):
        parts.append(t("report.filter_organisation", value=params["organisation"]))
    if params.get("subject"):
        parts.append(t("report.filter_subject", value=params["subject"]))
    if params.get("start") or params.get("end"):
        parts.append(
            t(
                "report.filter_period",
                start=date_text(params.get("start")) or "…",
                end=date_text(params.get("end")) or "…",
            )
        )
    return t("report.subtitle", today=date_text(today), filters=" ".join(parts))


def _list(as_json: bool) -> None:
    if as_json:
        echo_json(
            {
                "reports": [
                    {"name": r.name, "title": r.title, "about": r.about, "params": r.params}
                    for r in REPORTS.values()
                ]
            }
        )
        return
    click.echo(t("report_cli.list_title"), err=True)
    width = max(len(name) for name in REPORTS)
    for r in REPORTS.values():
        click.echo(f"  {r.name:<{width}}  {r.title}")


def _json_table(name: str, table: pd.DataFrame) -> dict[str, Any]:
    keep = not isinstance(table.index, pd.RangeIndex)
    flat = table.reset_index() if keep else table
    rows = json.loads(flat.to_json(orient="records", force_ascii=False, date_format="iso"))
    return {
        "report": name,
        "title": REPORTS[name].title,
        "columns": [str(c) for c in flat.columns],
        "rows": rows,
    }


def _write_all(
    ws: Workspace, fmt: str, path: Path | None, today: dt.date, params: dict[str, Any]
) -> None:
    if fmt == "csv":
        raise UserError("report.bad_value", name="--format", value=fmt)
    with progress_bar(t("report_cli.building")) as update:
        results = output.build(ws, progress=update, **params)
    path = path or output.default_path(ws, "all", fmt, today)
    if fmt == "xlsx":
        output.save_xlsx(results, path)
    else:
        output.save_html(results, path, _subtitle(today, params))
    click.echo(t("report.saved", path=path), err=True)


@click.command("report", help="report_cli.help")
@click.argument("name", required=False)
@click.option("--format", "fmt", type=click.Choice(output.FORMATS), help="report_cli.format_help")
@click.option(
    "-o",
    "--output",
    "path",
    type=OutputFile(),
    help="report_cli.output_help",
)
@click.option("--chart", type=OutputFile(), help="report_cli.chart_help")
@click.option("--today", help="report_cli.today_help")
@click.option("--from", "start", help="report_cli.from_help")
@click.option("--to", "end", help="report_cli.to_help")
@click.option("--organisation", help="report_cli.organisation_help")
@click.option("--subject", help="report_cli.subject_help")
@click.option("--months", type=click.IntRange(0, 120), help="report_cli.months_help")
@click.option("--norm", type=click.IntRange(0, 10000), help="report_cli.norm_help")
@click.option("--by", type=click.Choice(BY), help="report_cli.by_help")
@click.option(
    "--freq", type=click.Choice(("year", "quarter", "month")), help="report_cli.freq_help"
)
@click.option("--top", type=click.IntRange(1), help="report_cli.top_help")
@click.option("--json", "as_json", is_flag=True, help="cli.json_help")
@pass_context
def report(
    context: Context,
    name: str | None,
    fmt: str | None,
    path: Path | None,
    chart: Path | None,
    today: str | None,
    start: str | None,
    end: str | None,
    organisation: str | None,
    subject: str | None,
    months: int | None,
    norm: int | None,
    by: str | None,
    freq: str | None,
    top: int | None,
    as_json: bool,
) -> None:
    if name is None and fmt is None:
        _list(as_json)
        return
    if name is not None and name not in REPORTS:
        raise UserError("report.unknown", name=name)
    ws = context.open()
    day = _date(today) or dt.date.today()
    params = dict(
        today=day,
        start=_date(start),
        end=_date(end),
        organisation=organisation,
        subject=subject,
        months=months,
        norm=norm,
        by=by,
        freq=freq,
        top=top,
    )
    if name is None:
        assert fmt is not None  # checked above: without NAME there is a --format
        _write_all(ws, fmt, path, day, params)
        return
    table = REPORTS[name].run(ws, **params)
    if chart:
        from catalogue.reports import charts

        chart.write_bytes(charts.png(REPORTS[name].figure(table)))
        click.echo(t("report.chart_saved", path=chart), err=True)
    if fmt:
        _write_one(ws, name, table, fmt, path, day, params)
    elif as_json:
        echo_json(_json_table(name, table))
    else:
        click.echo(REPORTS[name].title, err=True)
        click.echo(display.text_table(table))


def _write_one(
    ws: Workspace,
    name: str,
    table: pd.DataFrame,
    fmt: str,
    path: Path | None,
    today: dt.date,
    params: dict[str, Any],
) -> None:
    path = path or output.default_path(ws, name, fmt, today)
    report_ = REPORTS[name]
    if fmt == "csv":
        output.save_csv(table, path)
    else:
        from catalogue.reports import charts

        result = output.Result(report_, table, charts.png(report_.figure(table)))
        if fmt == "xlsx":
            output.save_xlsx(output.with_sheets(ws, result, **params), path)
        else:
            output.save_html([result], path, _subtitle(today, params))
    click.echo(t("report.saved", path=path), err=True)
