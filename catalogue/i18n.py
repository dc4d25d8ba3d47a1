"""User-facing messages in Russian (default) and English.

Messages live in ``catalogue/locale/<lang>.toml`` as ``key = "text with {placeholders}"``.
The language comes from :func:`set_language`, else the ``IMK_LANG`` environment variable,
else Russian.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("ru", "en")
_current: str | None = None


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language, flattened to dotted keys."""
    data = tomllib.loads((LOCALE_DIR / f"{lang}.toml").read_text(encoding="utf-8"))
    flat: dict[str, str] = {}

    def walk(prefix: str, node: dict) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(f"{prefix}{key}.", value)
            else:
                flat[prefix + key] = value

    walk("", data)
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


def t(key: str, **values: object) -> str:
    """The message ``key`` in the active language, formatted with ``values``."""
    text = catalog(language()).get(key) or catalog("ru")[key]
    return text.format(**values) if values else text
