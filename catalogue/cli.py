"""The ``imk`` command line's shared parts and its core commands (init, demo, show, stats, lab).

The program is assembled in :mod:`imk.cli`, which lists every command of the project.

Messages go to stderr in the user's language; ``--json`` prints exactly one JSON object on
stdout. Exit status is 0 on success and 1 with a clear message otherwise.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

import click

from catalogue import cli_words, i18n, plugins
from catalogue.errors import UserError
from catalogue.i18n import t

if TYPE_CHECKING:
    from catalogue.workspace import Workspace


class Context:
    """What every command gets: the workspace folder."""

    def __init__(self, home: Path | None):
        self._home = home

    @property
    def home(self) -> Path:
        """The workspace folder: ``--home``, else ``IMK_HOME``, else the default home."""
        from catalogue.workspace import default_home

        return self._home or default_home()

    def open(self) -> Workspace:
        """The existing workspace (a clear error if there is none)."""
        from catalogue.workspace import Workspace

        return Workspace.open(self.home)


pass_context = click.make_pass_decorator(Context)


class CatalogueError(click.ClickException):
    """How a :class:`UserError` leaves a command: one line on stderr, exit status 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(t("cli.error", message=self.format_message()), err=True)


class Lazy(NamedTuple):
    """A command imported when it is called: ``target`` is ``"module:attribute"``, ``help`` its
    help text's locale key (what ``imk --help`` shows without importing it)."""

    target: str
    help: str


class CatalogueGroup(click.Group):
    """A group whose commands end a :class:`UserError` with its message, never a traceback
    (usage errors too exit with status 1: :func:`catalogue.cli_words.install`).

    ``lazy`` maps command names to :class:`Lazy`: a command's module is imported only when the
    command is called, so ``imk search`` does not load what ``imk report`` needs, and ``imk
    --help`` loads none of them. Help texts are locale keys, translated when shown
    (:mod:`catalogue.cli_words`).
    """

    def __init__(self, *args: Any, lazy: dict[str, Lazy] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, Lazy] = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            module, _, name = self.lazy[cmd_name].target.partition(":")
            command: click.Command = getattr(importlib.import_module(module), name)
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy and name not in self.commands:  # not imported for its help
                rows.append((name, cli_words.short_help(self.lazy[name].help)))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, cli_words.short_help(command.help or "")))
        if rows:
            with formatter.section(cli_words.gettext("Commands")):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            raise CatalogueError(str(exc)) from exc


class OutputFile(click.Path):
    """A file a command writes (``-o``): its folder must exist — a mistyped path is refused,
    not created."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = super().convert(value, param, ctx)
        folder = Path(os.fsdecode(path)).expanduser().parent
        if not folder.is_dir():
            self.fail(t("cli.no_folder", folder=folder), param, ctx)
        return path


def echo_json(data: object) -> None:
    """Print one JSON object on stdout."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A tqdm bar on stderr, as a ``(done, total)`` callback."""
    from tqdm import tqdm

    bar = tqdm(
        desc=description, unit=t("progress.unit"), file=sys.stderr, leave=False, disable=None
    )

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
    # Through the environment (IMK_DATABASE_URL, which the workspace reads), so that every
    # workspace this command opens, and the kernels `imk lab` starts, use the same database.
    if value:
        from catalogue.workspace import ENV_DATABASE_URL

        os.environ[ENV_DATABASE_URL] = value
    return value


@click.group(cls=CatalogueGroup, help="cli.help")
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="IMK_HOME",
    help="cli.home_help",
)
@click.option(
    "--lang",
    type=click.Choice(i18n.LANGUAGES),
    callback=_set_language,
    expose_value=False,
    is_eager=True,
    help="cli.lang_help",
)
@click.option(
    "--database-url",
    callback=_set_database_url,
    expose_value=False,
    help="cli.database_url_help",
)
@click.version_option(package_name="imk-catalogue", help="click.version_option")
@click.pass_context
def cli(ctx: click.Context, home: Path | None) -> None:
    ctx.obj = Context(home)


@click.command(help="cli.init_help")
@pass_context
def init(context: Context) -> None:
    from catalogue.workspace import Workspace

    existed = Workspace.exists(context.home)
    Workspace.create(context.home).close()
    key = "cli.init_exists" if existed else "cli.init_done"
    click.echo(t(key, path=context.home), err=True)


@click.command(help="cli.demo_help")
@click.option("--seed", default=2026, show_default=True, help="cli.demo_seed_help")
@click.option("--scale", default=1.0, show_default=True, help="cli.demo_scale_help")
@pass_context
def demo(context: Context, seed: int, scale: float) -> None:
    from catalogue import demo as demo_data
    from catalogue.workspace import Workspace

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
            seconds=i18n.number_text(stats.seconds, 1),
        ),
        err=True,
    )


@click.command(help="cli.show_help")
@click.argument("record_id")
@click.option("--json", "as_json", is_flag=True, help="cli.json_help")
@pass_context
def show(context: Context, record_id: str, as_json: bool) -> None:
    from catalogue.record_text import record_lines
    from catalogue.records import to_dict
    from catalogue.storage.common import typed_id

    ws = context.open()
    record = ws.store.get(typed_id(record_id) or record_id)
    if as_json:
        echo_json({**to_dict(record), "sources": record.sources})
        return
    click.echo("\n".join(record_lines(record)))


@click.command(help="cli.stats_help")
@click.option("--json", "as_json", is_flag=True, help="cli.json_help")
@pass_context
def stats(context: Context, as_json: bool) -> None:
    from catalogue.vocabularies import coded_label

    ws = context.open()
    data = ws.store.stats() | plugins.stats(ws)
    if as_json:
        echo_json(data)
        return
    click.echo(f"{t('stats.records')}: {data['records']}")
    click.echo(
        f"{t('stats.by_kind')}: "
        + ", ".join(f"{coded_label('kind', k)} {n}" for k, n in data["by_kind"].items())
    )
    click.echo(
        f"{t('stats.by_status')}: "
        + ", ".join(f"{coded_label('status', k)} {n}" for k, n in data["by_status"].items())
    )
    click.echo(
        f"{t('stats.with_text')}: {data['with_text']}; "
        f"{t('stats.without_text')}: {data['without_text']}"
    )
    click.echo(
        f"{t('stats.attachments')}: {data['attachments']}; "
        f"{t('stats.attachments_size')}: {i18n.number_text(data['attachments_bytes'] / 1e6, 1)}"
    )
    if "index" in data:
        index = data["index"]
        click.echo(t("stats.index_line", documents=index["documents"], pending=index["pending"]))


@click.command(
    help="cli.lab_help",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.argument("jupyter_args", nargs=-1, type=click.UNPROCESSED)
@pass_context
def lab(context: Context, jupyter_args: tuple[str, ...]) -> None:
    import subprocess

    from catalogue import lab as jupyterlab
    from catalogue.lab.exports import link_exports

    ws = context.open()
    click.echo(t("cli.lab_start", notebooks=jupyterlab.NOTEBOOKS, home=ws.path), err=True)
    link = link_exports(ws.exports_dir, jupyterlab.NOTEBOOKS)
    if link is None:
        click.echo(t("cli.lab_exports_unlinked", path=ws.exports_dir), err=True)
    else:
        click.echo(t("cli.lab_exports", link=link), err=True)
    command = jupyterlab.command(i18n.language(), jupyter_args)
    raise SystemExit(subprocess.call(command, env=jupyterlab.environment(ws.path)))
