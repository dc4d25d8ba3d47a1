"""A workspace folder: the catalogue database, the search index, attachment files, exports, logs.

```
<home>/catalogue.sqlite     records, versions, attachment texts, index journal
                            (or a PostgreSQL database: see :func:`database_url`)
<home>/settings.toml        the workspace's settings, e.g. [database] url = "postgresql://…"
<home>/index/               the Whoosh index (derived: can always be rebuilt)
<home>/files/ab/abcdef…     attachment bytes, named by their SHA-256
<home>/staging/             attachment bytes not yet saved in a record (catalogue.filestore)
<home>/exports/  <home>/logs/   (exports: ``IMK_EXPORTS`` names another folder, e.g. per user)
```
"""

from __future__ import annotations

import mimetypes
import os
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalogue.filestore import FileStore, Healed
from catalogue.records import Attachment, Record
from catalogue.storage.common import StoreError, is_postgresql, sqlite_url
from catalogue.storage.sqlite_reads import SearchReads, SqliteReads

if TYPE_CHECKING:  # the text extractors load only when a file is added (not for a search)
    from catalogue.extract.worker import Worker
    from catalogue.store import Store

DB_NAME = "catalogue.sqlite"
ENV_HOME = "IMK_HOME"
ENV_DATABASE_URL = "IMK_DATABASE_URL"
ENV_EXPORTS = "IMK_EXPORTS"  # a person's own exports folder (each user's on a team's JupyterHub)
SETTINGS_NAME = "settings.toml"
DEFAULT_SETTINGS = {"search": {"log": True}}


