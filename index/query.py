"""The query language: what a methodist types, turned into a Whoosh query.

- words: a record must hold all of one or two, most of a longer question (see
  :mod:`index.ranking`); question words («как», «где», «что такое», «найти»…) do not count;
- ``"фраза в кавычках"``; ``ИЛИ``/``OR``; ``НЕ``/``NOT``/``-слово`` (with these, all words are
  required);
- fields with Russian or English names: ``предмет:``, ``класс:``, ``автор:``, ``тип:``,
  ``год:`` (``год:2020..2023``), ``школа:``, ``статус:``, ``вид:``, ``название:``, ``уровень:``;
- fields filter; grades named in the text («для 10 класса», «5-й», «V класс», «5–7 классы»,
  «в первый класс», see :mod:`catalogue.grades`) are evidence, one more word of the query;
  a kind of document («рабочую программу») or a subject («по истории») named in the text is
  a preference for records of that kind and subject (:mod:`index.ranking`);
- abbreviations and their full forms find each other (``index/synonyms.toml``).

Nothing here raises on odd input: syntax the parser cannot read is searched as plain words.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import (
    AndGroup,
    FieldsPlugin,
    MultifieldParser,
    QueryParser,
    RangePlugin,
)
from whoosh.qparser.syntax import GroupNode

from catalogue import grades, vocabularies
from catalogue.ingest.suggest import names_subject
from index.analysis import words as analysed
from index.ranking import DOCUMENT_TYPE_SHARE, ORDINAL_SHARE, PLACE_SHARE, Unit
from index.schema import FIELD_BOOSTS, TEXT_FIELDS

PROXIMITY_FIELDS = ("title", "filename", "annotation", "content")
PROXIMITY_SLOP, PROXIMITY_BOOST = 3, 2.0
SEARCH_GRADES = (grades.CLASS, grades.SUFFIX)  # how a grade is written in a query
SCHOOL_GRADES = range(1, 12)
PLAIN = re.compile(r'["()*?^]')
CYRILLIC_WORD = re.compile(r"[а-яё]+", re.I)
FIELD = re.compile(r'(?<![\w"])([A-Za-zА-Яа-яЁё]+):("[^"]*"?|[^\s()"]+)')
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
# «под редакцией Иванова»: the words naming the role say nothing about the book.
EDITOR = re.compile(r"(?<!\w)под\s+(?:общей\s+|научной\s+)?ред(?:акцией|\.)?(?!\w)", re.I)

# name typed by the user -> (index field, how the value is read)
FIELDS: dict[str, tuple[str, str]] = {}
for _names, _target in (
    (("предмет", "subject"), ("subject", "subjects")),
    (("класс", "grade"), ("grade", "grade")),
    (("автор", "authors", "author"), ("authors", "text")),
    (("тип", "type"), ("resource_type", "resource_types")),
    (("год", "year"), ("year", "year")),
    (("школа", "организация", "school", "organisation", "org"), ("org_text", "text")),
    (("статус", "status"), ("status", "statuses")),
    (("вид", "kind"), ("kind", "kinds")),
    (("уровень", "level"), ("level", "levels")),
    (("название", "title"), ("title", "text")),
    (("аннотация", "annotation"), ("annotation", "text")),
    (("ключевые", "keywords", "keyword", "теги"), ("keywords", "text")),
    (("текст", "text", "content"), ("content", "text")),
):
    for _name in _names:
        FIELDS[_name] = _target


@dataclass
class Plan:
    """A query taken apart: free text for the parser, required field clauses and the grades
    the text names (which only add score)."""

    text: str
    clauses: list[wq.Query] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # human-readable parts, e.g. «класс: 5»
    grades: list[int] = field(default_factory=list)
    plain: bool = False  # plain words only (no quotes, groups, wildcards or operators)

    @property
    def words(self) -> list[str]:
        """The plain words of the free text (no operators), for spelling and layout checks."""
        return [w for w in re.findall(r"\w+", self.text) if w not in OPERATORS]


def grade_number(token: str) -> int | None:
    """5 for «5», «V», «5-й» or «пятый»; None when it is not a school grade (1–11)."""
    number = grades.grade_number(token)
    return number if number in SCHOOL_GRADES else None


def grade_clause(numbers: list[int]) -> wq.Query:
    """Records of these grades, by metadata or by «N класс» / «N-й класс» / «пятый класс» in
    the title, file name or text."""
    parts: list[wq.Query] = [wq.Term("grade", str(g)) for g in numbers]
    grade_word = analysed("класс")
    for g in numbers:
        for name in ("title", "annotation", "filename", "content"):
            parts.append(wq.Phrase(name, [str(g), *grade_word]))
            parts.append(wq.Phrase(name, [*analysed(grades.ORDINAL_WORDS[g]), *grade_word]))
    return wq.Or(parts)


def _value_clause(target: str, how: str, value: str) -> wq.Query | None:
    value = value.strip('"').strip()
    if not value:
        return None
    if how == "text":
        terms = analysed(value)
        if not terms:
            return None
        return wq.And([wq.Term(target, t) for t in terms])
    if how == "grade":
        numbers = [n for n in grades.grades_in(value, (grades.BARE,)) if n in SCHOOL_GRADES]
        term = vocabularies.get("grades").resolve(value)
        if value.lower() in ("до", "дошкольное", "спо") and term is not None:
            return wq.Term("grade", term.code)
        return grade_clause(numbers) if numbers else None
    if how == "year":
        years = re.findall(r"\d{4}", value)
        if len(years) == 2 or (len(years) == 1 and (".." in value or "-" in value)):
            low = years[0] if not value.startswith(("..", "-")) else None
            high = years[1] if len(years) == 2 else (years[0] if low is None else None)
            return wq.TermRange("year", low, high)
        return wq.Term("year", years[0]) if years else None
    term = vocabularies.get(how).resolve(value)
    if term is not None:
        return wq.Term(target, term.code)
    words = analysed(value)  # not in the vocabulary: look for the words anywhere
    if not words:
        return None
    return wq.And([wq.Or([wq.Term(name, w) for name in TEXT_FIELDS]) for w in words])


def _expand_synonyms(text: str) -> str:
    """Replace each abbreviation or full form found in free text by a group of all forms."""
    tokens = []  # (start, end, stem) of every word that survives analysis
    for match in re.finditer(r"\w+", text):
        stems = analysed(match.group())
        if stems and not _inside_quotes(text, match.start()):
            tokens.append((match.start(), match.end(), stems[0]))
    stems = [t[2] for t in tokens]
    out, last, i = [], 0, 0
    while i < len(tokens):
        found = next(
            (
                (members, len(seq))
                for members, sequences in synonym_groups()
                for seq in sequences
                if stems[i : i + len(seq)] == seq
            ),
            None,
        )
        if found is None:
            i += 1
            continue
        members, n = found
        alternatives = " OR ".join(f'"{m}"' if re.search(r"\W", m) else m for m in members)
        out.append(text[last : tokens[i][0]] + f"({alternatives})")
        last = tokens[i + n - 1][1]
        i += n
    out.append(text[last:])
    return "".join(out)


def _inside_quotes(text: str, position: int) -> bool:
    return text[:position].count('"') % 2 == 1


@cache
def _synonyms_file() -> dict[str, Any]:
    return tomllib.loads((Path(__file__).parent / "synonyms.toml").read_text(encoding="utf-8"))


@cache
def synonym_groups() -> list[tuple[list[str], list[list[str]]]]:
    """Synonym groups from ``index/synonyms.toml``: members and their analysed word sequences,
    longest first."""
    groups = []
    for members in _synonyms_file()["groups"]:
        sequences = [seq for seq in (analysed(m) for m in members) if seq]
        groups.append((members, sorted(sequences, key=len, reverse=True)))
    return groups


def plan(query: str) -> Plan:
    """Take a query apart into free text, required field clauses and the grades it names."""
    clauses: list[wq.Query] = []
    notes: list[str] = []
    named: list[int] = []

    def take_field(match: re.Match[str]) -> str:
        name, value = match.group(1).lower(), match.group(2)
        if name not in FIELDS:
            return f"{match.group(1)} {value}"
        target, how = FIELDS[name]
        clause = _value_clause(target, how, value)
        if clause is None:
            return value.strip('"')
        clauses.append(clause)
        notes.append(f"{name}: {value.strip(chr(34))}")
        return " "

    text = EDITOR.sub(" ", FIELD.sub(take_field, query))
    kept, last = [], 0
    for mention in grades.mentions(text, SEARCH_GRADES):
        numbers = [g for g in mention.grades if g in SCHOOL_GRADES]
        if numbers and not _inside_quotes(text, mention.start):
            kept.append(text[last : mention.start])
            last = mention.end
            named += [g for g in numbers if g not in named]
            notes.append("класс: " + ", ".join(map(str, numbers)))
    text = " ".join([*kept, text[last:]])
    text = re.sub(r"(?<!\w)ИЛИ(?!\w)", "OR", text)
    text = re.sub(r"(?<!\w)НЕ(?!\w)", "NOT", text)
    text = re.sub(r"(?<!\w)И(?!\w)", "AND", text)
    text = re.sub(r'(^|[\s(])-(?=[\w"])', r"\1NOT ", text)
    text = _without_question_words(text)
    plain = is_plain(text)
    text = _expand_synonyms(text)
    return Plan(" ".join(text.split()), clauses, notes, named, plain)


def _without_question_words(text: str) -> str:
    """The text without the words that only make it a question («как», «где найти»…), unless
    nothing else is left."""
    if is_plain(text):
        rest = [w for w in text.split() if w.lower().strip("?!.,") not in question_words()]
        if rest and re.search(r"\w", " ".join(rest)):
            return " ".join(rest)
    return text


def is_plain(text: str) -> bool:
    """Whether ``text`` is plain words (no quotes, groups, wildcards or operators)."""
    return not PLAIN.search(text) and not OPERATORS & set(text.split())


@cache
def question_words() -> frozenset[str]:
    """Words that make a query a question and say nothing about the records sought."""
    return frozenset(w.lower() for w in _synonyms_file()["question_words"])


def units(the_plan: Plan, schema: Any) -> list[Unit]:
    """The query's meaningful parts for :mod:`index.ranking`: each word or synonym group of a
    plain text (an ordinal word and a part of a work beside it — «первой части» — weigh
    little; a word naming a kind of document or a subject carries it), then the grades it
    names; empty when the text uses operators or quotes."""
    if not the_plan.plain:
        return []
    chunks = re.findall(r"\([^()]*\)|[^\s()]+", the_plan.text)
    typed = _named_chunks(chunks, document_type_words())
    subjects = _named_chunks(chunks, subject_words())
    ordinals = {n for n, chunk in enumerate(chunks) if _ordinal(chunk)}
    places = _places(chunks, ordinals)
    found: list[Unit] = []
    p = parser(schema)
    for n, chunk in enumerate(chunks):
        if n in places.values():
            continue  # the part of a work beside an ordinal: one place with it
        try:
            parsed = p.parse(_place(chunk, chunks[places[n]]) if n in places else chunk)
        except Exception:
            continue
        if parsed is wq.NullQuery or any(u.query == parsed for u in found):
            continue
        share, fits = 1.0, frozenset[str]()
        if n in places:
            share = PLACE_SHARE
        elif n in ordinals:
            share = ORDINAL_SHARE
        elif n in typed:
            share, fits = DOCUMENT_TYPE_SHARE, typed[n]
        where = n in places or n in ordinals
        found.append(
            Unit(parsed, share, kinds=fits, subjects=subjects.get(n, frozenset()), where=where)
        )
    if the_plan.grades:
        found.append(Unit(grade_clause(the_plan.grades), fact=True))
    return found


def _places(chunks: list[str], ordinals: set[int]) -> dict[int, int]:
    """The ordinals standing beside a word naming a part of a work («первой части», «глава
    вторая»): the ordinal's position with the part word's."""
    found: dict[int, int] = {}
    for n in sorted(ordinals):
        for m in (n + 1, n - 1):
            beside = 0 <= m < len(chunks) and m not in ordinals and m not in found.values()
            if beside and tuple(analysed(chunks[m])) in part_words():
                found[n] = m
                break
    return found


def _place(ordinal: str, part: str) -> str:
    """The query of a place in a work: the ordinal and the part word side by side, in either
    order; a division of a work finds the others («первой части»: «глава первая» too)."""
    named = [part]
    if tuple(analysed(part)) in divisions():
        named = sorted(_synonyms_file()["divisions"])
    return " OR ".join(f'"{ordinal} {word}" OR "{word} {ordinal}"' for word in named)


def _ordinal(chunk: str) -> bool:
    """Whether a chunk is an ordinal word («первой», «пятый»)."""
    return bool(CYRILLIC_WORD.fullmatch(chunk)) and grades.grade_number(chunk) is not None


@cache
def part_words() -> frozenset[tuple[str, ...]]:
    """Analysed words naming a part of a work («часть», «глава»): next to an ordinal they
    weigh as little as it does."""
    return frozenset(tuple(analysed(w)) for w in _synonyms_file()["part_words"])


@cache
def divisions() -> frozenset[tuple[str, ...]]:
    """Analysed words naming a division of a work («часть», «глава», «раздел»): next to an
    ordinal, each also finds the others."""
    return frozenset(tuple(analysed(w)) for w in _synonyms_file()["divisions"])


@cache
def document_type_words() -> dict[tuple[str, ...], frozenset[str]]:
    """Analysed words naming a kind of document («рабочая программа», «положение», «тест»):
    the resource types and record kinds of the vocabularies, with their synonyms; each with
    the record kinds it fits (a working programme is a methodical material, a textbook a
    media-library record)."""
    found: dict[tuple[str, ...], set[str]] = {}
    for vocabulary in ("resource_types", "kinds"):
        for term in vocabularies.get(vocabulary).terms:
            fits = (
                term.extra.get("kinds", [term.code])
                if vocabulary == "resource_types"
                else [term.code]
            )
            for name in (term.name, *term.synonyms):
                seq = tuple(analysed(name))
                if seq:
                    found.setdefault(seq, set()).update(fits)
    return {seq: frozenset(kinds) for seq, kinds in found.items()}


@cache
def subject_words() -> dict[tuple[str, ...], frozenset[str]]:
    """Analysed names of the subjects («истории», «обществознанию», «психолога») and those of
    their synonyms that name a subject on their own in running text (not «русский» alone:
    «русские земли», nor «проект»; :func:`catalogue.ingest.suggest.names_subject`), each with
    the subject it names."""
    found: dict[tuple[str, ...], set[str]] = {}
    for term in vocabularies.get("subjects").terms:
        for name in (term.name, *term.synonyms):
            seq = tuple(analysed(name))
            if seq and (name == term.name or names_subject(name)):
                found.setdefault(seq, set()).add(term.code)
    return {seq: frozenset(codes) for seq, codes in found.items()}


def _named_chunks(
    chunks: list[str], table: dict[tuple[str, ...], frozenset[str]]
) -> dict[int, frozenset[str]]:
    """Positions of the chunks that name an entry of ``table`` (a synonym group with such a
    member, or words in a row that together name one: «контрольная работа»), each with what
    the table gives for it."""
    longest = max(map(len, table), default=0)
    stems: list[tuple[str, ...]] = []
    named: dict[int, frozenset[str]] = {}
    for n, chunk in enumerate(chunks):
        members = [tuple(analysed(m.strip('"'))) for m in chunk.strip("()").split(" OR ")]
        found = frozenset().union(*(table[m] for m in members if m in table))
        if chunk.startswith("(") and found:
            named[n] = found
        stems.append(tuple(analysed(chunk)) if not chunk.startswith("(") else ())
    for start in range(len(chunks)):
        for size in range(min(longest, len(chunks) - start), 0, -1):
            words = tuple(w for stem in stems[start : start + size] for w in stem)
            if all(stems[start : start + size]) and words in table:
                named.update(dict.fromkeys(range(start, start + size), table[words]))
                break
    return named


def parser(schema: Schema, group: type[GroupNode] = AndGroup) -> QueryParser:
    """The parser for free text over the weighted text fields (field syntax is ours)."""
    p = MultifieldParser(list(TEXT_FIELDS), schema, fieldboosts=FIELD_BOOSTS, group=group)
    p.remove_plugin_class(FieldsPlugin)
    p.remove_plugin_class(RangePlugin)
    return p


def to_query(
    the_plan: Plan,
    schema: Schema,
    group: type[GroupNode] = AndGroup,
    optional_clauses: bool = False,
) -> wq.Query:
    """The Whoosh query of a plan; unreadable syntax falls back to plain words.

    Field clauses are required, unless ``optional_clauses`` (or the loosened any-word
    ``group``) makes them only add score; grades named in the text only add score.
    """
    text = the_plan.text
    parsed: wq.Query | None = None
    if re.search(r"\w", text):
        p = parser(schema, group)
        try:
            parsed = p.parse(text)
        except Exception:
            parsed = p.parse(" ".join(re.findall(r"\w+", text)))
        if parsed is wq.NullQuery:
            parsed = None
    parts = ([parsed] if parsed is not None else []) + the_plan.clauses
    named = grade_clause(the_plan.grades) if the_plan.grades else None
    if not parts:
        return named if named is not None else wq.Every()
    if len(parts) == 1:
        combined = parts[0]
    elif optional_clauses and parsed is not None:
        combined = wq.AndMaybe(parsed, wq.Or(the_plan.clauses))
    else:
        combined = wq.Or(parts) if group is not AndGroup else wq.And(parts)
    if named is not None:
        combined = wq.AndMaybe(combined, named)
    bonus = proximity_bonus(text)
    return wq.AndMaybe(combined, bonus) if bonus is not None else combined


def proximity_bonus(text: str) -> wq.Query | None:
    """Extra score for records where the words of a plain multi-word query stand together."""
    if not is_plain(text):
        return None
    terms = analysed(text)
    if len(terms) < 2:
        return None
    return wq.Or(
        [
            wq.Phrase(name, terms, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST * weight)
            for name, weight in FIELD_BOOSTS.items()
            if name in PROXIMITY_FIELDS
        ]
    )
