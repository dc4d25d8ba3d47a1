"""The ``imk`` command line, assembled: every command of the project is listed here.

Commands live next to what they work on (:mod:`catalogue.cli` for the core ones,
``catalogue/{ingest,export,reports,textbooks,maintenance}/commands.py``,
:mod:`index.commands`). They are listed by import path and imported only when called (or when
help lists them), so a command starts without loading what the others need. Only this package
imports both ``catalogue`` and ``index``, so the catalogue never imports the search index
(``tests/test_architecture.py``); the index follows the store through the hooks of
:mod:`catalogue.plugins`, where it is registered here like any plugin. Third-party plugins
add their commands through the ``imk`` entry-point group.
"""

from __future__ import annotations

import click

from catalogue import cli as core
from catalogue import cli_words, plugins
from catalogue.cli import Lazy

COMMANDS: dict[str, Lazy] = {
    "init": Lazy("catalogue.cli:init", "cli.init_help"),
    "demo": Lazy("catalogue.cli:demo", "cli.demo_help"),
    "show": Lazy("catalogue.cli:show", "cli.show_help"),
    "stats": Lazy("catalogue.cli:stats", "cli.stats_help"),
    "lab": Lazy("catalogue.cli:lab", "cli.lab_help"),
    "import": Lazy("catalogue.ingest.commands:import_command", "ingest_cli.help"),
    "search": Lazy("index.commands:search", "cli.search_help"),
    "index": Lazy("index.commands:index_group", "cli.index_help"),
    "collection": Lazy("catalogue.export.commands:collection_group", "collection_cli.group_help"),
    "portfolio-page": Lazy(
        "catalogue.export.commands:portfolio_page", "collection_cli.portfolio_help"
    ),
    "cite": Lazy("catalogue.export.commands:cite_command", "cite.help"),
    "report": Lazy("catalogue.reports.commands:report", "report_cli.help"),
    "textbooks": Lazy("catalogue.textbooks.commands:textbooks", "textbooks_cli.help"),
    "doctor": Lazy("catalogue.maintenance.commands:doctor", "doctor.help"),
    "backup": Lazy("catalogue.maintenance.commands:backup_command", "backup.help"),
    "restore": Lazy("catalogue.maintenance.commands:restore_command", "restore.help"),
    "copy": Lazy("catalogue.maintenance.commands:copy_command", "copy.help"),
}
PLUGINS: tuple[str, ...] = ("index.commands", "index.health")


class Program(core.CatalogueGroup):
    """The ``imk`` group: third-party plugins' commands are looked up only for a name the
    project does not have (or when help lists every command)."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None:
            plugins.register_commands(self)
            command = self.commands.get(cmd_name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        plugins.register_commands(self)
        return super().list_commands(ctx)


def build_cli() -> click.Group:
    """The ``imk`` group with the project's commands (imported when used), then third-party
    plugins' commands."""
    cli_words.install()
    for name in PLUGINS:
        plugins.register_later(name)
    root = core.cli
    return Program(
        name="imk", params=root.params, callback=root.callback, help=root.help, lazy=COMMANDS
    )


def main() -> None:
    """Console-script entry point."""
    build_cli()(prog_name="imk")
