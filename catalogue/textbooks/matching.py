"""Matching a school's textbook row to the federal list: author surnames, title words, grades
and publisher, tolerant of typos, abbreviations («Рус. яз.») and word forms («математике»).

Words are folded (lower case, «ё» → «е»), stemmed with the Snowball Russian stemmer (PyStemmer,
the same stemmer the search index uses) and compared by character similarity, so «Виленкн» still
finds «Виленкин» and «матем.» finds «математика». Each candidate gets a score in 0..1; the best
one is accepted when its score is at least :data:`ACCEPT` and no other candidate comes within
:data:`MARGIN` of it.

The list often carries one book twice (an old edition kept until its term in Приложение 2 and
the new edition in Приложение 1, or a subtitle the school leaves out). Candidates that close are
told apart the way a methodist does, by what the school's row says that only one of them fits
(:func:`tie_break`): the list number, the edition («12-е издание»), the level (базовый /
углублённый), the title's lead words, and the year of publication — a copy printed before the
order that included an edition cannot be that edition. When the row says nothing that separates
them, the row is left for a methodist with the alternatives, best guess first.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from catalogue.words import fold as words_fold
from catalogue.words import stemmer

ACCEPT = 0.72  # a best candidate scoring at least this, clear of the others, is a match
MARGIN = 0.08  # how far ahead of the second candidate the best one must be
NONE_BELOW = 0.35  # nothing scoring this much: the book is not in the list
ALTERNATIVES = 3
EPSILON = 1e-6  # scores are sums of rounded parts
SUBTITLE = 0.15  # weight of the book's title words the row has (schools drop subtitles)
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


_LEAD = re.compile(r"[:.;(]")
_EDITION = re.compile(r"(\d+)\s*-?\s*[а-я]{0,2}\s+изд", re.I)  # «12-е издание», «3-е изд.»
_BASIC = re.compile(r"\bбаз(\.|ов)", re.I)  # «базовый уровень», «баз. уровень»
_DEEP = re.compile(r"углубл", re.I)
_YEAR = re.compile(r"(19|20)\d\d")
_PARTS = re.compile(r"\bв\s+(\d+|двух|трех|четырех)\s+част", re.I)  # «(в 2 частях)»
_PART_WORDS = {"двух": 2, "трех": 3, "четырех": 4}
_OTHERS = re.compile(r"\bи\s+др\b|\bи\s+другие\b", re.I)  # «Виленкин Н.Я. и др.»


def lead_words(title: str) -> list[str]:
    """Words of the title's lead, before its first «:», «.», «;» or «(» («Мокшанский язык» of
    «Мокшанский язык. 1 класс…»); a school's «Учебник по физике для 10 класса» is all lead."""
    lead = _LEAD.split(title.replace("\u00a0", " "), maxsplit=1)[0]
    return list(dict.fromkeys(words(lead)))


def edition(title: str) -> int | None:
    """The edition a title names («12-е издание, переработанное» → 12), or None."""
    found = _EDITION.search(fold(title))
    return int(found.group(1)) if found else None


def levels(title: str) -> frozenset[str]:
    """The study levels a title names: ``basic``, ``deep`` (both for «базовый и углублённый
    уровни»), none when it names neither."""
    text = fold(title)
    return frozenset(
        name for name, pattern in (("basic", _BASIC), ("deep", _DEEP)) if pattern.search(text)
    )


def parts(title: str) -> int | None:
    """How many parts a title says the book has («в 2 частях», «в двух частях»), or None."""
    found = _PARTS.search(fold(title))
    if not found:
        return None
    word = found.group(1)
    return int(word) if word.isdigit() else _PART_WORDS[word]


def names_others(authors: str) -> bool:
    """Whether a school's «Автор(ы)» cell ends in «и др.»: the book has more authors."""
    return bool(_OTHERS.search(authors.replace("\u00a0", " ")))


def order_year(order: str) -> int | None:
    """The year of an order («От 21 сентября 2022 г. № 858» → 2022), or None."""
    found = _YEAR.search(order)
    return int(found.group(0)) if found else None


def _number(text: str) -> str:
    return re.sub(r"[\s\u00a0]", "", text).rstrip(".")


@lru_cache(maxsize=200_000)
def _similar(a: str, b: str) -> float:
    """How alike two folded words are (an abbreviation «матем.» matches the words it starts)."""
    if a.rstrip(".") == b.rstrip("."):  # «язык.» at the end of a sentence is «язык»
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


def _same_grades(mine: Sequence[str], theirs: Sequence[str]) -> float:
    """How alike two sets of grades are: a book for grade 5 fits a row «5» better than a
    book for grades 5-6 does."""
    if not mine or not theirs:
        return 0.0
    return len(set(mine) & set(theirs)) / len(set(mine) | set(theirs))


