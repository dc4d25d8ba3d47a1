"""The one error type users see: :class:`UserError`, a message key and its parameters.

Every failure a user can act on (a bad value, a missing record, a conflict, a file that cannot
be written) raises a subclass. The message is looked up in ``catalogue/locale`` when it is
shown, so it comes in the user's language. The ``imk`` command line prints it and exits with
status 1; the notebook widgets show it. Any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

from catalogue.i18n import t


class UserError(Exception):
    """A failure the user can act on: ``key`` names the message, ``params`` fill it in."""

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __str__(self) -> str:
        return t(self.key, **self.params)
