"""Who is working: the full name written into every version's ``saved_by``.

One rule for the notebooks and the commands. The name is, in this order:

1. ``IMK_USER`` when set (a script or a test names the person outright);
2. the name remembered for this login in the workspace's ``people.json``, the login being the
   JupyterHub user (``JUPYTERHUB_USER``) or else the system login name;
3. nothing: the notebooks ask once (:func:`remember_name` keeps the answer for the login), and
   a command signs with the login name only because there is no one to ask.

The names live in the workspace, beside the catalogue they sign, so a team on one JupyterHub
sets each name once and every notebook of every session finds it.
"""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

from catalogue.errors import UserError
from catalogue.filelock import locked

ENV_USER = "IMK_USER"
ENV_HUB_USER = "JUPYTERHUB_USER"
PEOPLE_NAME = "people.json"
MAX_NAME = 120


class IdentityError(UserError):
    """The name given for who is working cannot be used."""


def login() -> str:
    """The JupyterHub user, else the system login name ('' when neither is known)."""
    hub = os.environ.get(ENV_HUB_USER, "").strip()
    if hub:
        return hub
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return ""


def _people_path(home: Path | str) -> Path:
    return Path(home) / PEOPLE_NAME


def _people(home: Path | str) -> dict[str, str]:
    path = _people_path(home)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def known_name(home: Path | str | None = None) -> str:
    """The full name of who is working (rules 1–2 above); '' when it must be asked."""
    name = os.environ.get(ENV_USER, "").strip()
    if name or home is None:
        return name
    return _people(home).get(login(), "")


def clean_name(name: str) -> str:
    """A typed name with spaces tidied; :class:`IdentityError` when it is empty, too long or
    the bare login name."""
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise IdentityError("identity.empty")
    if len(cleaned) > MAX_NAME:
        raise IdentityError("identity.too_long", limit=MAX_NAME)
    if cleaned == login():
        raise IdentityError("identity.login_name", login=cleaned)
    return cleaned


def remember_name(home: Path | str, name: str) -> str:
    """Keep ``name`` as this login's full name in the workspace (asked once); return it."""
    cleaned = clean_name(name)
    path = _people_path(home)
    with locked(path.with_suffix(".lock")):
        people = _people(home)
        people[login()] = cleaned
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps(people, ensure_ascii=False, indent=1), encoding="utf-8")
        partial.replace(path)
    return cleaned


def current_user(home: Path | str | None = None) -> str:
    """The name a command signs with: :func:`known_name`, else the login name."""
    return known_name(home) or login() or "?"


def signer(name: str) -> str:
    """``name`` when one is given; :class:`IdentityError` asking who is working otherwise
    (nothing is saved unsigned)."""
    if not name.strip():
        raise IdentityError("identity.ask")
    return name.strip()
