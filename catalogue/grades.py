"""School grades written in free text: one table of notations, read by search, import and
metadata suggestions.

Notations: digits («5 класс», «5-й класс», «5-го класса», «5 «А» класс», «11 кл.»), Roman numerals
(«V класс»), ordinal words («первый класс», «в десятом классе»), ranges («5–7 классы», «с 5 по 9
класс», «V - IX»), lists («5, 6, 7 классы»), the extra first year («1 дополнительный класс»),
and — for table cells only — bare numbers («7 - 9», «5»).

Each mention found says how it was written (:data:`CLASS`, :data:`SUFFIX` or :data:`BARE`), so
that each caller decides what counts: a search query takes «5 класс» and «5-й», a document's
text only «N класс», a spreadsheet cell also a bare «7 - 9». An ordinal word without «класс»
(«первой главы», «второй половины») is never a grade.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GRADE_MIN, GRADE_MAX = 1, 12  # 12: evening and special schools
CLASS, SUFFIX, BARE = "class", "suffix", "bare"

ROMAN = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
    "XI": 11,
    "XII": 12,
}
# Ordinal words: the stem every form of the word starts with, and the number.
ORDINALS = {
    "перв": 1,
    "втор": 2,
    "трет": 3,
    "четв[её]рт": 4,
    "пят": 5,
    "шест": 6,
    "седьм": 7,
    "восьм": 8,
    "девят": 9,
    "десят": 10,
    "одиннадцат": 11,
    "двенадцат": 12,
}
ORDINAL_WORDS = {  # one plain form of each, for callers that need the word itself
    1: "первый",
    2: "второй",
    3: "третий",
    4: "четвертый",
    5: "пятый",
    6: "шестой",
    7: "седьмой",
    8: "восьмой",
    9: "девятый",
    10: "десятый",
    11: "одиннадцатый",
    12: "двенадцатый",
}

_ROMAN = "|".join(sorted(ROMAN, key=len, reverse=True))
_ORD = "(?:" + "|".join(ORDINALS) + r")(?:ый|ий|ой|ая|ое|ую|ые|ых|ым|ыми|ого|ому|ом|ь\w{0,3})"
_NUM = rf"(\d{{1,2}}|{_ROMAN}|{_ORD})"
_FIGURE = rf"(\d{{1,2}}|{_ROMAN})"  # a bare grade is written in figures
_END = r"(?:\s*-\s*(?:й|ый|ой|го|ого|м|ом|х|е|ми))?"
_CLASS = r"\s*(?:«?[А-Яа-я]»?\s+)?(?:класс\w*|кл\b\.?)"
_EXTRA = r"\s*доп\w*\.?(?:\s*класс\w*)?"  # «1 дополнительный класс», «1 доп.»
_SEP = r"\s*(?:[-–—]|\.\.|по)\s*"
_B, _E = r"(?<![\w.№])", r"(?![\w])"

# (how it is written, its shape, the pattern), tried in this order; a later pattern only reads
# text the earlier ones left.
PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        CLASS,
        "range",
        re.compile(rf"{_B}(?:с\s+)?{_NUM}{_END}(?:{_EXTRA})?{_SEP}{_NUM}{_END}{_CLASS}", re.I),
    ),
    (
        CLASS,
        "list",
        re.compile(
            rf"{_B}{_NUM}{_END}(?:\s*,\s*{_NUM}{_END})+(?:\s*и\s*{_NUM}{_END})?{_CLASS}", re.I
        ),
    ),
    (CLASS, "one", re.compile(rf"{_B}{_NUM}{_END}{_EXTRA}", re.I)),
    (CLASS, "one", re.compile(rf"{_B}{_NUM}{_END}{_CLASS}", re.I)),
    (SUFFIX, "one", re.compile(rf"{_B}(\d{{1,2}})-(?:й|ый|го|ого|м|ом){_E}", re.I)),
    (BARE, "range", re.compile(rf"{_B}{_FIGURE}(?:{_EXTRA})?{_SEP}{_FIGURE}{_E}(?!\.\d)", re.I)),
    (BARE, "one", re.compile(rf"{_B}{_FIGURE}{_E}(?!\.\d)", re.I)),
)


@dataclass(frozen=True)
class Mention:
    """Grades named at ``start:end`` of a text, and how they were written."""

    start: int
    end: int
    grades: tuple[int, ...]
    notation: str  # CLASS, SUFFIX or BARE


def grade_number(token: str) -> int | None:
    """5 for «5», «V», «5-й» or «пятый»; None when it is not a school grade (1–12)."""
    token = token.strip()
    head = token.split("-")[0].strip()
    number: int | None = None
    if head.isdigit():
        number = int(head)
    elif head.upper() in ROMAN:
        number = ROMAN[head.upper()]
    else:
        word = head.lower()
        if re.fullmatch(_ORD, word):
            number = next((n for stem, n in ORDINALS.items() if re.match(stem, word)), None)
    return number if number is not None and GRADE_MIN <= number <= GRADE_MAX else None


def _numbers(shape: str, match: re.Match[str]) -> tuple[int, ...]:
    """The grades of one match: a range «5–7» is 5, 6, 7; a list or a single grade as written."""
    if shape == "list":
        found = [grade_number(g) for g in re.findall(rf"{_B}{_NUM}{_E}", match.group(0), re.I)]
    else:
        found = [grade_number(g) for g in match.groups() if g]
    if not found or None in found:
        return ()
    numbers = [n for n in found if n is not None]
    if shape == "range":
        low, high = numbers
        return tuple(range(low, high + 1)) if low <= high else ()
    return tuple(sorted(set(numbers)))


def mentions(text: str, notations: tuple[str, ...] = (CLASS, SUFFIX)) -> list[Mention]:
    """Every grade mention of ``text`` written in one of ``notations``, in text order."""
    found: list[Mention] = []
    taken = [False] * len(text)
    for notation, shape, pattern in PATTERNS:
        if notation not in notations:
            continue
        for match in pattern.finditer(text):
            if any(taken[match.start() : match.end()]):
                continue
            grades = _numbers(shape, match)
            if not grades:
                continue
            found.append(Mention(match.start(), match.end(), grades, notation))
            taken[match.start() : match.end()] = [True] * (match.end() - match.start())
    return sorted(found, key=lambda m: m.start)


def grades_in(text: str, notations: tuple[str, ...] = (CLASS, SUFFIX)) -> list[int]:
    """The grades ``text`` names, each once, in ascending order."""
    return sorted({g for m in mentions(text, notations) for g in m.grades})
