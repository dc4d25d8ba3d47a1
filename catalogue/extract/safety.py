"""Limits that keep hostile or broken files from hurting the catalogue.

Every untrusted file is parsed in the worker process (:mod:`.worker`) under the same limits:
file size (checked before reading), time, memory (address space of the worker), unpacked size
of archives and the rows/columns of spreadsheets. OOXML (DOCX/PPTX/XLSX) and ODF files are zip
archives: their directory is checked *before* any parser inflates them (zip bombs: total
unpacked size, compression ratio, member count; password-protected members), and the rows of
every XLSX worksheet are counted on its bytes. A password-protected Office file is an OLE
container holding an ``EncryptedPackage`` stream instead of a zip. Failures raise
:class:`ExtractError`, whose message key lives in the ``[extract]`` section of the ``ingest``
locale files.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Limits:
    """How much one file may cost. Workspace ``settings.toml`` ``[import]`` can change them."""

    max_file_mb: float = 200  # larger files are refused without being read
    # total unpacked size of an OOXML/ODF archive: pictures and video barely compress, so a real
    # document unpacks to little more than its own size; the markup of real ones is a few MB
    max_unzipped_mb: float = 256
    max_ratio: float = 200  # unpacked/packed size of an archive (text XML packs 10–30×)
    max_members: int = 20000
    timeout_s: float = 60  # per file, for every parser (OCR gets ``ocr_timeout_s`` per page)
    ocr_timeout_s: float = 60
    ocr: bool = True  # recognise scans when Tesseract is installed
    memory_mb: float = 4096  # address space of the worker process that parses files
    max_rows: int = 50000  # rows of a spreadsheet of records (the federal list has ~2,000)
    max_columns: int = 200  # filled columns of a spreadsheet of records

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * MB)

    @property
    def memory_bytes(self) -> int:
        return int(self.memory_mb * MB)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Limits:
        """Limits from the ``[import]`` table of workspace settings (unknown keys ignored)."""
        section: Mapping[str, Any] = settings.get("import", {})
        known = {k: v for k, v in section.items() if k in cls.__annotations__}
        return cls(**known)


class ExtractError(Exception):
    """A file that cannot be read; ``key`` names the message, ``values`` fill it."""

    def __init__(self, key: str, **values: object):
        self.key, self.values = key, values
        super().__init__(key)


def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse an archive that is encrypted or would unpack beyond the limits (reads no member).

    The sizes checked are the declared ones, which Python's :mod:`zipfile` (used by every
    OOXML/ODF parser here) never reads past.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise ExtractError("unreadable") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise ExtractError("too_many_members", count=len(infos))
        if any(info.flag_bits & 0x1 for info in infos):
            raise ExtractError("encrypted")
        unpacked = sum(info.file_size for info in infos)
        packed = max(sum(info.compress_size for info in infos), 1)
        if unpacked > limits.max_unzipped_mb * MB or unpacked / packed > limits.max_ratio:
            raise ExtractError(
                "zip_bomb", unpacked=round(unpacked / MB), ratio=round(unpacked / packed)
            )
        manifest = "META-INF/manifest.xml"  # ODF keeps encryption in its manifest
        if manifest in archive.namelist() and b"encryption-data" in archive.read(manifest):
            raise ExtractError("encrypted")
        for info in infos:
            if _SHEET.fullmatch(info.filename):
                _check_rows(archive, info, limits)


_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml", re.I)
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _check_rows(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    """Refuse a worksheet with more rows than ``limits.max_rows``, counted on its bytes.

    openpyxl parses a whole sheet just to learn its size when the sheet does not declare it (or
    declares it wrongly): counting ``<row`` tags stops a long sheet after ``max_rows`` rows, at
    a fraction of the cost, before any parser sees it.
    """
    count, tail = 0, b""
    with archive.open(info) as member:
        while chunk := member.read(1 << 20):
            block = tail + chunk
            edge = len(block) - 16  # a tag cut by the chunk boundary is counted next time
            count += sum(1 for m in _ROW.finditer(block) if m.start() < edge)
            tail = block[max(edge, 0) :]
            if count > limits.max_rows:
                raise ExtractError("too_many_rows", rows=count, limit=limits.max_rows)
    count += len(_ROW.findall(tail))
    if count > limits.max_rows:
        raise ExtractError("too_many_rows", rows=count, limit=limits.max_rows)


def check_ooxml_container(data: bytes) -> None:
    """A DOCX/PPTX/XLSX that is an OLE file is password-protected (or a renamed old format)."""
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ExtractError("encrypted")
        raise ExtractError("old_format")
