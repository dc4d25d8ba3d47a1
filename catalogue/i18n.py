"""User-facing messages in Russian (default) and English.

Messages live in ``catalogue/locale/<lang>/<area>.toml`` (one file per feature area) as
``key = "text with {placeholders}"`` inside ``[section]`` tables; a key is ``section.key``.
The language comes from :func:`set_language`, else the ``IMK_LANG`` environment variable,
else Russian.

A placeholder may carry word forms that agree with a number:
``{count} {count:запись|записи|записей}`` (Russian: one / few / many; English:
``{count:record|records}``). Dates, moments and numbers are shown the way the language writes
them by :func:`date_text`, :func:`moment_text` and :func:`number_text`; nothing user-facing
prints ISO strings or ``5.0``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import string
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("ru", "en")
_current: str | None = None


def _parse(paths: list[Path]) -> dict[str, str]:
    flat: dict[str, str] = {}

    def walk(prefix: str, node: dict[str, Any]) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(f"{prefix}{key}.", value)
            else:
                flat[prefix + key] = value

    for path in paths:
        walk("", tomllib.loads(path.read_text(encoding="utf-8")))
    return flat


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language (every area file merged), flattened to dotted keys.

    Parsed TOML is kept as JSON in ``locale/__pycache__`` (like Python's own byte code, named
    for the files' sizes and times): every command starts without parsing TOML again.
    """
    paths = sorted((LOCALE_DIR / lang).glob("*.toml"))
    stamp = hashlib.sha1(
        repr([(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in paths]).encode()
    ).hexdigest()[:16]
    cached = LOCALE_DIR / "__pycache__" / f"{lang}-{stamp}.json"
    try:
        data: dict[str, str] = json.loads(cached.read_text(encoding="utf-8"))
        return data
    except (OSError, ValueError):
        pass
    flat = _parse(paths)
    try:
        cached.parent.mkdir(exist_ok=True)
        for old in cached.parent.glob(f"{lang}-*.json"):
            old.unlink(missing_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(flat, ensure_ascii=False), encoding="utf-8")
        partial.replace(cached)
    except OSError:
        pass  # a read-only installation parses the TOML every time
    return flat


def language() -> str:
    """The active language code."""
    lang = _current or os.environ.get("IMK_LANG", "ru")
    return lang if lang in LANGUAGES else "ru"


def set_language(lang: str | None) -> None:
    """Switch the language for this process (None: back to ``IMK_LANG`` / Russian)."""
    global _current
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    _current = lang


def plural(count: int, forms: str, lang: str | None = None) -> str:
    """The word form agreeing with ``count``: ``forms`` is «one|few|many» (ru) or «one|other»."""
    variants = forms.split("|")
    n = abs(int(count))
    if (lang or language()) == "ru" and len(variants) == 3:
        if n % 10 == 1 and n % 100 != 11:
            return variants[0]
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return variants[1]
        return variants[2]
    return variants[0] if n == 1 else variants[-1]


class _Formatter(string.Formatter):
    """``str.format`` plus plural forms in the format spec (``{n:файл|файла|файлов}``)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" in format_spec and isinstance(value, int):
            return plural(value, format_spec)
        return str(super().format_field(value, format_spec))


_FORMATTER = _Formatter()


def t(key: str, **values: object) -> str:
    """The message ``key`` in the active language, formatted with ``values``."""
    text = catalog(language()).get(key) or catalog("ru")[key]
    return _FORMATTER.format(text, **values) if values else text


def date_text(value: dt.date | str | None) -> str:
    """A date as the language writes it: «27.11.2026» (ru), «2026-11-27» (en); '' for none."""
    if value is None or value == "":
        return ""
    day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    if isinstance(day, dt.datetime):
        day = day.date()
    return day.strftime("%d.%m.%Y") if language() == "ru" else day.isoformat()


DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(text: str, today: dt.date | None = None) -> dt.date:
    """A date as a Russian office worker types it — «27.11.2026», «1.9.2024», «01.09.24»
    (a two-digit year is the latest such year not after this one: «24» → 2024, «85» → 1985)
    — or in ISO form «2026-11-27»; :class:`ValueError` for anything else."""
    text = text.strip()
    if ISO_DAY.fullmatch(text):
        return dt.date.fromisoformat(text)
    match = DAY_MONTH_YEAR.fullmatch(text)
    if match is None:
        raise ValueError(f"not a date: {text!r}")
    day, month, year = (int(part) for part in match.groups())
    if len(match.group(3)) == 2:
        this_year = (today or dt.date.today()).year
        year += this_year // 100 * 100
        if year > this_year:
            year -= 100
    return dt.date(year, month, day)


def moment_text(value: dt.datetime | str | None) -> str:
    """A stored UTC moment in the local time zone, to the minute: «27.11.2026 10:47»."""
    if value is None or value == "":
        return ""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone()
    return local.strftime("%d.%m.%Y %H:%M" if language() == "ru" else "%Y-%m-%d %H:%M")


def number_text(value: float | int | None, digits: int = 2) -> str:
    """A number without a useless «.0», with the language's decimal mark: «5», «0,25» (ru)."""
    if value is None:
        return ""
    rounded = round(float(value), digits)
    if rounded == int(rounded):
        return str(int(rounded))
    text = f"{rounded:.{digits}f}".rstrip("0")
    return text.replace(".", ",") if language() == "ru" else text


def clip_text(text: str, limit: int = 80) -> str:
    """``text`` shortened to ``limit`` characters with «…» (a pasted page is not echoed whole)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
