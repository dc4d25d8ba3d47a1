"""The ``imk`` command line's shared parts and its core commands (init, demo, show, stats, lab).

The program is assembled in :mod:`imk.cli`, which lists every command of the project.

Messages go to stderr in the user's language; ``--json`` prints exactly one JSON object on
stdout. Exit status is 0 on success and 1 with a clear message otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click
from tqdm import tqdm

from catalogue import i18n, plugins, vocabularies
from catalogue.errors import UserError
from catalogue.i18n import t
from catalogue.records import to_dict
from catalogue.validation import field_label
from catalogue.workspace import ENV_DATABASE_URL, Workspace, default_home

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


class Context:
    """What every command gets: the workspace folder."""

    def __init__(self, home: Path):
        self.home = home

    def open(self) -> Workspace:
        """The existing workspace (a clear error if there is none)."""
        return Workspace.open(self.home)


pass_context = click.make_pass_decorator(Context)


class CatalogueError(click.ClickException):
    """How a :class:`UserError` leaves a command: one line on stderr, exit status 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(t("cli.error", message=self.format_message()), err=True)


class CatalogueGroup(click.Group):
    """A group whose commands end a :class:`UserError` with its message, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            raise CatalogueError(str(exc)) from exc


def echo_json(data: object) -> None:
    """Print one JSON object on stdout."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A tqdm bar on stderr, as a ``(done, total)`` callback."""
    bar = tqdm(desc=description, unit=" зап.", file=sys.stderr, leave=False, disable=None)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        bar.close()


def records_changed(ws: Workspace) -> None:
    """Let plugins (the index) catch up with what a command wrote."""
    with progress_bar(t("progress.index")) as update:
        plugins.records_changed(ws, update)


def _set_language(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value:
        i18n.set_language(value)
    return value


def _set_database_url(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> str | None:
    # Through the environment, so that every workspace this command opens, and the kernels
    # `imk lab` starts, use the same database.
    if value:
        os.environ[ENV_DATABASE_URL] = value
    return value


@click.group(cls=CatalogueGroup, help=t("cli.help"))
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="IMK_HOME",
    help=t("cli.home_help"),
)
@click.option(
    "--lang",
    type=click.Choice(i18n.LANGUAGES),
    callback=_set_language,
    expose_value=False,
    is_eager=True,
    help=t("cli.lang_help"),
)
@click.option(
    "--database-url",
    envvar=ENV_DATABASE_URL,
    callback=_set_database_url,
    expose_value=False,
    help=t("cli.database_url_help"),
)
@click.version_option(package_name="imk-catalogue")
@click.pass_context
def cli(ctx: click.Context, home: Path | None) -> None:
    ctx.obj = Context(home or default_home())


@click.command(help=t("cli.init_help"))
@pass_context
def init(context: Context) -> None:
    existed = Workspace.exists(context.home)
    Workspace.create(context.home).close()
    key = "cli.init_exists" if existed else "cli.init_done"
    click.echo(t(key, path=context.home), err=True)


@click.command(help=t("cli.demo_help"))
@click.option("--seed", default=2026, show_default=True, help=t("cli.demo_seed_help"))
@click.option("--scale", default=1.0, show_default=True, help=t("cli.demo_scale_help"))
@pass_context
def demo(context: Context, seed: int, scale: float) -> None:
    from catalogue import demo as demo_data

    ws = Workspace.create(context.home)
    count = ws.store.count()
    if count:
        raise UserError("cli.demo_not_empty", count=count)
    with progress_bar(t("progress.demo")) as update:
        stats = demo_data.build(ws, seed=seed, scale=scale, progress=update)
    records_changed(ws)
    click.echo(
        t(
            "cli.demo_done",
            records=stats.records,
            files=stats.files,
            seconds=f"{stats.seconds:.1f}",
        ),
        err=True,
    )


@click.command(help=t("cli.show_help"))
@click.argument("record_id")
@click.option("--json", "as_json", is_flag=True, help=t("cli.json_help"))
@pass_context
def show(context: Context, record_id: str, as_json: bool) -> None:
    ws = context.open()
    record = ws.store.get(record_id)
    data = to_dict(record)
    if as_json:
        echo_json({**data, "sources": record.sources})
        return
    click.echo(f"{record.id} · {record.title}")
    for name, value in data.items():
        if name in ("id", "title", "suggested") or value in ("", [], {}, None):
            continue
        click.echo(f"  {_label(name)}: {_display(name, value)}")


def _label(name: str) -> str:
    return field_label(name) if f"field.{name}" in i18n.catalog("ru") else name


def _display(name: str, value: object) -> str:
    """A stored value as a person reads it."""
    if name in ("status", "kind"):
        return vocabularies.coded_label(name, str(value))
    if isinstance(value, list):
        return "; ".join(
            str(v.get("name") or v.get("title") or v) if isinstance(v, dict) else str(v)
            for v in value
        )
    return str(value)


@click.command(help=t("cli.stats_help"))
@click.option("--json", "as_json", is_flag=True, help=t("cli.json_help"))
@pass_context
def stats(context: Context, as_json: bool) -> None:
    ws = context.open()
    data = ws.store.stats() | plugins.stats(ws)
    if as_json:
        echo_json(data)
        return
    click.echo(f"{t('stats.records')}: {data['records']}")
    click.echo(
        f"{t('stats.by_kind')}: "
        + ", ".join(f"{_display('kind', k)} {n}" for k, n in data["by_kind"].items())
    )
    click.echo(
        f"{t('stats.by_status')}: "
        + ", ".join(f"{_display('status', k)} {n}" for k, n in data["by_status"].items())
    )
    click.echo(
        f"{t('stats.with_text')}: {data['with_text']}; "
        f"{t('stats.without_text')}: {data['without_text']}"
    )
    click.echo(
        f"{t('stats.attachments')}: {data['attachments']}; "
        f"{t('stats.attachments_size')}: {data['attachments_bytes'] / 1e6:.1f}"
    )
    if "index" in data:
        index = data["index"]
        click.echo(
            f"{t('stats.index')}: {index['documents']} {t('stats.index_docs')}, "
            f"{index['pending']} {t('stats.index_pending')}"
        )


@click.command(
    help=t("cli.lab_help"),
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.argument("jupyter_args", nargs=-1, type=click.UNPROCESSED)
@pass_context
def lab(context: Context, jupyter_args: tuple[str, ...]) -> None:
    ws = context.open()
    jupyter = shutil.which("jupyter", path=str(Path(sys.executable).parent)) or "jupyter"
    click.echo(t("cli.lab_start", notebooks=NOTEBOOKS, home=ws.path), err=True)
    env = {**os.environ, "IMK_HOME": str(ws.path)}
    command = [jupyter, "lab", f"--ServerApp.root_dir={NOTEBOOKS}", *jupyter_args]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in command:
        command.append("--allow-root")  # containers and CI machines run as root
    raise SystemExit(subprocess.call(command, env=env))
