"""Limits that keep hostile or broken files from hurting the catalogue.

OOXML (DOCX/PPTX/XLSX) and ODF files are zip archives: their directory is checked *before* any
parser inflates them (zip bombs: total unpacked size, compression ratio, member count;
password-protected members). A password-protected Office file is an OLE container holding an
``EncryptedPackage`` stream instead of a zip. Failures raise :class:`ExtractError`, whose message
key lives in the ``[extract]`` section of the ``ingest`` locale files.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Limits:
    """How much one file may cost. Workspace ``settings.toml`` ``[import]`` can change them."""

    max_file_mb: float = 200  # larger files are refused without being read
    max_unzipped_mb: float = 1024  # total unpacked size of an OOXML/ODF archive
    max_ratio: float = 200  # unpacked/packed size of an archive (text XML packs 10–30×)
    max_members: int = 20000
    timeout_s: float = 60  # per file, for every parser (OCR gets ``ocr_timeout_s`` per page)
    ocr_timeout_s: float = 60
    ocr: bool = True  # recognise scans when Tesseract is installed

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * MB)

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Limits:
        """Limits from the ``[import]`` table of workspace settings (unknown keys ignored)."""
        known = {k: v for k, v in settings.get("import", {}).items() if k in cls.__annotations__}
        return cls(**known)


class ExtractError(Exception):
    """A file that cannot be read; ``key`` names the message, ``values`` fill it."""

    def __init__(self, key: str, **values: object):
        self.key, self.values = key, values
        super().__init__(key)


def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse an archive that is encrypted or would unpack beyond the limits (reads no member)."""
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


def check_ooxml_container(data: bytes) -> None:
    """A DOCX/PPTX/XLSX that is an OLE file is password-protected (or a renamed old format)."""
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ExtractError("encrypted")
        raise ExtractError("old_format")
