"""Parsing of untrusted files in a separate worker process, under time and memory limits.

A hostile or broken file can make a parser loop, eat memory or crash the interpreter. The
:class:`Worker` keeps one long-lived child process (started with ``forkserver``, safe inside a
Jupyter kernel) that runs parsing jobs under an address-space limit (``Limits.memory_mb``); when
a job takes longer than the time limit the child is killed and a fresh one is started for the
next file. Every parser of untrusted input goes through it: document text
(:meth:`Worker.extract`, including the pure-Python Word and PowerPoint 97–2003 reader of
:mod:`catalogue.extract.legacy`), spreadsheets of records, the federal list, notebook uploads
(:meth:`Worker.call`). The optional system tools (antiword, catdoc, catppt as fallbacks;
tesseract) additionally get their own subprocess timeouts.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import resource
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, TypeVar

from catalogue import i18n
from catalogue.extract import ERROR, Extracted, Limits, extract_text, failure_message
from catalogue.extract.safety import MB
from catalogue.i18n import t

T = TypeVar("T")
PRELOAD = [
    "catalogue.extract.worker",
    "catalogue.ingest.tables",
    "docx",
    "openpyxl",
    "pptx",
    "pypdf",
]


class Refused(ValueError):
    """A file that was refused or could not be parsed; ``str(exc)`` names it, in Russian."""


def check_size(path: Path, limits: Limits) -> None:
    """Refuse a file larger than ``limits.max_file_mb`` without reading it."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise Refused(
            t(
                "extract.too_large",
                name=path.name,
                size=_mb(size / MB),
                limit=_mb(limits.max_file_mb),
            )
        )


def _mb(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _run(job: Callable[..., object], args: tuple[object, ...], name: str) -> tuple[bool, object]:
    try:
        return True, job(*args)
    except Exception as exc:  # anything a hostile file provokes (MemoryError too) → a message
        return False, failure_message(exc, name)


def _serve(conn: Connection, memory_limit: int) -> None:  # pragma: no cover - in the child
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        job, args, name, lang = message
        i18n.set_language(lang)
        ok, value = _run(job, args, name)
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        conn.send((ok, value, peak_kb))


def extract_file(path: str, name: str, limits: Limits) -> Extracted:
    """The worker's job for a document: read the file and extract its text."""
    return extract_text(Path(path).read_bytes(), name, limits)


class Worker:
    """``worker.call(job, *args, name=...)`` runs ``job`` in the child; never longer than the
    time limit, never more memory than ``limits.memory_mb``.

    Use as a context manager (or call :meth:`close`) so the child process ends. ``peak_kb`` is
    the largest resident size the child reached (KiB), for benchmarks.
    """

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits()
        self.peak_kb = 0
        self._context = multiprocessing.get_context("forkserver")
        # the fork server imports the parsers once; each new child starts with them loaded
        self._context.set_forkserver_preload(PRELOAD)
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None

    def _start(self) -> Connection:
        parent, child = self._context.Pipe()
        self._process = self._context.Process(
            target=_serve, args=(child, self.limits.memory_bytes), daemon=True
        )
        self._process.start()
        child.close()
        self._conn = parent
        return parent

    def _stop(self, kill: bool) -> None:
        process, conn = self._process, self._conn
        if process is None or conn is None:
            return
        if kill:
            process.kill()
        else:
            try:
                conn.send(None)
            except (BrokenPipeError, OSError):
                process.kill()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
        conn.close()
        self._process = self._conn = None

    def call(self, job: Callable[..., T], *args: Any, name: str, extra_s: float = 0.0) -> T:
        """``job(*args)`` in the worker (a module-level function, its result picklable).

        ``name`` is the file's name for messages; ``extra_s`` adds seconds to the time limit.
        Raises :class:`Refused` with a message naming the file when the job fails, runs out of
        memory or time, or the child dies.
        """
        conn = self._conn
        if conn is None or self._process is None or not self._process.is_alive():
            self._stop(kill=True)
            conn = self._start()
        try:
            conn.send((job, args, name, i18n.language()))
            if not conn.poll(self.limits.timeout_s + extra_s):
                self._stop(kill=True)
                seconds = round(self.limits.timeout_s + extra_s)
                raise Refused(t("extract.timeout", name=name, seconds=seconds))
            ok, value, peak_kb = conn.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError, OSError) as exc:
            self._stop(kill=True)
            raise Refused(t("extract.crashed", name=name)) from exc
        self.peak_kb = max(self.peak_kb, peak_kb)
        if not ok:
            raise Refused(value)
        return value  # type: ignore[no-any-return]

    def extract(self, path: Path | str, name: str | None = None) -> Extracted:
        """Extract the text of the file at ``path`` (``name``: its original file name)."""
        name = name or Path(path).name
        try:
            check_size(Path(path), self.limits)
        except Refused as exc:
            return Extracted("", ERROR, str(exc))
        # OCR renders and recognises page by page: give it its own, longer allowance
        extra = pdf_ocr_budget(name, self.limits)
        try:
            return self.call(extract_file, str(path), name, self.limits, name=name, extra_s=extra)
        except Refused as exc:
            return Extracted("", ERROR, str(exc))

    def close(self) -> None:
        """End the child process."""
        self._stop(kill=False)

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def pdf_ocr_budget(name: str, limits: Limits) -> float:
    """Extra seconds a PDF may need when it turns out to be a scan to recognise."""
    from catalogue.extract.pdf import ocr_available

    if not name.lower().endswith(".pdf") or not limits.ocr or not ocr_available():
        return 0.0
    return limits.ocr_timeout_s * 3  # rendering and recognition; each page is bounded too
