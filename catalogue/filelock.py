"""Advisory file locks between processes, released by the system when a process dies.

A lock held by a killed process is free again at once, so "can I take its lock?" tells a
living owner from a dead one without guessing from pids or ages.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

if sys.platform == "win32":  # pragma: no cover
    import msvcrt

    def _lock(fd: int, wait: bool) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _lock(fd: int, wait: bool) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        return True


class FileLock:
    """An exclusive lock on ``path`` (the file is created when missing)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.fd: int | None = None

    def acquire(self, wait: bool = True) -> bool:
        """Take the lock; with ``wait=False`` return False at once when someone holds it.

        The lock is only kept when the file still exists under its name afterwards (someone
        may have removed it while we waited), so a lock taken is a lock others can see.
        """
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)  # the umask decides
            if not _lock(fd, wait):
                os.close(fd)
                return False
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                self.fd = fd
                return True
            os.close(fd)

    def release(self, remove: bool = False) -> None:
        """Let go of the lock (and remove its file first when ``remove``)."""
        if self.fd is None:
            return
        if remove:
            self.path.unlink(missing_ok=True)
        os.close(self.fd)
        self.fd = None


@contextmanager
def locked(path: Path) -> Iterator[FileLock]:
    """Hold the lock on ``path`` for the ``with`` block, waiting for it if need be."""
    lock = FileLock(path)
    lock.acquire(wait=True)
    try:
        yield lock
    finally:
        lock.release()
