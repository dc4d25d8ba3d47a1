"""Extension points (pluggy hooks) and the typed calls the catalogue makes through them.

The project's own parts are wired in :mod:`imk.cli`, which also registers the search index
here by module name (the catalogue never imports the index): :func:`register_later` modules
are imported when a hook is first called, so a command that calls none starts without them.
Third-party plugins register under the ``imk`` entry-point group and implement any of
:class:`Hooks`; they are not loaded when ``IMK_NO_PLUGINS=1`` (the test suite sets it, so a
foreign plugin cannot change a test).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any, cast

import pluggy

if TYPE_CHECKING:
    import click

    from catalogue.maintenance.doctor import Finding
    from catalogue.workspace import Workspace

hookspec = pluggy.HookspecMarker("imk")
hookimpl = pluggy.HookimplMarker("imk")

Progress = Callable[[int, int], None]
"""A ``(done, total)`` callback for long work."""


class Hooks:
    """What a plugin can implement."""

    @hookspec
    def imk_register_commands(self, cli: click.Group) -> None:
        """Add click commands or groups to the ``imk`` command line."""

    @hookspec
    def imk_records_changed(self, workspace: Workspace, progress: Progress | None) -> None:
        """Records were written: bring derived data (such as the index) up to date."""

    @hookspec(firstresult=True)
    def imk_find_ids(
        self, workspace: Workspace, query: str, filters: dict[str, list[str]] | None, limit: int
    ) -> list[str] | None:
        """Ids of the records a search finds, best first (the search index provides this)."""

    @hookspec
    def imk_doctor(self, workspace: Workspace, repair: bool) -> list[Finding] | None:
        """Findings about derived data such as the index for ``imk doctor``; with ``repair``,
        put right what is safe first."""

    @hookspec
    def imk_stats(self, workspace: Workspace) -> dict[str, Any] | None:
        """Extra sections for ``imk stats`` as ``{name: {key: value}}``."""


@cache
def manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, with the installed third-party plugins loaded."""
    pm = pluggy.PluginManager("imk")
    pm.add_hookspecs(Hooks)
    if os.environ.get("IMK_NO_PLUGINS") != "1":
        pm.load_setuptools_entrypoints("imk")
    return pm


_later: list[str] = []


def register(plugin: object) -> None:
    """Register one of the project's own plugins (a module with ``@hookimpl`` functions)."""
    pm = manager()
    if not pm.is_registered(plugin):
        pm.register(plugin)


def register_later(module: str) -> None:
    """Register the plugin module named ``module`` when a hook is first called."""
    if module not in _later:
        _later.append(module)


def hooks() -> Any:
    """The hooks to call, with every :func:`register_later` module registered first."""
    while _later:
        register(importlib.import_module(_later.pop(0)))
    return manager().hook


def register_commands(cli: click.Group) -> None:
    """Let third-party plugins add their commands to ``cli`` (the project's own commands are
    listed in ``imk.cli``, so its own plugin modules are not imported for this)."""
    manager().hook.imk_register_commands(cli=cli)


def records_changed(workspace: Workspace, progress: Progress | None = None) -> None:
    """Tell plugins (the index) that records were written."""
    hooks().imk_records_changed(workspace=workspace, progress=progress)


def find_ids(
    workspace: Workspace, query: str, filters: dict[str, list[str]] | None = None, limit: int = 20
) -> list[str] | None:
    """Ids a search finds, best first; None when no plugin can search."""
    found = hooks().imk_find_ids(workspace=workspace, query=query, filters=filters, limit=limit)
    return cast("list[str] | None", found)


def doctor(workspace: Workspace, repair: bool) -> list[Finding]:
    """Every plugin's findings for ``imk doctor`` (repaired first when ``repair``)."""
    found: list[Finding] = []
    for part in hooks().imk_doctor(workspace=workspace, repair=repair):
        found.extend(part or [])
    return found


def stats(workspace: Workspace) -> dict[str, Any]:
    """Every plugin's sections for ``imk stats``, merged."""
    merged: dict[str, Any] = {}
    for extra in hooks().imk_stats(workspace=workspace):
        merged.update(extra or {})
    return merged
