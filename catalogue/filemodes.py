"""The mode of files written through a private temporary file (``tempfile.mkstemp`` makes it
0600): before it takes its final name it gets the mode any new file gets under the process's
umask, so what one member of a team writes into the shared workspace (attachments, exports)
the others can read (umask 0o007 on a team's JupyterHub: ``catalogue.lab.hub``)."""

from __future__ import annotations

import os
from pathlib import Path


def umask_mode() -> int:
    """The mode a new file gets now: 0o666 without the process's umask bits."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def as_new_file(path: Path | str) -> None:
    """Give ``path`` (written by ``mkstemp``) the mode of a newly created file."""
    os.chmod(path, umask_mode())
