"""User-facing messages in Russian (default) and English.

Messages live in ``catalogue/locale/<lang>/<area>.toml`` (one file per feature area) as
``key = "text with {placeholders}"`` inside ``[section]`` tables; a key is ``section.key``.
The language comes from :func:`set_language`, else the ``IMK_LANG`` environment variable,
else Russian.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("ru", "en")
_current: str | None = None


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language (every area file merged), flattened to dotted keys."""
    flat: dict[str, str] = {}

    def walk(prefix: str, node: dict[str, Any]) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(f"{prefix}{key}.", value)
            else:
                flat[prefix + key] = value

    for path in sorted((LOCALE_DIR / lang).glob("*.toml")):
        walk("", tomllib.loads(path.read_text(encoding="utf-8")))
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
