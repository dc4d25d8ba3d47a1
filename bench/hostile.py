"""Hostile files against the import: time and peak memory of the main process and the worker.

    python -m bench.hostile [--cache /tmp/imk-hostile] [--rows 1000000] [--bomb-mb 900]
                            [--only NAME]

Builds (once, in ``--cache``) a 1,000,000-row XLSX (written row by row), a ZIP bomb that stays
under the ratio limit (an XLSX whose sheet unpacks to ``--bomb-mb`` MB), a 2 GB sparse file and
a folder holding a symbolic link to ``/etc/passwd``; then runs each case in a fresh process,
sampling the peak resident size (``VmHWM``) of that process and of every process under it (the
forkserver and the worker) every 20 ms. Acceptance (issue 11): the main process stays under
500 MB; every hostile file ends in one clear report line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

MAIN_LIMIT_MB = 500
CASES = {
    "xlsx-records": "1M-row XLSX, imk import --records",
    "xlsx-dry-run": "1M-row XLSX, imk import --dry-run",
    "xlsx-document": "1M-row XLSX, imk import (as a document)",
    "zip-bomb": "ZIP bomb under the ratio limit, imk import",
    "zip-bomb-records": "ZIP bomb under the ratio limit, imk import --records",
    "docx-bomb": "DOCX bomb just under the archive limits (250 MB of markup), imk import",
    "sparse-2gb": "2 GB sparse file (.pdf), imk import",
    "sparse-2gb-csv": "2 GB sparse file (.csv), imk import --dry-run",
    "symlink": "folder with a symlink to /etc/passwd, imk import",
}


# -- the files ------------------------------------------------------------------------------


def million_rows(cache: Path, rows: int) -> Path:
    """An XLSX of ``rows`` records, written row by row (never whole in memory)."""
    import openpyxl

    path = cache / f"rows-{rows}.xlsx"
    if not path.exists():
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(["Название", "Авторы", "Класс"])
        for n in range(rows):
            sheet.append([f"Урок {n}", "Иванова М.П.", n % 11 + 1])
        book.save(path.with_suffix(".part"))
        path.with_suffix(".part").rename(path)
    return path


def zip_bomb(cache: Path, unpacked_mb: int) -> Path:
    """A valid XLSX whose sheet unpacks to ``unpacked_mb`` MB at a ratio under 200 (~150)."""
    import openpyxl

    path = cache / f"bomb-{unpacked_mb}.xlsx"
    if path.exists():
        return path
    seed = cache / "seed.xlsx"
    book = openpyxl.Workbook(write_only=True)
    book.create_sheet().append(["Название", "Авторы"])
    book.save(seed)
    rng = random.Random(11)
    part = path.with_suffix(".part")
    with zipfile.ZipFile(seed) as source, zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info.filename, source.read(info.filename))
                continue
            xml = re.sub(rb"<dimension [^>]*/>", b"", source.read(info.filename))
            head, tail = xml.split(b"<sheetData>")  # no declared size: parsers read it all
            tail = tail.split(b"</sheetData>")[1]
            with out.open(info.filename, "w", force_zip64=True) as sheet:
                sheet.write(head + b"<sheetData>")
                written, n, value = 0, 0, 0
                while written < unpacked_mb * 2**20:
                    rows = []
                    for _ in range(1000):
                        if n % 30 == 0:  # a new value every 30 rows: deflate packs it ~150×
                            value = rng.getrandbits(24)
                        rows.append(f'<row><c t="inlineStr"><is><t>Урок {value}</t></is></c></row>')
                        n += 1
                    chunk = "".join(rows).encode()
                    sheet.write(chunk)
                    written += len(chunk)
                sheet.write(b"</sheetData>" + tail)
    part.rename(path)
    return path


def docx_bomb(cache: Path, unpacked_mb: int = 250) -> Path:
    """A DOCX whose text unpacks to ``unpacked_mb`` MB: under the size and ratio limits, so
    only the worker's time and memory limits stand in its way."""
    import docx

    path = cache / f"docx-bomb-{unpacked_mb}.docx"
    if path.exists():
        return path
    seed = cache / "seed.docx"
    docx.Document().save(str(seed))
    rng = random.Random(5)
    part = path.with_suffix(".part")
    member = "word/document.xml"
    with zipfile.ZipFile(seed) as source, zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != member:
                out.writestr(info.filename, source.read(info.filename))
                continue
            head, tail = source.read(member).split(b"<w:body>")
            with out.open(member, "w", force_zip64=True) as body:
                body.write(head + b"<w:body>")
                written, n, value = 0, 0, 0
                while written < unpacked_mb * 2**20:
                    paragraphs = []
                    for _ in range(1000):
                        if n % 30 == 0:
                            value = rng.getrandbits(24)
                        paragraphs.append(f"<w:p><w:r><w:t>Урок {value}</w:t></w:r></w:p>")
                        n += 1
                    chunk = "".join(paragraphs).encode()
                    body.write(chunk)
                    written += len(chunk)
                body.write(tail)
    part.rename(path)
    return path


