"""Extraction in a separate worker process with a time limit per file.

A hostile or broken file can make a parser loop, eat memory or crash the interpreter. The
:class:`Worker` keeps one long-lived child process (started with ``forkserver``, safe inside a
Jupyter kernel) that reads the file itself and runs :func:`catalogue.extract.extract_text`
under an address-space limit; when a file takes longer than the limit the child is killed and a
fresh one is started for the next file. System tools (antiword, catppt, tesseract) additionally
get their own subprocess timeouts.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import resource
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from catalogue import i18n
from catalogue.extract import ERROR, Extracted, Limits, extract_text
from catalogue.i18n import t

MEMORY_LIMIT = 4 * 1024**3  # bytes of address space for the child


def _serve(conn: Connection, memory_limit: int) -> None:  # pragma: no cover - runs in the child
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        path, name, limits, lang = job
        i18n.set_language(lang)
        try:
            result = extract_text(Path(path).read_bytes(), name, limits)
        except MemoryError:
            result = Extracted("", ERROR, t("extract.too_big_inside", name=name))
        conn.send(result)


class Worker:
    """``worker.extract(path, name)`` → :class:`Extracted`, never longer than the time limit.

    Use as a context manager (or call :meth:`close`) so the child process ends.
    """

    def __init__(self, limits: Limits | None = None, memory_limit: int = MEMORY_LIMIT):
        self.limits = limits or Limits()
        self.memory_limit = memory_limit
        self._context = multiprocessing.get_context("forkserver")
        self._child: tuple[BaseProcess, Connection] | None = None  # the process, its pipe

    def _start(self) -> tuple[BaseProcess, Connection]:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child, self.memory_limit), daemon=True)
        process.start()
        child.close()
        self._child = (process, parent)
        return self._child

    def _stop(self, kill: bool) -> None:
        if self._child is None:
            return
        process, conn = self._child
        self._child = None
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

    def extract(self, path: Path | str, name: str | None = None) -> Extracted:
        """Extract the text of the file at ``path`` (``name``: its original file name)."""
        name = name or Path(path).name
        child = self._child
        if child is None or not child[0].is_alive():
            self._stop(kill=True)
            child = self._start()
        conn = child[1]
        # OCR renders and recognises page by page: give it its own, longer allowance
        budget = self.limits.timeout_s + pdf_ocr_budget(name, self.limits)
        try:
            conn.send((str(path), name, self.limits, i18n.language()))
            if conn.poll(budget):
                result: Extracted = conn.recv()
                return result
            self._stop(kill=True)
            return Extracted(
                "", ERROR, t("extract.timeout", name=name, seconds=round(self.limits.timeout_s))
            )
        except (EOFError, BrokenPipeError, ConnectionResetError, OSError):
            self._stop(kill=True)
            return Extracted("", ERROR, t("extract.crashed", name=name))

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
