"""Extension points (pluggy hooks), used by the project's own packages exactly as a plugin would.

A package registers itself under the ``imk`` entry-point group; the search index does this to
add its commands and to follow the store after records change.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("imk")
hookimpl = pluggy.HookimplMarker("imk")


class Hooks:
    """What a plugin can implement."""

    @hookspec
    def imk_register_commands(self, cli: Any) -> None:
        """Add click commands or groups to the ``imk`` command line."""

    @hookspec
    def imk_records_changed(self, workspace: Any, progress: Any) -> None:
        """Records were written: bring derived data (such as the index) up to date.

        ``progress`` is a callable ``(done, total)`` or None.
        """

    @hookspec(firstresult=True)
    def imk_find_ids(
        self, workspace: Any, query: str, filters: dict[str, Any] | None, limit: int
    ) -> list[str] | None:
        """Ids of the records a search finds, best first (the search index provides this)."""

    @hookspec
    def imk_doctor(self, workspace: Any, repair: bool) -> list[Any] | None:
        """Findings (:class:`catalogue.maintenance.doctor.Finding`) about derived data such as
        the index for ``imk doctor``; with ``repair``, put right what is safe first."""

    @hookspec
    def imk_stats(self, workspace: Any) -> dict[str, Any] | None:
        """Extra sections for ``imk stats`` as ``{name: {key: value}}``."""


@cache
def manager() -> pluggy.PluginManager:
    """The process-wide plugin manager with every installed ``imk`` plugin loaded."""
    pm = pluggy.PluginManager("imk")
    pm.add_hookspecs(Hooks)
    pm.load_setuptools_entrypoints("imk")
    return pm
