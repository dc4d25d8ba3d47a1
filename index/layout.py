"""Keyboard-layout repair: text typed with the wrong layout (ЙЦУКЕН ↔ QWERTY).

«hjlbntkmcrjt cj,hfybt» is «родительское собрание» typed on the English layout;
«зкуыуте ышьзду» is «present simple» typed on the Russian one.
"""

from __future__ import annotations

LATIN = "`qwertyuiop[]asdfghjkl;'zxcvbnm,.~QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>"
CYRILLIC = "ёйцукенгшщзхъфывапролджэячсмитьбюЁЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ"
TO_CYRILLIC = str.maketrans(LATIN, CYRILLIC)
TO_LATIN = str.maketrans(CYRILLIC, LATIN)


def to_cyrillic(text: str) -> str:
    """Text typed on the English layout as the Russian layout would have typed it."""
    return text.translate(TO_CYRILLIC)


def to_latin(text: str) -> str:
    """Text typed on the Russian layout as the English layout would have typed it."""
    return text.translate(TO_LATIN)


def swap(text: str) -> str | None:
    """The other layout's reading of ``text``: mostly-Latin text becomes Cyrillic and
    mostly-Cyrillic text becomes Latin (None when it has no letters at all)."""
    latin = sum(ch in LATIN for ch in text if ch.isalpha())
    cyrillic = sum(ch in CYRILLIC for ch in text if ch.isalpha())
    if not latin and not cyrillic:
        return None
    return to_cyrillic(text) if latin >= cyrillic else to_latin(text)
