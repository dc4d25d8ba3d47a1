"""Attachment files: stored once by content, and never left behind without a record.

```
files/ab/abcdef…          published bytes, named by their SHA-256
staging/<token>.lock      held (flock) by the process that owns staging/<token>/
staging/<token>/abcdef…   bytes written but not yet saved in a record
```

A new attachment is written into its process's own staging folder; it is moved into
``files/`` only after the record naming it is committed (:meth:`FileStore.publish`). A process
killed in between leaves a staging folder whose lock is free: the next :meth:`FileStore.heal`
moves the files a committed record names into place and deletes the rest. So a crash leaves
neither a file without a record nor a record without its file.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from catalogue.filelock import FileLock
from catalogue.filemodes import as_new_file

# Which of the given hashes some saved record version names.
Referenced = Callable[[set[str]], set[str]]


@dataclass
class Healed:
    """What :meth:`FileStore.heal` did with the leftovers of dead processes."""

    published: int = 0  # files a committed record named, moved into place
    removed: int = 0  # files no record names, deleted


class FileStore:
    """The attachment files of one workspace folder."""

    def __init__(self, home: Path):
        self.files_dir = Path(home) / "files"
        self.staging_dir = Path(home) / "staging"
        self._lock: FileLock | None = None
        self._own: Path | None = None
        self._holds: Counter[str] = Counter()  # staged hash → callers still wanting it

    def path(self, sha256: str) -> Path:
        """Where the published bytes of an attachment live."""
        return self.files_dir / sha256[:2] / sha256

    def locate(self, sha256: str) -> Path:
        """The bytes of an attachment: published, else staged by this process."""
        final = self.path(sha256)
        if not final.exists() and self._own is not None and (self._own / sha256).exists():
            return self._own / sha256
        return final

    # -- writing ------------------------------------------------------------------------

    def _staging(self) -> Path:
        """This process's staging folder, created (and locked) on first use."""
        if self._own is None:
            self.staging_dir.mkdir(parents=True, exist_ok=True)
            token = secrets.token_hex(8)
            lock = FileLock(self.staging_dir / f"{token}.lock")
            lock.acquire(wait=True)  # a healer may hold a brand-new lock for a moment
            own = self.staging_dir / token
            own.mkdir()
            self._lock, self._own = lock, own
        return self._own

    def stage_bytes(self, data: bytes) -> tuple[str, int]:
        """Stage ``data``; return ``(sha256, size)``."""
        sha = hashlib.sha256(data).hexdigest()
        if not (self._staging() / sha).exists():
            self._put(lambda out: out.write(data))
        self._holds[sha] += 1
        return sha, len(data)

    def stage_file(self, source: Path, chunk: int = 1 << 20) -> tuple[str, int]:
        """Stage a copy of ``source`` (streamed, hashed while copying); return ``(sha, size)``."""

        def copy(out: _Hashing) -> None:
            with Path(source).open("rb") as src:
                while block := src.read(chunk):
                    out.write(block)

        sha, size = self._put(copy)
        self._holds[sha] += 1
        return sha, size

    def _put(self, write: Callable[[_Hashing], object]) -> tuple[str, int]:
        """Write through ``write`` into a temporary file, then name it by its hash."""
        own = self._staging()
        fd, tmp = tempfile.mkstemp(dir=own, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as raw:
                out = _Hashing(raw)
                write(out)
            sha = out.digest.hexdigest()
            as_new_file(tmp)  # the team's other members read it from files/
            os.replace(tmp, own / sha)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha, out.size

    def publish(self, hashes: Iterable[str]) -> None:
        """Move staged files into ``files/`` (call after the records naming them are saved)."""
        if self._own is None:
            return
        for sha in set(hashes):
            if _publish(self._own / sha, self.path(sha)):
                del self._holds[sha]

    def discard(self, sha256: str) -> None:
        """Forget a staged file whose record was not saved (once nobody else staged it too)."""
        self._holds[sha256] -= 1
        if self._own is not None and self._holds[sha256] <= 0:
            del self._holds[sha256]
            (self._own / sha256).unlink(missing_ok=True)

    def close(self, referenced: Referenced) -> None:
        """Settle this process's staging: files a saved record names go in place, the rest go."""
        if self._own is None or self._lock is None:
            return
        _settle_folder(self._own, self, referenced)
        self._lock.release(remove=True)
        self._own, self._lock = None, None
        self._holds.clear()

    # -- healing ------------------------------------------------------------------------

    def heal(self, referenced: Referenced) -> Healed:
        """Settle the staging folders of processes that died (their locks are free)."""
        healed = Healed()
        if not self.staging_dir.is_dir():
            return healed
        own_lock = self._lock.path if self._lock else None
        for lock_path in sorted(self.staging_dir.glob("*.lock")):
            if lock_path == own_lock:
                continue
            lock = FileLock(lock_path)
            if not lock.acquire(wait=False):
                continue  # its owner is alive
            try:
                folder = lock_path.with_suffix("")
                if folder.is_dir():
                    done = _settle_folder(folder, self, referenced)
                    healed.published += done.published
                    healed.removed += done.removed
            finally:
                lock.release(remove=True)
        return healed

    def dead_staging(self) -> list[Path]:
        """Staging folders left by processes that died (what :meth:`heal` would settle)."""
        found = []
        if self.staging_dir.is_dir():
            for lock_path in sorted(self.staging_dir.glob("*.lock")):
                lock = FileLock(lock_path)
                if lock.acquire(wait=False):
                    lock.release()
                    found.append(lock_path.with_suffix(""))
        return found

    def published(self) -> Iterable[Path]:
        """Every file under ``files/`` (attachments and stray temporary files)."""
        if self.files_dir.is_dir():
            yield from (p for p in self.files_dir.rglob("*") if p.is_file())


class _Hashing:
    """A writable file that hashes and counts what goes through it."""

    def __init__(self, out: BinaryIO):
        self.out, self.digest, self.size = out, hashlib.sha256(), 0

    def write(self, block: bytes) -> int:
        self.digest.update(block)
        self.size += len(block)
        return self.out.write(block)


def _publish(staged: Path, final: Path) -> bool:
    if not staged.exists():
        return False
    if final.exists():
        staged.unlink()
    else:
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, final)
    return True


def _settle_folder(folder: Path, files: FileStore, referenced: Referenced) -> Healed:
    """Publish the files of ``folder`` that saved records name, delete the others and it."""
    healed = Healed()
    staged = {p.name: p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}
    keep = referenced(set(staged)) if staged else set()
    for sha, path in staged.items():
        if sha in keep:
            _publish(path, files.path(sha))
            healed.published += 1
        else:
            healed.removed += 1
    shutil.rmtree(folder, ignore_errors=True)
    return healed
