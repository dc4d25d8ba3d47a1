"""Matching a school's textbook row to the federal list: author surnames, title words, grades
and publisher, tolerant of typos, abbreviations («Рус. яз.») and word forms («математике»).

Words are folded (lower case, «ё» → «е»), stemmed with the Snowball Russian stemmer (PyStemmer,
the same stemmer the search index uses) and compared by character similarity, so «Виленкн» still
finds «Виленкин» and «матем.» finds «математика». Each candidate gets a score in 0..1; the best
one is accepted when its score is at least :data:`ACCEPT` and no other candidate comes within
:data:`MARGIN` of it; otherwise the row is left for a methodist with the best alternatives.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from catalogue.words import fold as words_fold
from catalogue.words import stemmer

ACCEPT = 0.72  # a best candidate scoring at least this, clear of the others, is a match
MARGIN = 0.08  # how far ahead of the second candidate the best one must be
NONE_BELOW = 0.35  # nothing scoring this much: the book is not in the list
ALTERNATIVES = 3
UNRELATED_TITLE = 0.25  # title likeness below which a book is taken for another one
WEIGHTS = {"authors": 0.40, "title": 0.40, "publisher": 0.08, "grades": 0.12}

_WORD = re.compile(r"[0-9a-zа-яё]+\.?", re.I)
_INITIALS = re.compile(r"^[А-ЯЁA-Z]\.?$")
# words a title is made of that say nothing about which book it is
_STOP = frozenset(
    [
        "и",
        "в",
        "во",
        "на",
        "для",
        "с",
        "со",
        "к",
        "по",
        "из",
        "от",
        "класс",
        "классы",
        "классов",
        "кл",
        "учебник",
        "учебное",
        "пособие",
        "часть",
        "части",
        "частях",
        "ч",
        "в2",
        "базовый",
        "базовыи",
        "уровень",
        "углубленный",
        "углубленныи",
        "общеобразовательных",
        "организаций",
        "организации",
        "издание",
        "изд",
        "переработанное",
        "дополненное",
        "исправленное",
        "стереотипное",
        "углубленное",
        "обучение",
        "уровни",
        "профильный",
    ]
)
_PUBLISHER_STOP = frozenset(
    [
        "ао",
        "ооо",
        "издательство",
        "изд",
        "акционерное",
        "общество",
        "с",
        "ограниченной",
        "ответственностью",
        "группа",
        "компаний",
        "гк",
        "тд",
        "торговый",
        "дом",
    ]
)


def fold(text: str) -> str:
    """Lower case, «ё» → «е», non-breaking spaces as spaces."""
    return words_fold(text.replace("\u00a0", " "))


# what schools write for a subject, spelled out
EXPANSIONS = {
    "изо": "изобразительное искусство",
    "физкультура": "физическая культура",
    "обж": "основы безопасности жизнедеятельности",
    "обзр": "основы безопасности и защиты родины",
}
_CONTRACTION = re.compile(r"\b([а-я]{2,5})-([а-я]{1,3})\b")  # «лит-ра», «мат-ка»


def words(text: str, stop: frozenset[str] = _STOP) -> list[str]:
    """Significant words of ``text``: folded, stemmed; an abbreviation («матем.», «лит-ра»)
    keeps a final dot and matches the words it starts."""
    found = []
    text = _CONTRACTION.sub(r"\1.", fold(text))
    text = " ".join(EXPANSIONS.get(w, w) for w in text.split())
    for raw in _WORD.findall(text):
        word = raw.rstrip(".")
        if len(word) < 2 or word in stop or word.isdigit():
            continue
        stem = stemmer("russian").stemWord(word)
        found.append(stem + "." if raw.endswith(".") and len(word) < 8 else stem)
    return found


def people(authors: Iterable[str]) -> list[tuple[str, str]]:
    """Folded ``(surname, initials)`` of people written «Виленкин Н.Я.», «Н. Я. Виленкин» or
    «Виленкин Н Я» (initials may be empty)."""
    found = []
    for person in authors:
        parts = [p for p in re.split(r"[\s.]+", person.replace("\u00a0", " ")) if p]
        names = [p for p in parts if not _INITIALS.match(p) and len(p) > 1]
        initials = "".join(fold(p[0]) for p in parts if _INITIALS.match(p))
        if names and fold(names[0]) not in ("и", "др", "другие"):
            found.append((fold(names[0]), initials))
    return found


def surnames(authors: Iterable[str]) -> list[str]:
    """Folded surnames of the people named in ``authors``."""
    return [surname for surname, _ in people(authors)]


def _people_fit(mine: Sequence[tuple[str, str]], theirs: Sequence[tuple[str, str]]) -> float:
    """Share of ``mine`` found among ``theirs``: similar surname, and the same first initial
    when both give initials."""
    if not mine:
        return 0.5
    total = 0.0
    for surname, initials in mine:
        best = 0.0
        for other, other_initials in theirs:
            alike = _similar(surname, other)
            if alike < 0.8:
                continue
            if initials and other_initials and initials[0] != other_initials[0]:
                alike *= 0.7
            best = max(best, alike)
        total += best
    return total / len(mine)


def split_authors(text: str) -> list[str]:
    """People named in a school list's «Автор(ы)» cell («Виленкин Н.Я., Жохов В.И. и др.»)."""
    text = re.sub(r"\bи\s+др(угие)?\.?", "", text.replace("\u00a0", " "))
    return [p.strip() for p in re.split(r"[,;]|\sи\s", text) if p.strip(" .")]