def sparse(cache: Path, suffix: str) -> Path:
    path = cache / f"sparse-2gb{suffix}"
    with path.open("wb") as fh:
        fh.truncate(2 * 2**30)
    return path


def symlink_folder(cache: Path) -> Path:
    folder = cache / "with-link"
    folder.mkdir(exist_ok=True)
    (folder / "урок.txt").write_text("Конспект урока по дробям. " * 20, encoding="utf-8")
    link = folder / "пароли.txt"
    if not link.is_symlink():
        os.symlink("/etc/passwd", link)
    return folder


# -- one case, in its own process -----------------------------------------------------------


def run_case(name: str, cache: Path, rows: int, bomb_mb: int) -> dict[str, object]:
    """Run one case here; return the report lines it produced."""
    from click.testing import CliRunner

    from catalogue.cli import build_cli
    from catalogue.ingest.pipeline import import_paths
    from catalogue.workspace import Workspace

    target = {
        "xlsx-records": lambda: million_rows(cache, rows),
        "xlsx-dry-run": lambda: million_rows(cache, rows),
        "xlsx-document": lambda: million_rows(cache, rows),
        "zip-bomb": lambda: zip_bomb(cache, bomb_mb),
        "zip-bomb-records": lambda: zip_bomb(cache, bomb_mb),
        "docx-bomb": lambda: docx_bomb(cache),
        "sparse-2gb": lambda: sparse(cache, ".pdf"),
        "sparse-2gb-csv": lambda: sparse(cache, ".csv"),
        "symlink": lambda: symlink_folder(cache),
    }[name]()
    started = time.perf_counter()
    if name.endswith(("dry-run", "csv")):
        result = CliRunner().invoke(build_cli(), ["import", "--dry-run", str(target)])
        lines = [result.output.strip()[:300]]
    else:
        with tempfile.TemporaryDirectory() as tmp, Workspace.create(Path(tmp) / "ws") as ws:
            report = import_paths(ws, [target], as_records=name.endswith("records"))
            entries = report.entries
            lines = [f"[{e.outcome}] {Path(e.file).name}: {e.message}"[:300] for e in entries]
    return {"seconds": time.perf_counter() - started, "lines": lines}


# -- the measuring parent -------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _peak_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(name: str, args: argparse.Namespace) -> dict[str, Any]:
    """Run a case in a fresh process; sample the peaks of it and of its descendants."""
    command = [sys.executable, "-m", "bench.hostile", "--case", name, "--cache", str(args.cache)]
    command += ["--rows", str(args.rows), "--bomb-mb", str(args.bomb_mb)]
    peaks: dict[int, int] = {}
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(command, stdout=out)
        while child.poll() is None:
            stack = [child.pid]
            while stack:
                pid = stack.pop()
                peaks[pid] = max(peaks.get(pid, 0), _peak_kb(pid))
                stack += _children(pid)
            time.sleep(0.02)
        out.seek(0)
        result = json.loads(out.read().decode().strip().splitlines()[-1])
    main_kb = peaks.pop(child.pid, 0)
    result["main_mb"] = main_kb / 1024
    result["worker_mb"] = max(peaks.values(), default=0) / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "imk-hostile")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--bomb-mb", type=int, default=900)
    parser.add_argument("--only", choices=sorted(CASES), action="append")
    parser.add_argument("--case", choices=sorted(CASES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.case:
        print(json.dumps(run_case(args.case, args.cache, args.rows, args.bomb_mb)))
        return
    million_rows(args.cache, args.rows)  # built before timing starts
    zip_bomb(args.cache, args.bomb_mb)
    docx_bomb(args.cache)
    failed = []
    for name in args.only or list(CASES):
        result = measure(name, args)
        print(
            f"{CASES[name]}: {result['seconds']:.1f} s; peak RSS main {result['main_mb']:.0f} MB,"
            f" worker {result['worker_mb']:.0f} MB"
        )
        for line in result["lines"]:
            print(f"    {line}")
        if result["main_mb"] > MAIN_LIMIT_MB:
            failed.append(name)
    print(f"main process under {MAIN_LIMIT_MB} MB: " + ("yes" if not failed else f"NO: {failed}"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
