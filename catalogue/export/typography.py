"""Russian typography for texts shown in an exported page.

No-break spaces after short prepositions and conjunctions («в школе»), between a number and
«класс»/«г.»/«с.» («5 класс»), after «№»; straight quotes become guillemets; a spaced hyphen
becomes a spaced en dash. Text in, text out: escape for HTML afterwards.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
SHORT = (
    "а",
    "в",
    "во",
    "и",
    "к",
    "ко",
    "о",
    "об",
    "обо",
    "с",
    "со",
    "у",
    "на",
    "по",
    "за",
    "от",
    "до",
    "из",
    "не",
    "ни",
    "для",
    "при",
    "без",
    "под",
    "над",
    "про",
    "но",
    "да",
    "или",
)
_SHORT_RE = re.compile(rf"(?<![\w-])({'|'.join(SHORT)}) +(?=\S)", re.IGNORECASE)
_UNITS_RE = re.compile(r"(\d) +(?=(класс|кл\.|г\.|гг\.|с\.|ч\.|мин|час))", re.IGNORECASE)
_NUMBER_RE = re.compile(r"№ *(?=\d)")
_QUOTES_RE = re.compile(r'"([^"\n]*)"')
_DASH_RE = re.compile(r" +[-–—] +")


def typograph(text: str) -> str:
    """``text`` with Russian typographic spaces, quotes and dashes."""
    if not text:
        return ""
    text = _QUOTES_RE.sub(r"«\1»", text)
    text = _DASH_RE.sub(f"{NBSP}– ", text)
    text = _NUMBER_RE.sub(f"№{NBSP}", text)
    text = _UNITS_RE.sub(rf"\1{NBSP}", text)
    return _SHORT_RE.sub(rf"\1{NBSP}", text)
