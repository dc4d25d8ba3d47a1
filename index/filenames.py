"""Words from attachment file names, for search.

File names carry meaning («Положение о внутришкольном контроле.docx»). School websites often
transliterate them («polozhenie_o_vnutrishkolnom_kontrole.docx»), so Latin names are also read
back into Cyrillic with the common transliteration rules (ГОСТ 7.79 Б / passport style).
"""

from __future__ import annotations

import re
from pathlib import PurePath

# Longest first: multi-letter combinations before single letters.
_LATIN_TO_CYRILLIC = [
    ("shch", "щ"),
    ("sch", "щ"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ts", "ц"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("yu", "ю"),
    ("ju", "ю"),
    ("ya", "я"),
    ("ja", "я"),
    ("yo", "ё"),
    ("jo", "ё"),
    ("ye", "е"),
    ("a", "а"),
    ("b", "б"),
    ("c", "ц"),
    ("d", "д"),
    ("e", "е"),
    ("f", "ф"),
    ("g", "г"),
    ("h", "х"),
    ("i", "и"),
    ("j", "й"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("q", "к"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("v", "в"),
    ("w", "в"),
    ("x", "кс"),
    ("z", "з"),
]
_LONGEST = max(len(latin) for latin, _ in _LATIN_TO_CYRILLIC)
_MAP = dict(_LATIN_TO_CYRILLIC)
VOWELS = "аеёиоуыэюя"


def detransliterate(word: str) -> str:
    """A Latin-letter Russian word back in Cyrillic («kulikovskaya» → «куликовская»)."""
    word, out, i = word.lower(), "", 0
    while i < len(word):
        for size in range(_LONGEST, 0, -1):
            piece = word[i : i + size]
            if piece == "ye" and out and out[-1] not in VOWELS:
                out += "ые"  # adjective endings: «slovarnye» → «словарные»
                i += 2
                break
            if piece in _MAP:
                out += _MAP[piece]
                i += size
                break
        else:
            # «y» alone: й after a vowel («zaytsa» → «зайца»), else ы («vybor» → «выбор»)
            out += ("й" if out[-1:] in VOWELS else "ы") if word[i] == "y" else word[i]
            i += 1
    return out


def filename_words(names: list[str]) -> str:
    """Searchable text of file names: their words, and Cyrillic readings of Latin words."""
    parts = []
    for name in names:
        stem = PurePath(name).stem
        words = [w for w in re.split(r"[\W_]+", stem) if w]
        parts.extend(words)
        read = [detransliterate(w) if w.isascii() and w.isalpha() else w for w in words]
        if read != words:
            parts.extend(read)  # the whole name again, so phrases such as «1 класс» hold
    return " ".join(parts)
