"""Word rules shared by search, import and matching: how Russian words are compared (lower
case, «ё» read as «е») and the one Snowball stemmer per language of the process."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import Stemmer


def fold(text: str) -> str:
    """Lower case with «ё» read as «е»: «Ёлка» and «елка» compare equal."""
    return text.lower().replace("ё", "е")


@cache
def stemmer(language: str) -> Stemmer.Stemmer:
    """The process's Snowball stemmer (PyStemmer) for ``language`` («russian», «english»)."""
    return Stemmer.Stemmer(language)


FORM_STEM_MIN = 6  # letters a stem needs before its other forms are looked for
FORM_LONGER = 4  # letters another form's stem may add («одинок» / «одиночеств»)
_CYRILLIC_STEM = re.compile("[а-я]+")


def form_prefix(stem: str) -> str | None:
    """The prefix other stems of the same Russian word start with — all but the stem's last
    letter — or None for a short or non-Cyrillic stem. Snowball stems a verb and its noun
    apart («подготовить» → «подготов», «подготовке» → «подготовк»; «внедрять» → «внедря»,
    «внедрению» → «внедрен»)."""
    if len(stem) < FORM_STEM_MIN or not _CYRILLIC_STEM.fullmatch(stem):
        return None
    return stem[:-1]


def other_form(stem: str, other: str) -> bool:
    """Whether ``other`` (a stem starting with :func:`form_prefix` of ``stem``) is another form
    of the same word rather than a longer word («подготовк», not «подготовительн»)."""
    prefix = form_prefix(stem)
    return (
        prefix is not None
        and other != stem
        and other.startswith(prefix)
        and len(other) <= len(stem) + FORM_LONGER
    )


# A relational adjective in «-ический» and the noun it is made from («исторический» /
# «история», «экономический» / «экономика») stem apart: «историческ» → «истор», «экономик».
ADJECTIVE_ENDING, NOUN_ENDINGS = "ическ", ("", "ик")
NOUN_STEM_MIN = 4  # letters the noun's stem keeps


def noun_stems(stem: str) -> list[str]:
    """Stems the noun of a relational adjective in «-ический» may have («историческ» →
    «истор», «историк»; «психологическ» → «психолог»); none for other stems. Search finds
    them at a lower weight, as it does the other forms of a word."""
    base = stem.removesuffix(ADJECTIVE_ENDING)
    if base == stem or len(base) < NOUN_STEM_MIN or not _CYRILLIC_STEM.fullmatch(base):
        return []
    return [base + ending for ending in NOUN_ENDINGS]


# A vowel that drops out of a word's stem in its other forms («ребенок» / «ребенка»,
# «подросток» / «подростка», «кружок» / «кружка»): after a consonant, before a closing к or ц.
_FLEETING = re.compile("(?<=[бвгджзклмнпрстфхцчшщ])[ое](?=[кц]$)")


def fleeting_forms(stem: str) -> list[str]:
    """The stem of the word's other forms, its fleeting vowel dropped («ребенок» → «ребенк»),
    for a Cyrillic stem of at least :data:`FORM_STEM_MIN` letters; search finds them at a
    lower weight."""
    if len(stem) < FORM_STEM_MIN or not _CYRILLIC_STEM.fullmatch(stem):
        return []
    return [_FLEETING.sub("", stem)] if _FLEETING.search(stem) else []


# Snowball cuts from a noun in «-ал»/«-ан» («журнал», «роман») the «-л»/«-н» it takes for a
# verb's past tense or short participle («журнал» → «журна»), but not from its other forms
# («журналах» → «журнал»): a word's other forms are found with the letter added back or cut.
_PAST_ENDINGS = ("л", "н")
CUT_STEM_MIN = 4  # letters the shorter stem keeps


def cut_forms(stem: str) -> list[str]:
    """The stems of a noun's other forms that Snowball stems apart as if it were a verb's:
    «журна» → «журнал», «журнал» → «журна»; search finds those the catalogue has at a lower
    weight."""
    if len(stem) < CUT_STEM_MIN or not _CYRILLIC_STEM.fullmatch(stem):
        return []
    if stem[-1] in "ая":
        return [stem + ending for ending in _PAST_ENDINGS]
    if stem[-1] in _PAST_ENDINGS and stem[-2] in "ая" and len(stem) > CUT_STEM_MIN:
        return [stem[:-1]]
    return []


ABBREVIATION_MIN = 3  # letters a word cut short in a file name keeps


def abbreviations(stem: str, known: Callable[[str], bool]) -> list[str]:
    """The forms of a Russian word's stem cut short, as file names do
    («deti_v_trud_zhiz_situatsii»: «труд» for «трудной», «жиз» for «жизненной»): its prefixes
    of at least :data:`ABBREVIATION_MIN` letters that ``known`` says the file names hold."""
    if not _CYRILLIC_STEM.fullmatch(stem):
        return []
    return [stem[:n] for n in range(ABBREVIATION_MIN, len(stem)) if known(stem[:n])]


WORD = re.compile(r"[^\W_]+")
CYRILLIC = re.compile(r"[а-я]")


def russian_stems(text: str) -> list[str]:
    """The distinct words of ``text``, folded, Cyrillic ones cut to their Snowball Russian stem
    (others kept whole), in order of first appearance: what an exported page matches typed
    words against with its own copy of the stemmer."""
    russian = stemmer("russian")
    seen: dict[str, None] = {}
    for word in WORD.findall(fold(text)):
        seen.setdefault(russian.stemWord(word) if CYRILLIC.search(word) else word, None)
    return list(seen)
