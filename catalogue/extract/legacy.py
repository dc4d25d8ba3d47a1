"""Word 97–2003 (DOC), PowerPoint 97–2003 (PPT) and RTF.

DOC and PPT are read by Debian's command-line tools (``antiword``, else ``catdoc``; ``catppt``)
in a subprocess with a time limit; RTF by :mod:`striprtf`, with the code page taken from the
document's ``\\ansicpg`` (cp1251 for Russian Word files). A «.doc» that is really RTF or DOCX
(both happen on school websites) is read as what it is.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from typing import Any

from catalogue.extract.office import docx_text
from catalogue.extract.safety import OLE_MAGIC, ExtractError

_ANSICPG = re.compile(rb"\\ansicpg(\d+)")
_PIC = re.compile(r"\[pic\]")


def run_tool(args: list[str], data: bytes, suffix: str, timeout: float) -> str:
    """Run ``args + [file]`` on a temporary copy of ``data``; its UTF-8 stdout as text."""
    if shutil.which(args[0]) is None:
        raise ExtractError("tool_missing", tool=args[0])
    fd, path = tempfile.mkstemp(suffix=suffix, prefix="imk-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        done = subprocess.run([*args, path], capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ExtractError("timeout", seconds=round(timeout)) from exc
    finally:
        os.unlink(path)
    if done.returncode != 0:
        raise ExtractError("unreadable")
    return done.stdout.decode("utf-8", errors="replace")


def rtf_text(data: bytes, timeout: float = 60) -> tuple[str, dict[str, Any]]:
    from striprtf.striprtf import rtf_to_text

    if not data.lstrip().startswith(b"{\\rtf"):
        raise ExtractError("unreadable")
    found = _ANSICPG.search(data[:4096])
    encoding = f"cp{found.group(1).decode()}" if found else "cp1251"
    try:
        "".encode(encoding)
    except LookupError:
        encoding = "cp1251"
    return rtf_to_text(data.decode("latin-1"), encoding=encoding, errors="replace"), {}


def doc_text(data: bytes, timeout: float = 60) -> tuple[str, dict[str, Any]]:
    head = data[:16].lstrip()
    if head.startswith(b"{\\rtf"):
        return rtf_text(data, timeout)
    if head.startswith(b"PK"):
        return docx_text(data)
    if not data.startswith(OLE_MAGIC):
        raise ExtractError("unreadable")
    try:
        text = run_tool(["antiword", "-w", "0", "-m", "UTF-8.txt"], data, ".doc", timeout)
    except ExtractError as exc:
        if exc.key == "timeout":
            raise
        text = ""
    if not text.strip():  # Word 6/95 files and odd binaries: catdoc reads more of them
        text = run_tool(["catdoc", "-d", "utf-8", "-w"], data, ".doc", timeout)
    return _PIC.sub("", text), {}


def ppt_text(data: bytes, timeout: float = 60) -> tuple[str, dict[str, Any]]:
    if not data.startswith(OLE_MAGIC):
        raise ExtractError("unreadable")
    return run_tool(["catppt", "-d", "utf-8"], data, ".ppt", timeout), {}
