"""The project wires its own commands and the index by import (imk/cli.py); entry points are
for third-party plugins only, and no foreign plugin is loaded in the tests."""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

import click
import pytest

from catalogue import plugins
from imk import cli as program


def test_no_foreign_plugin_is_loaded_in_the_tests():
    assert plugins.manager().list_plugin_distinfo() == []


def test_the_project_registers_nothing_through_entry_points():
    own = [ep for ep in entry_points(group="imk") if ep.dist and ep.dist.name == "imk-catalogue"]
    assert own == []


def test_every_command_comes_from_the_one_list():
    cli = program.build_cli()
    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == sorted(program.COMMANDS)
    for name, lazy in program.COMMANDS.items():
        module, _, attribute = lazy.target.partition(":")
        command = cli.get_command(ctx, name)
        assert command is getattr(importlib.import_module(module), attribute)
        assert command.help == lazy.help  # what «imk --help» shows without importing it


@pytest.mark.parametrize("hook", ["imk_records_changed", "imk_find_ids", "imk_stats"])
def test_the_index_implements_the_hooks_the_catalogue_calls(hook):
    program.build_cli()
    implementations = getattr(plugins.hooks(), hook).get_hookimpls()
    assert [impl.plugin_name for impl in implementations] == [
        plugins.manager().get_name(importlib.import_module("index.commands"))
    ]
