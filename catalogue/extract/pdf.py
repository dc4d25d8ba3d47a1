"""PDF: the text layer with pypdf; scans without one get OCR when Tesseract is installed.

OCR needs Debian's ``poppler-utils`` (``pdftoppm`` renders pages) and ``tesseract-ocr`` with
``tesseract-ocr-rus``. Without them a scan is catalogued with status ``empty``.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from catalogue.extract.safety import ExtractError

OCR_MAX_PAGES = 20
OCR_DPI = 200


def pdf_text(data: bytes, timeout: float = 60) -> tuple[str, dict[str, Any]]:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns loudly on odd PDFs
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):  # many «protected» PDFs open with ""
        raise ExtractError("encrypted")
    pages = [page.extract_text() or "" for page in reader.pages]
    props: dict[str, Any] = {"pages": len(pages)}
    info: Mapping[str, Any] = reader.metadata or {}
    title = str(info.get("/Title") or "").strip()
    author = str(info.get("/Author") or "").strip()
    created = str(info.get("/CreationDate") or "")
    if title:
        props["title"] = title
    if author:
        props["author"] = author
    if created[2:6].isdigit():  # D:YYYYMMDD…
        props["year"] = int(created[2:6])
    return "\n\n".join(pages), props


@cache
def ocr_available() -> bool:
    """Whether pdftoppm and Tesseract with Russian data are installed."""
    if not (shutil.which("pdftoppm") and shutil.which("tesseract")):
        return False
    done = subprocess.run(["tesseract", "--list-langs"], capture_output=True, check=False)
    return b"rus" in done.stdout.split()


def ocr_pdf(data: bytes, timeout: float = 60) -> str:
    """Recognise the text of a scanned PDF (first :data:`OCR_MAX_PAGES` pages)."""
    with tempfile.TemporaryDirectory(prefix="imk-ocr-") as tmp:
        source = Path(tmp) / "scan.pdf"
        source.write_bytes(data)
        try:
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    str(OCR_DPI),
                    "-gray",
                    "-png",
                    "-l",
                    str(OCR_MAX_PAGES),
                    str(source),
                    str(Path(tmp) / "page"),
                ],
                capture_output=True,
                timeout=timeout,
                check=True,
            )
            texts = []
            for page in sorted(Path(tmp).glob("page*.png")):
                done = subprocess.run(
                    ["tesseract", str(page), "stdout", "-l", "rus+eng"],
                    capture_output=True,
                    timeout=timeout,
                    check=True,
                    env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # threads only slow it here
                )
                texts.append(done.stdout.decode("utf-8", errors="replace"))
        except subprocess.TimeoutExpired as exc:
            raise ExtractError("timeout", seconds=round(timeout)) from exc
        except subprocess.CalledProcessError as exc:
            raise ExtractError("unreadable") from exc
    return "\n\n".join(texts)
