"""Who is curating: the name written into every version's ``saved_by``."""

from __future__ import annotations

import getpass
import os

ENV_USER = "IMK_USER"


def current_user() -> str:
    """``IMK_USER`` if set (a methodist's full name), else the login name."""
    name = os.environ.get(ENV_USER, "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "методист"