@dataclass(frozen=True)
class Book:
    """A federal-list textbook as the matcher sees it."""

    record_id: str
    title: str
    authors: tuple[str, ...]
    grades: tuple[str, ...]
    publisher: str
    list_number: str = ""
    appendix: str = ""
    order_year: int | None = None  # the year of the order that included it
    excluded: bool = False  # a newer list no longer has it
    valid_until: str = ""
    title_words: tuple[str, ...] = field(default=(), compare=False)
    people: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    publisher_words: tuple[str, ...] = field(default=(), compare=False)
    lead_words: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def of(
        cls,
        record_id: str,
        title: str,
        authors: Sequence[str],
        grades: Sequence[str],
        publisher: str,
        **list_fields: Any,
    ) -> Book:
        """A book with its words prepared for matching; ``list_fields``: ``list_number``,
        ``appendix``, ``order_year``, ``excluded``, ``valid_until``."""
        return cls(
            record_id,
            title,
            tuple(authors),
            tuple(grades),
            publisher,
            **list_fields,
            title_words=tuple(dict.fromkeys(words(title))),
            people=tuple(people(authors)),
            publisher_words=tuple(words(publisher, _PUBLISHER_STOP)),
            lead_words=tuple(lead_words(title)),
        )

    @property
    def preference(self) -> tuple[bool, bool, int, int]:
        """Sort key among books a row cannot tell apart: one still in the list, then
        Приложение 1 (Приложение 2 holds books kept only until a final term), the later term
        (none: the latest) and the later order first."""
        until = dt.date.fromisoformat(self.valid_until) if self.valid_until else dt.date.max
        return (self.excluded, self.appendix == "2", -until.toordinal(), -(self.order_year or 0))


Features = tuple[list[tuple[str, str]], list[str], list[str]]


@dataclass(frozen=True)
class Query:
    """One row of a school's list, as the matcher sees it."""

    title: str
    authors: tuple[str, ...]
    grades: tuple[str, ...]
    publisher: str = ""
    year: int | None = None  # the school's «год издания»
    list_number: str = ""  # the school's «№ в перечне», when it gives one
    others: bool = False  # the authors cell ends in «и др.»

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

    ``record_id`` is set when the best candidate is clear; ``alternatives`` are the best
    candidates, best first, whatever the outcome (for an ambiguous row, the books the row could
    not be told from come first, the likeliest first). ``outcome``: ``matched``, ``ambiguous``
    (a methodist chooses) or ``none`` (nothing in the list resembles the row). ``tied``: for an
    ambiguous row, the books still left after :func:`tie_break`.
    """

    outcome: str
    record_id: str
    confidence: float
    alternatives: tuple[Candidate, ...] = ()
    tied: tuple[str, ...] = ()


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
            # schools leave out) count little
            "title": (1 - SUBTITLE) * _coverage(title, book.title_words)
            + SUBTITLE * _coverage(book.title_words, title),
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
        if best.score < ACCEPT:
            return Match("ambiguous", "", best.score, top)
        if best.score - second >= MARGIN - EPSILON:
            return Match("matched", best.record_id, best.score, top)
        close = [c for c in found if best.score - c.score < MARGIN - EPSILON]
        kept = tie_break(query, [self.books[c.record_id] for c in close])
        ids = [b.record_id for b in kept]
        scores = {c.record_id: c for c in close}
        if len(kept) == 1 and scores[ids[0]].score >= ACCEPT:
            chosen = scores[ids[0]]
            others = tuple(c for c in found if c.record_id != chosen.record_id)
            return Match(
                "matched", chosen.record_id, chosen.score, (chosen, *others)[:ALTERNATIVES]
            )
        first = [scores[i] for i in ids]
        rest = [c for c in found if c.record_id not in ids]
        shown = (*first, *rest)[: max(ALTERNATIVES, len(first))]
        return Match("ambiguous", "", best.score, tuple(shown), tuple(ids))


def _best(books: list[Book], fit: Callable[[Book], float]) -> list[Book]:
    """The books fitting best (fits compared to three decimals)."""
    fits = [round(fit(b), 3) for b in books]
    top = max(fits)
    return [b for b, f in zip(books, fits, strict=True) if f == top]


def tie_break(query: Query, books: list[Book]) -> list[Book]:
    """Of books scoring alike for the row, those the row's own words still fit, the likeliest
    first (:attr:`Book.preference`).

    Each piece of evidence narrows the books to those fitting it, and is skipped when no book
    fits: the list number the school gives; the edition and the number of parts its title names;
    the level (базовый, углублённый); the title's lead words, then all its words; the authors,
    publisher and grades compared field by field; «и др.» after the authors (the book has more);
    and the year of publication — an edition included by an order
    later than the year after the copy was printed cannot be that copy, when another can.
    """
    names, title, publisher = query.features
    lead = lead_words(query.title)
    wanted_edition = edition(query.title)
    wanted_levels = levels(query.title)
    wanted_parts = parts(query.title)
    narrowing: list[Callable[[Book], bool]] = []
    if query.list_number:
        narrowing.append(lambda b: _number(b.list_number) == _number(query.list_number))
    if wanted_edition:
        narrowing.append(lambda b: edition(b.title) == wanted_edition)
    if wanted_parts:
        narrowing.append(lambda b: parts(b.title) == wanted_parts)
    if wanted_levels:  # the books naming the row's level, else those naming none
        narrowing.append(lambda b: wanted_levels <= levels(b.title))
        narrowing.append(lambda b: not levels(b.title))
    kept = books
    for fits in narrowing:
        kept = [b for b in kept if fits(b)] or kept
    fields: list[Callable[[Book], float]] = [
        lambda b: min(_coverage(lead, b.lead_words), _coverage(b.lead_words, lead)),
        lambda b: _coverage(title, b.title_words),
        lambda b: _people_fit(names, b.people),
        lambda b: _coverage(publisher, b.publisher_words) if publisher else 0.0,
        lambda b: _same_grades(query.grades, b.grades),
    ]
    for fit in fields:
        kept = _best(kept, fit)
    if query.others:
        kept = [b for b in kept if len(b.people) > len(names)] or kept
    if query.year:
        year = query.year
        kept = [b for b in kept if b.order_year is None or b.order_year <= year + 1] or kept
    return sorted(kept, key=lambda b: b.preference)
