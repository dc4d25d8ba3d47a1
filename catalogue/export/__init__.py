"""Publishing collections for schools: offline HTML (nbconvert), zip, CSV, XLSX, RIS, BibTeX.

:func:`export_collection` is the entry point the command line and the notebooks call. Every
format reads the records through :func:`catalogue.export.privacy.publishable`, and files are
written atomically (a temporary file renamed into place), so a failed export leaves nothing
half-written.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from catalogue.citations import cite_many
from catalogue.errors import UserError
from catalogue.export import bundle, tables
from catalogue.export.notebook import Contents, collection_notebook, load
from catalogue.export.privacy import publishable
from catalogue.filemodes import as_new_file
from catalogue.records import Collection, CollectionItem, Portfolio
from catalogue.store import now
from catalogue.workspace import Workspace

FORMATS = {
    "html": "html",
    "zip": "zip",
    "csv": "csv",
    "xlsx": "xlsx",
    "ris": "ris",
    "bibtex": "bib",
}
Progress = Callable[[int, int], None] | None
_PART = re.compile(r"\.part-(\d+)-")


class ExportError(UserError):
    """An export could not be made; the message is for the user."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def sweep_parts(folder: Path) -> list[Path]:
    """Remove the temporary files of exports whose process died (``.part-<pid>-…``)."""
    swept = []
    for path in folder.glob(".part-*"):
        match = _PART.match(path.name)
        if match and not _alive(int(match[1])):
            path.unlink(missing_ok=True)
            swept.append(path)
    return swept


def _write(out: Path, writer: Callable[[Path], object]) -> None:
    """Run ``writer`` on a temporary file next to ``out``, then move it into place (first
    sweeping away what killed exports left there)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    sweep_parts(out.parent)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".part-{os.getpid()}-", suffix=out.suffix)
    os.close(fd)
    try:
        writer(Path(tmp))
        as_new_file(tmp)  # mkstemp makes the file private; exports are shared
        os.replace(tmp, out)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError("export.write_failed", path=out, error=exc) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render(
    ws: Workspace,
    contents: Contents,
    fmt: str,
    out: Path,
    progress: Progress = None,
    today: dt.date | None = None,
) -> None:
    """Write ``contents`` to ``out`` in ``fmt``."""
    from catalogue.export.html import notebook_to_html

    today = today or dt.date.today()
    if fmt == "html":
        page = notebook_to_html(collection_notebook(contents, today=today, progress=progress))
        _write(out, lambda p: p.write_text(page, encoding="utf-8"))
    elif fmt == "zip":
        planned = bundle.plan_files(ws, contents)
        nb = collection_notebook(contents, files=bundle.links(planned), today=today)
        page = notebook_to_html(nb)
        folder = bundle.safe_name(out.stem)
        _write(out, lambda p: bundle.write_zip(p, folder, page, planned, progress))
    elif fmt in ("csv", "xlsx"):
        writer = tables.write_csv if fmt == "csv" else tables.write_xlsx
        _write(out, lambda p: writer(contents, p, today))
    else:
        style = "ris" if fmt == "ris" else "bibtex"
        text = cite_many([e.record for e in contents.entries], style, today)
        _write(out, lambda p: p.write_text(text, encoding="utf-8"))


def default_path(ws: Workspace, name: str, fmt: str, today: dt.date | None = None) -> Path:
    """``<workspace>/exports/<name>-<date>.<ext>``."""
    day = (today or dt.date.today()).isoformat()
    return ws.exports_dir / f"{name}-{day}.{FORMATS[fmt]}"


def export_collection(
    ws: Workspace, name: str, fmt: str, out: Path | None = None, progress: Progress = None
) -> Path:
    """Publish the collection ``name`` as ``fmt`` (html|zip|csv|xlsx|ris|bibtex); return the file.

    The export is recorded in the collection's ``exports`` history (when, format, path, size).
    """
    if fmt not in FORMATS:
        raise ExportError("export.unknown_format", fmt=fmt, formats=", ".join(FORMATS))
    collection = ws.store.collections.get(name)
    contents = load(ws.store, collection)
    if not contents.entries:
        raise ExportError("export.empty", name=collection.name)
    out = Path(out) if out else default_path(ws, collection.name, fmt)
    render(ws, contents, fmt, out, progress)
    fresh = ws.store.collections.get(collection.id)
    fresh.exports.append(
        {"at": now(), "format": fmt, "path": str(out.resolve()), "size": out.stat().st_size}
    )
    ws.store.collections.save(fresh)
    return out


def export_portfolio(ws: Workspace, record_id: str, out: Path | None = None) -> Path:
    """A teacher's public page (HTML): only with consent, only the public fields."""
    record = ws.store.get(record_id)
    if not isinstance(record, Portfolio):
        raise ExportError("export.not_portfolio", id=record_id)
    if not record.consent_to_publish:
        raise ExportError("export.no_consent", id=record_id)
    public = publishable(record)
    page = Collection(
        name=record.id,
        title=public.title if public else record.id,
        items=[CollectionItem(record.id)],
    )
    contents = load(ws.store, page)
    out = Path(out) if out else ws.exports_dir / f"portfolio-{record.id}.html"
    render(ws, contents, "html", out)
    return out


__all__ = ["FORMATS", "ExportError", "export_collection", "export_portfolio"]
