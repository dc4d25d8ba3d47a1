"""Reading a school's spreadsheet under the import limits: the file size is checked before it is
opened, an XLSX archive is checked for zip bombs and encryption, and the sheet is parsed in a
separate process with an address-space limit and a time limit, so a hostile file cannot hang or
exhaust the notebook kernel or the command line."""

from __future__ import annotations

import contextlib
import multiprocessing
import resource
from multiprocessing.connection import Connection
from pathlib import Path
from typing import cast

from catalogue.extract.safety import ExtractError, Limits, check_ooxml_container, check_zip
from catalogue.extract.worker import MEMORY_LIMIT
from catalogue.i18n import t
from catalogue.ingest.tables import read_rows


class SheetError(Exception):
    """The spreadsheet could not be read; the message names the file and is for the user."""


def _serve(conn: Connection, path: str, memory_limit: int) -> None:  # pragma: no cover - child
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    try:
        conn.send(("ok", read_rows(Path(path))))
    except MemoryError:
        conn.send(("crashed", None))
    except Exception:  # a corrupt file may raise anything inside the libraries
        conn.send(("unreadable", None))
    finally:
        conn.close()


def _check(path: Path, limits: Limits, name: str) -> None:
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        mb = f"{size / 2**20:.1f}"
        raise SheetError(t("extract.too_large", name=name, size=mb, limit=limits.max_file_mb))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        data = path.read_bytes()
        try:
            check_ooxml_container(data)
            check_zip(data, limits)
        except ExtractError as exc:
            if exc.key == "unreadable":
                raise SheetError(t("textbooks.unreadable", name=name)) from exc
            raise SheetError(t(f"extract.{exc.key}", name=name, **exc.values)) from exc


def read_sheet(
    path: Path, limits: Limits | None = None, name: str = "", memory_limit: int = MEMORY_LIMIT
) -> list[list[str]]:
    """Every row of the first sheet as strings; :class:`SheetError` when the file is too big,
    unsafe, unreadable, or takes longer than the time limit."""
    limits = limits or Limits()
    name = name or path.name
    _check(path, limits, name)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", __name__, "openpyxl"])
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_serve, args=(child, str(path), memory_limit), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(limits.timeout_s):
            raise SheetError(t("extract.timeout", name=name, seconds=round(limits.timeout_s)))
        status, rows = cast(tuple[str, list[list[str]]], parent.recv())
    except (EOFError, OSError) as exc:
        raise SheetError(t("extract.crashed", name=name)) from exc
    finally:
        parent.close()
        process.kill()
        process.join()
    if status == "crashed":
        raise SheetError(t("extract.crashed", name=name))
    if status != "ok":
        raise SheetError(t("textbooks.unreadable", name=name))
    return rows
