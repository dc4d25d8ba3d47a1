"""The ``imk`` command line, assembled: every command of the project is listed here by import.

Commands live next to what they work on (:mod:`catalogue.cli` for the core ones,
``catalogue/{ingest,export,reports}/commands.py``, :mod:`index.commands`). Only this package
imports both ``catalogue`` and ``index``, so the catalogue never imports the search index
(``tests/test_architecture.py``); the index follows the store through the hooks of
:mod:`catalogue.plugins`, where it is registered here like any plugin. Third-party plugins
add their commands through the ``imk`` entry-point group.
"""

from __future__ import annotations

import click

from catalogue import cli as core
from catalogue import plugins
from catalogue.export import commands as export
from catalogue.ingest import commands as ingest
from catalogue.maintenance import commands as maintenance
from catalogue.reports import commands as reports
from catalogue.textbooks import commands as textbooks
from index import commands as index
from index import health

COMMANDS: tuple[click.Command, ...] = (
    core.init,
    core.demo,
    core.show,
    core.stats,
    core.lab,
    ingest.import_command,
    index.search,
    index.index_group,
    export.collection_group,
    export.portfolio_page,
    export.cite_command,
    reports.report,
    textbooks.textbooks,
    maintenance.doctor,
    maintenance.backup_command,
    maintenance.restore_command,
    maintenance.copy_command,
)
PLUGINS: tuple[object, ...] = (index, health)


def build_cli() -> click.Group:
    """The ``imk`` group with the project's commands, then third-party plugins' commands."""
    for plugin in PLUGINS:
        plugins.register(plugin)
    for command in COMMANDS:
        core.cli.add_command(command)
    plugins.register_commands(core.cli)
    return core.cli


def main() -> None:
    """Console-script entry point."""
    build_cli()(prog_name="imk")
