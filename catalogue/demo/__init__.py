"""The demo catalogue: a seeded, realistic Russian catalogue of a fictional city.

:func:`build` generates it (see :mod:`catalogue.demo.generator`), stores the attachment files
in a workspace and saves the records. The word material lives in ``catalogue/demo/data``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from catalogue.demo.generator import DemoFile, DemoRecord, Pending, generate, prepare

if TYPE_CHECKING:
    from catalogue.workspace import Workspace

BATCH = 200
AUTHOR = "демо-генератор"


@dataclass(frozen=True)
class DemoStats:
    """What :func:`build` did: records saved, files attached, seconds taken."""

    records: int
    files: int
    seconds: float


def build(
    ws: Workspace,
    seed: int = 2026,
    scale: float = 1.0,
    progress: Callable[[int, int], None] | None = None,
) -> DemoStats:
    """Generate the demo catalogue into ``ws``: attach every file, save records in batches.

    ``progress(done, total)`` is called as records are prepared (``total`` = records).
    """
    started = time.perf_counter()
    pending = prepare(seed, scale)
    total, files, batch = len(pending), 0, []
    if progress:
        progress(0, total)
    for done, item in enumerate(pending, 1):
        for f in item.files():
            item.record.attachments.append(ws.add_attachment(f.name, f.data, f.media_type))
            files += 1
        batch.append(item.record)
        if len(batch) >= BATCH:
            ws.store.save_many(batch, by=AUTHOR)
            batch = []
        if progress:
            progress(done, total)
    if batch:
        ws.store.save_many(batch, by=AUTHOR)
    return DemoStats(total, files, time.perf_counter() - started)


__all__ = ["DemoFile", "DemoRecord", "DemoStats", "Pending", "build", "generate", "prepare"]
