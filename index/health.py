"""The index's part of ``imk doctor``: leftovers of a killed rebuild, and the index against
the store (the same comparison as ``imk index check``, after replaying the journal as every
open does); repaired by a rebuild."""

from __future__ import annotations

from catalogue.i18n import t
from catalogue.maintenance.doctor import Finding
from catalogue.plugins import hookimpl
from catalogue.workspace import Workspace
from index.engine import CatalogueIndex, compare


def index_findings(ws: Workspace, repair: bool) -> list[Finding]:
    """What is wrong with the index of ``ws`` (put right when ``repair``)."""
    found: list[Finding] = []
    leftovers = CatalogueIndex.leftovers(ws)
    if leftovers:
        finding = Finding(
            "index", "leftovers", t("doctor.index_leftovers"), [str(p) for p in leftovers]
        )
        if repair:
            CatalogueIndex.heal(ws)
            finding.repaired = not CatalogueIndex.leftovers(ws)
        found.append(finding)
    index = CatalogueIndex.existing(ws)
    if index is not None:
        try:
            index.sync()
            report = index.check()
        finally:
            index.close()
    else:
        report = compare(ws.store, {})
    wrong = report.missing + report.stale + report.orphans
    if wrong:
        finding = Finding(
            "index",
            "inconsistent",
            t(
                "doctor.index_inconsistent",
                missing=len(report.missing),
                stale=len(report.stale),
                orphans=len(report.orphans),
            ),
            wrong,
        )
        if repair:
            CatalogueIndex.build(ws)
            rebuilt = CatalogueIndex.existing(ws)
            finding.repaired = rebuilt is not None and rebuilt.check().ok
            if rebuilt is not None:
                rebuilt.close()
        found.append(finding)
    return found


@hookimpl
def imk_doctor(workspace: Workspace, repair: bool) -> list[Finding]:
    return index_findings(workspace, repair)