def default_home() -> Path:
    """``IMK_HOME`` if set, else ``~/.local/share/imk`` (``$XDG_DATA_HOME/imk``)."""
    if os.environ.get(ENV_HOME):
        return Path(os.environ[ENV_HOME]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "imk"


def _read_settings(path: Path) -> dict[str, Any]:
    """``settings.toml`` of the folder ``path`` over the defaults."""
    merged: dict[str, Any] = {k: dict(v) for k, v in DEFAULT_SETTINGS.items()}
    file = path / SETTINGS_NAME
    if file.is_file():
        for section, values in tomllib.loads(file.read_text(encoding="utf-8")).items():
            merged.setdefault(section, {}).update(values)
    return merged


def database_url(home: Path) -> str:
    """Where the workspace ``home`` keeps its catalogue: ``IMK_DATABASE_URL`` if set (the
    ``--database-url`` option sets it), else ``[database] url`` of its ``settings.toml``,
    else the SQLite file ``<home>/catalogue.sqlite``. Attachment files, the search index and
    exports stay in the folder either way (for a team: a folder on shared storage)."""
    url = os.environ.get(ENV_DATABASE_URL, "").strip()
    if not url:
        url = str(_read_settings(Path(home)).get("database", {}).get("url", "")).strip()
    return url or sqlite_url(Path(home) / DB_NAME)


class NotAWorkspace(StoreError):
    """The folder holds no catalogue database."""


class Workspace:
    """One catalogue's folder. Open with :meth:`open` or :meth:`create`."""

    def __init__(self, path: Path):
        self.path = Path(path).resolve()
        self.database_url = database_url(self.path)
        self._store: Store | None = None
        self._worker: Worker | None = None
        self.files = FileStore(self.path)
        reads = None if self.on_postgresql else SqliteReads.open(self.db_path)
        # PostgreSQL, a new file or a schema to migrate: the store opens now and migrates
        self.reads: SearchReads = reads if reads is not None else self.store
        self.healed = self.heal()

    @property
    def store(self) -> Store:
        """The catalogue's store, opened on first use (a search of a SQLite catalogue needs
        only :attr:`reads`, and so loads no SQLAlchemy)."""
        if self._store is None:
            from catalogue.store import Store

            self._store = Store(self.database_url)
            self._store.after_save.append(self._publish)
        return self._store

    def _referenced(self, candidates: set[str]) -> set[str]:
        from catalogue.maintenance.references import referenced

        return referenced(self.store, candidates)

    def _publish(self, records: list[Record]) -> None:
        self.files.publish(a.sha256 for r in records for a in r.attachments)

    def heal(self) -> Healed:
        """Settle attachment files left staged by processes that died (done on every open)."""
        return self.files.heal(self._referenced)

    @property
    def db_path(self) -> Path:
        """The SQLite file (when the catalogue is not on a PostgreSQL server)."""
        return self.path / DB_NAME

    @property
    def on_postgresql(self) -> bool:
        """Whether the catalogue lives on a PostgreSQL server."""
        return is_postgresql(self.database_url)

    @property
    def index_dir(self) -> Path:
        return self.path / "index"

    @property
    def files_dir(self) -> Path:
        return self.path / "files"

    @property
    def exports_dir(self) -> Path:
        """Where exports are written: ``IMK_EXPORTS`` when set, else ``<home>/exports``."""
        own = os.environ.get(ENV_EXPORTS, "").strip()
        return Path(own).expanduser() if own else self.path / "exports"

    @property
    def logs_dir(self) -> Path:
        return self.path / "logs"

    @classmethod
    def exists(cls, path: Path | str) -> bool:
        """Whether ``path`` is already a workspace (its SQLite file, or a folder whose catalogue
        is on a PostgreSQL server)."""
        path = Path(path)
        if is_postgresql(database_url(path)):
            return (path / "files").is_dir()
        return (path / DB_NAME).is_file()

    @classmethod
    def create(cls, path: Path | str) -> Workspace:
        """Create the folder layout and an empty database (keeps whatever is already there)."""
        path = Path(path)
        for sub in ("", "index", "files", "exports", "logs"):
            (path / sub).mkdir(parents=True, exist_ok=True)
        return cls(path)

    @classmethod
    def open(cls, path: Path | str | None = None) -> Workspace:
        """Open an existing workspace (default: :func:`default_home`)."""
        path = Path(path) if path is not None else default_home()
        if not cls.exists(path):
            raise NotAWorkspace("store.not_workspace", path=path)
        return cls(path)

    @property
    def settings(self) -> dict[str, Any]:
        """``settings.toml`` of the workspace over the defaults, e.g. ``[search] log = false``."""
        return _read_settings(self.path)

    def search_log_enabled(self) -> bool:
        """Whether searches are logged: ``[search] log`` in settings, off when
        ``IMK_SEARCH_LOG=0``."""
        if os.environ.get("IMK_SEARCH_LOG", "").strip() in ("0", "false", "no"):
            return False
        return bool(self.settings["search"].get("log", True))

    def file_path(self, sha256: str) -> Path:
        """Where the bytes of an attachment live (staged ones until their record is saved)."""
        return self.files.locate(sha256)

    @property
    def worker(self) -> Worker:
        """The process that parses this workspace's uploaded files under the ``[import]`` limits
        (started on first use, ended by :meth:`close`)."""
        if self._worker is None:
            from catalogue.extract import Limits
            from catalogue.extract.worker import Worker

            self._worker = Worker(Limits.from_settings(self.settings))
        return self._worker

    def add_attachment(self, name: str, data: bytes, media_type: str | None = None) -> Attachment:
        """Stage a file (stored once by content), extract its text once, describe it for a record.

        The file joins ``files/`` when a record naming it is saved; if none is, it goes away.
        The text is extracted in :attr:`worker` (never in this process, e.g. a notebook's kernel).
        """
        sha, size = self.files.stage_bytes(data)
        media_type = media_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        if not self.store.has_blob(sha):
            extracted = self.worker.extract(self.files.locate(sha), name)
            self.store.put_blob(
                sha, size, media_type, extracted.text, extracted.status, extracted.message
            )
        return Attachment(name=name, sha256=sha, media_type=media_type, size=size)

    def close(self) -> None:
        """Settle this process's staged files, end the worker process, release the database."""
        self.files.close(self._referenced)
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        if isinstance(self.reads, SqliteReads):
            self.reads.close()
        if self._store is not None:
            self._store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
