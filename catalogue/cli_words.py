"""The command line's words in the user's language, looked up when they are shown.

Command and option help is written as a locale key (``help="cli.search_help"``) and
translated by :class:`Formatter` when help is printed, so ``imk --lang en --help`` is English
whatever was imported before. click's own words (``Usage:``, ``Options``, usage errors such
as «no such option») go through the ``_``/``ngettext`` functions click calls; :func:`install`
points them at the ``[click]`` messages of ``catalogue/locale/*/cli_words.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import ModuleType

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.types

from catalogue import i18n

# click's message → our key in the [click] section of the locale files.
CLICK_WORDS = {
    "Usage:": "usage",
    "Options": "options",
    "Commands": "commands",
    "Positional arguments": "arguments",
    "Show this message and exit.": "help_option",
    "Show the version and exit.": "version_option",
    "%(prog)s, version %(version)s": "version",
    "Error: {message}": "error",
    "Try '{command} {option}' for help.": "try_help",
    "Aborted!": "aborted",
    "Missing command.": "missing_command",
    "Missing argument": "missing_argument",
    "Missing option": "missing_option",
    "Missing parameter": "missing_parameter",
    "Missing {param_type}": "missing_param_type",
    "Missing parameter: {param_name}": "missing_parameter_name",
    "Invalid value: {message}": "invalid_value",
    "Invalid value for {param_hint}: {message}": "invalid_value_for",
    "No such option {name!r}.": "no_such_option",
    "No such command {name!r}.": "no_such_command",
    "Did you mean {possibility}?": "did_you_mean",
    "(Did you mean one of: {possibilities}?)": "did_you_mean_many",
    "Got unexpected extra argument ({args})": "extra_argument",
    "Got unexpected extra arguments ({args})": "extra_arguments",
    "Option {name!r} requires an argument.": "requires_argument",
    "Option {name!r} requires {nargs} arguments.": "requires_arguments",
    "Option {name!r} does not take a value.": "takes_no_value",
    "{value!r} is not {choice}.": "not_choice",
    "{value!r} is not one of {choices}.": "not_one_of",
    "{value!r} is not a valid {number_type}.": "not_a_number",
    "{value} is not in the range {range}.": "out_of_range",
    "{value!r} is not a valid boolean. Recognized values: {states}": "not_a_boolean",
    "{name} {filename!r} does not exist.": "path_missing",
    "{name} {filename!r} is a file.": "path_is_file",
    "{name} {filename!r} is a directory.": "path_is_directory",
    "{name} {filename!r} is not readable.": "path_unreadable",
    "{name} {filename!r} is not writable.": "path_unwritable",
    "file": "file",
    "directory": "directory",
    "path": "path",
    "default: {default}": "default",
    "env var: {var}": "env_var",
    "required": "required",
}
# click's placeholders in usage lines and option lists → our keys (longest first).
METAVARS = {
    "COMMAND [ARGS]...": "command_metavar",
    "[OPTIONS]": "options_metavar",
    "INTEGER RANGE": "integer_range",
    "FLOAT RANGE": "float_range",
    "INTEGER": "integer",
    "FLOAT": "float",
    "TEXT": "text",
    "DIRECTORY": "directory_metavar",
    "FILE": "file_metavar",
    "PATH": "path_metavar",
}
_METAVAR = re.compile("|".join(re.escape(m) + r"(?![\w])" for m in METAVARS))
_KEY = re.compile(r"\b[a-z_]+\.[a-z_]+\b")


# click keeps these as an option's help: the key is kept and translated when help is shown.
STORED = ("help_option", "version_option")


def gettext(message: str) -> str:
    """click's message in the user's language (unknown ones stay as they are)."""
    key = CLICK_WORDS.get(message)
    if key in STORED:
        return f"click.{key}"
    return i18n.t(f"click.{key}") if key else message


def ngettext(singular: str, plural: str, count: int) -> str:
    """click's message agreeing with ``count``."""
    return gettext(singular if count == 1 else plural)


def help_text(text: str) -> str:
    """Help (or an option's metavar) with every locale key in it replaced by its message."""
    known = i18n.catalog("ru")
    return _KEY.sub(lambda m: i18n.t(m.group(0)) if m.group(0) in known else m.group(0), text)


def short_help(text: str) -> str:
    """The first sentence of a command's help, for the list of commands."""
    full = help_text(text)
    first = re.split(r"(?<=[.!?])\s", full, maxsplit=1)[0]
    return first.rstrip(".")


def metavars(text: str) -> str:
    """click's placeholders (``[OPTIONS]``, ``INTEGER``) in the user's language."""
    return _METAVAR.sub(lambda m: i18n.t(f"click.{METAVARS[m.group(0)]}"), text)


class Formatter(click.HelpFormatter):
    """click's help formatter, translating help written as locale keys."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, metavars(args), prefix)

    def write_text(self, text: str) -> None:
        super().write_text(help_text(text))

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        shown = [(metavars(help_text(term)), help_text(text)) for term, text in rows]
        super().write_dl(shown, col_max, col_spacing)


_MODULES: tuple[ModuleType, ...] = (
    click.core,
    click.decorators,
    click.exceptions,
    click.formatting,
    click.parser,
    click.types,
)


def install() -> None:
    """Make click speak the user's language, and end a usage error (unknown option, bad
    value, missing argument) with exit status 1 like every other error (idempotent)."""
    for module in _MODULES:
        vars(module)["_"] = gettext
        if hasattr(module, "ngettext"):
            vars(module)["ngettext"] = ngettext
    click.Context.formatter_class = Formatter
    click.UsageError.exit_code = 1
