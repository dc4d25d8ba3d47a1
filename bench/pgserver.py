"""A throwaway PostgreSQL server for tests and benchmarks: ``initdb`` + ``pg_ctl`` in a temporary
folder, listening on 127.0.0.1 only, trusting local connections, deleted when stopped. A server
given a folder of its own keeps it: stopped, its databases wait there for the next start.

PostgreSQL refuses to run as root: under root the server runs as the ``postgres`` system user
(the Debian ``postgresql`` package creates it), its folder handed over to that user.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

SUPERUSER = "imk"


def _find(program: str) -> str | None:
    """``program`` on PATH, else in the newest /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(program)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / program).is_file():
            return str(folder / program)
    return None


def available() -> bool:
    """Whether ``initdb`` and ``pg_ctl`` are installed (and, under root, a ``postgres`` user)."""
    if _find("initdb") is None or _find("pg_ctl") is None:
        return False
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return False
    return True


def free_port() -> int:
    """A TCP port nobody listens on (at the moment of asking)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One running server; :meth:`database` makes a fresh empty database on it."""

    def __init__(self, settings: dict[str, str] | None = None, folder: Path | None = None) -> None:
        """Start a server; ``settings`` are extra server parameters (``shared_buffers``…).
        ``folder``: the server's own folder, kept when stopped (its data reused when present);
        by default a temporary folder, deleted when stopped."""
        self.kept = folder is not None
        if folder is None:
            folder = Path(tempfile.mkdtemp(prefix="imk-pg-"))
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.data = self.folder / "data"
        self.port = free_port()
        self._names = itertools.count(1)
        self._user: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            self._user = pwd.getpwnam("postgres")
            os.chown(self.folder, self._user.pw_uid, self._user.pw_gid)
        if not (self.data / "PG_VERSION").exists():
            shutil.rmtree(self.data, ignore_errors=True)
            initdb = [_find("initdb") or "initdb", "-D", str(self.data), "-U", SUPERUSER]
            self._run([*initdb, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        ) + "".join(f" -c {name}={value}" for name, value in (settings or {}).items())
        log = str(self.folder / "server.log")
        self._run([*self._pg_ctl, "-o", options, "-l", log, "-w", "-t", "60", "start"])

    @property
    def _pg_ctl(self) -> list[str]:
        return [_find("pg_ctl") or "pg_ctl", "-D", str(self.data)]

    def _run(self, argv: list[str]) -> None:
        user = self._user
        subprocess.run(
            argv,
            check=True,
            capture_output=True,
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
            cwd=self.folder,
        )

    def url(self, database: str = "postgres") -> str:
        """The URL of a database on this server."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def database(self, template: str = "template0", name: str = "") -> str:
        """A new database (named ``name``, else a fresh name), a copy of ``template`` (default:
        empty); its URL."""
        name = name or f"imk_{os.getpid()}_{next(self._names)}_{int(time.time() * 1000) % 100000}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        return self.url(name)

    def schema(self, database: str) -> str:
        """A new empty schema in ``database`` (cheaper than a database: no checkpoint); the URL
        whose connections use it alone, named after it (see :meth:`drop_schema`)."""
        name = f"s{next(self._names)}"
        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {name}")
        return f"{self.url(database)}?options=-csearch_path%3D{name}&application_name={name}"

    def drop_schema(self, url: str) -> None:
        """End the connections of a :meth:`schema` URL and delete its schema."""
        name = url.rsplit("application_name=", 1)[1]
        database = url.split("?", 1)[0].rsplit("/", 1)[1]
        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s",
                (name,),
            )
            conn.execute(f"DROP SCHEMA {name} CASCADE")

    def databases(self) -> set[str]:
        """The names of the server's databases."""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            return {r[0] for r in conn.execute("SELECT datname FROM pg_database")}

    def stop(self) -> None:
        """Stop the server and delete its folder (a kept folder: stop cleanly, keep it)."""
        if self.kept:
            self._run([*self._pg_ctl, "-m", "fast", "-w", "stop"])
            return
        try:
            self._run([*self._pg_ctl, "-m", "immediate", "stop"])
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
