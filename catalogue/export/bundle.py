"""A collection as one zip folder: ``index.html`` plus the attached files under ``files/``.

Files are named by their original names (a clash gets « (2)», « (3)» before the extension),
so a school can copy the folder to a USB stick and open ``index.html`` offline.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from catalogue.export.notebook import Contents, Progress
from catalogue.workspace import Workspace


def safe_name(name: str) -> str:
    """A file name with no folders, no control or reserved characters."""
    name = PurePosixPath(name.replace("\\", "/")).name
    name = re.sub(r'[\x00-\x1f<>:"|?*]', "_", name).strip(" .")
    return name or "file"


def plan_files(ws: Workspace, contents: Contents) -> dict[str, tuple[str, Path]]:
    """``sha256 → (name in the bundle, path in the workspace)`` for every attached file present."""
    planned: dict[str, tuple[str, Path]] = {}
    taken: set[str] = set()
    for entry in contents.entries:
        for a in entry.record.attachments:
            source = ws.file_path(a.sha256)
            if a.sha256 in planned or not source.is_file():
                continue
            name = safe_name(a.name)
            stem, dot, ext = name.rpartition(".")
            if not dot:
                stem, ext = name, ""
            n = 1
            while name.lower() in taken:
                n += 1
                name = f"{stem} ({n}){dot}{ext}"
            taken.add(name.lower())
            planned[a.sha256] = (name, source)
    return planned


def links(planned: dict[str, tuple[str, Path]]) -> dict[str, str]:
    """Relative links of the planned files, for the cards."""
    return {sha: "files/" + quote(name) for sha, (name, _) in planned.items()}


def write_zip(
    path: Path,
    folder: str,
    page: str,
    planned: dict[str, tuple[str, Path]],
    progress: Progress = None,
) -> None:
    """Write the bundle: ``<folder>/index.html`` and ``<folder>/files/…``."""
    total = len(planned) + 1
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{folder}/index.html", page)
        for n, (name, source) in enumerate(planned.values(), 2):
            zf.write(source, f"{folder}/files/{name}")
            if progress:
                progress(n, total)