@lru_cache(maxsize=200_000)
def _similar(a: str, b: str) -> float:
    """How alike two folded words are (an abbreviation «матем.» matches the words it starts)."""
    if a == b:
        return 1.0
    if a.endswith(".") or b.endswith("."):
        short, long_ = (a, b) if a.endswith(".") else (b, a)
        stem = short.rstrip(".")
        if len(stem) >= 2 and long_.rstrip(".").startswith(stem):
            return 0.9
        a, b = a.rstrip("."), b.rstrip(".")  # «Физка.»: a word with a typo before a full stop
    if min(len(a), len(b)) < 4:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _coverage(mine: Sequence[str], theirs: Sequence[str], floor: float = 0.75) -> float:
    """Share of ``mine`` found in ``theirs`` (each word by its best fuzzy partner)."""
    if not mine:
        return 0.0
    total = 0.0
    for word in mine:
        best = max((_similar(word, other) for other in theirs), default=0.0)
        total += best if best >= floor else 0.0
    return total / len(mine)


def _grade_fit(mine: Sequence[str], theirs: Sequence[str]) -> float:
    if not mine or not theirs:
        return 0.5
    return len(set(mine) & set(theirs)) / len(set(mine))


@dataclass(frozen=True)
class Book:
    """A federal-list textbook as the matcher sees it."""

    record_id: str
    title: str
    authors: tuple[str, ...]
    grades: tuple[str, ...]
    publisher: str
    title_words: tuple[str, ...] = field(default=(), compare=False)
    people: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    publisher_words: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def of(
        cls,
        record_id: str,
        title: str,
        authors: Sequence[str],
        grades: Sequence[str],
        publisher: str,
    ) -> Book:
        """A book with its words prepared for matching."""
        return cls(
            record_id,
            title,
            tuple(authors),
            tuple(grades),
            publisher,
            tuple(dict.fromkeys(words(title))),
            tuple(people(authors)),
            tuple(words(publisher, _PUBLISHER_STOP)),
        )


Features = tuple[list[tuple[str, str]], list[str], list[str]]


@dataclass(frozen=True)
class Query:
    """One row of a school's list, as the matcher sees it."""

    title: str
    authors: tuple[str, ...]
    grades: tuple[str, ...]
    publisher: str = ""

    @property
    def features(self) -> Features:
        """People, title words and publisher words, prepared for matching."""
        return (
            people(self.authors),
            list(dict.fromkeys(words(self.title))),
            words(self.publisher, _PUBLISHER_STOP),
        )


@dataclass(frozen=True)
class Candidate:
    """A federal-list book a row may be, with its score (0..1)."""

    record_id: str
    score: float


@dataclass(frozen=True)
class Match:
    """The matcher's answer for a row.

    ``record_id`` is set when the best candidate is clear (``confident``); ``alternatives`` are the
    best candidates, best first, whatever the outcome. ``outcome``: ``matched``, ``ambiguous``
    (a methodist chooses) or ``none`` (nothing in the list resembles the row).
    """

    outcome: str
    record_id: str
    confidence: float
    alternatives: tuple[Candidate, ...] = ()


def _keys(title_words: Iterable[str], names: Iterable[str]) -> set[str]:
    """Blocking keys: the first three letters of every surname and title word."""
    return {w.rstrip(".")[:3] for w in (*title_words, *names) if len(w.rstrip(".")) >= 2}


class Matcher:
    """Finds the federal-list book a school's row names."""

    def __init__(self, books: Iterable[Book]):
        self.books = {b.record_id: b for b in books}
        self._by_key: dict[str, set[str]] = defaultdict(set)
        for book in self.books.values():
            for key in _keys(book.title_words, [surname for surname, _ in book.people]):
                self._by_key[key].add(book.record_id)

    def score(self, query: Query, book: Book) -> float:
        """How well ``book`` fits ``query`` (0..1)."""
        return self._score(query.features, query.grades, book)

    def _score(self, features: Features, grades: Sequence[str], book: Book) -> float:
        names, title, publisher = features
        parts = {
            "authors": _people_fit(names, book.people),
            # the row's words must be in the book's title; the book's extra words (a subtitle
            # schools leave out) count less
            "title": 0.7 * _coverage(title, book.title_words)
            + 0.3 * _coverage(book.title_words, title),
            "publisher": _coverage(publisher, book.publisher_words) if publisher else 0.5,
            "grades": _grade_fit(grades, book.grades),
        }
        total = sum(WEIGHTS[k] * v for k, v in parts.items())
        total *= 0.6 + 0.4 * parts["grades"]
        if parts["title"] < UNRELATED_TITLE:  # a book with other words in its title is another
            total *= 0.5
        return round(total, 4)

    def candidates(self, query: Query) -> list[Candidate]:
        """Books sharing a blocking key with the row, best first."""
        features = query.features
        ids: set[str] = set()
        for key in _keys(features[1], [surname for surname, _ in features[0]]):
            ids |= self._by_key.get(key, set())
        scored = [Candidate(i, self._score(features, query.grades, self.books[i])) for i in ids]
        return sorted(scored, key=lambda c: (-c.score, c.record_id))

    def match(self, query: Query) -> Match:
        """The book the row names, or the alternatives a methodist chooses from."""
        found = self.candidates(query)
        top = tuple(found[:ALTERNATIVES])
        if not found or found[0].score < NONE_BELOW:
            return Match("none", "", 1 - (found[0].score if found else 0.0), top)
        best = found[0]
        second = found[1].score if len(found) > 1 else 0.0
        if best.score >= ACCEPT and best.score - second >= MARGIN:
            return Match("matched", best.record_id, best.score, top)
        return Match("ambiguous", "", best.score, top)
