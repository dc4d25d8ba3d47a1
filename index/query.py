"""The query language: what a methodist types, turned into a Whoosh query.

- words, all required (``AND``); ``"фраза в кавычках"``; ``ИЛИ``/``OR``; ``НЕ``/``NOT``/``-слово``;
- fields with Russian or English names: ``предмет:``, ``класс:``, ``автор:``, ``тип:``,
  ``год:`` (``год:2020..2023``), ``школа:``, ``статус:``, ``вид:``, ``название:``, ``уровень:``;
- grade notations anywhere: «5 класс», «5-й класс», «5-й», «V класс», «5–7 классы»;
- abbreviations and their full forms find each other (``index/synonyms.toml``).

Nothing here raises on odd input: syntax the parser cannot read is searched as plain words.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

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

from catalogue import vocabularies
from index.analysis import words as analysed
from index.schema import FIELD_BOOSTS, TEXT_FIELDS

GRADE_MIN, GRADE_MAX = 1, 11
PROXIMITY_FIELDS = ("title", "filename", "annotation", "content")
PROXIMITY_SLOP, PROXIMITY_BOOST = 3, 2.0
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
}
_ENDING = r"(?:-?(?:й|ый|ой|го|ого|м|ом))?"
_NUM = r"(\d{1,2}|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"
GRADE_RANGE = re.compile(
    rf"(?<!\w){_NUM}{_ENDING}\s*(?:[-–—]|по|\.\.)\s*{_NUM}{_ENDING}\s+класс\w*", re.I
)
GRADE_ONE = re.compile(rf"(?<!\w){_NUM}{_ENDING}\s+класс\w*", re.I)
GRADE_SUFFIX = re.compile(r"(?<![\w№])(\d{1,2})-(?:й|ый|го|ого|м|ом)(?!\w)", re.I)
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
    """A query taken apart: free text for the parser plus required field/grade clauses."""

    text: str
    clauses: list[wq.Query] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # human-readable parts, e.g. «класс: 5»

    @property
    def words(self) -> list[str]:
        """The plain words of the free text (no operators), for spelling and layout checks."""
        return [w for w in re.findall(r"\w+", self.text) if w not in OPERATORS]


def grade_number(token: str) -> int | None:
    """5 for «5», «V» or «5-й»; None when it is not a school grade."""
    token = token.upper().split("-")[0]
    number = ROMAN.get(token) if token in ROMAN else int(token) if token.isdigit() else None
    return number if number is not None and GRADE_MIN <= number <= GRADE_MAX else None


def grade_clause(grades: list[int]) -> wq.Query:
    """Records of these grades, by metadata or by «N класс» in the title, file name or text."""
    parts: list[wq.Query] = [wq.Term("grade", str(g)) for g in grades]
    for g in grades:
        for name in ("title", "annotation", "filename", "content"):
            parts.append(wq.Phrase(name, [str(g), *analysed("класс")]))
    return wq.Or(parts)


def _grades_in(match: re.Match[str]) -> list[int]:
    found = [grade_number(g) for g in match.groups() if g]
    numbers = [n for n in found if n is not None]
    if len(numbers) == 2 and numbers[0] <= numbers[1]:
        return list(range(numbers[0], numbers[1] + 1))
    return numbers


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
        bounds = re.split(r"\s*(?:\.\.|[-–—])\s*", value)
        found = [grade_number(b) for b in bounds if b]
        numbers = [n for n in found if n is not None]
        if len(numbers) == 2:
            numbers = list(range(min(numbers), max(numbers) + 1))
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
def synonym_groups() -> list[tuple[list[str], list[list[str]]]]:
    """Synonym groups from ``index/synonyms.toml``: members and their analysed word sequences,
    longest first."""
    data = tomllib.loads((Path(__file__).parent / "synonyms.toml").read_text(encoding="utf-8"))
    groups = []
    for members in data["groups"]:
        sequences = [seq for seq in (analysed(m) for m in members) if seq]
        groups.append((members, sorted(sequences, key=len, reverse=True)))
    return groups


def plan(query: str) -> Plan:
    """Take a query apart into free text and required clauses (fields, grades)."""
    clauses: list[wq.Query] = []
    notes: list[str] = []

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

    def take_grades(match: re.Match[str]) -> str:
        grades = _grades_in(match)
        if not grades:
            return match.group(0)
        clauses.append(grade_clause(grades))
        notes.append("класс: " + ", ".join(map(str, grades)))
        return " "

    text = EDITOR.sub(" ", FIELD.sub(take_field, query))
    for pattern in (GRADE_RANGE, GRADE_ONE, GRADE_SUFFIX):
        text = pattern.sub(take_grades, text)
    text = re.sub(r"(?<!\w)ИЛИ(?!\w)", "OR", text)
    text = re.sub(r"(?<!\w)НЕ(?!\w)", "NOT", text)
    text = re.sub(r"(?<!\w)И(?!\w)", "AND", text)
    text = re.sub(r'(^|[\s(])-(?=[\w"])', r"\1NOT ", text)
    text = _expand_synonyms(text)
    return Plan(text=" ".join(text.split()), clauses=clauses, notes=notes)


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

    Field and grade clauses are required, unless ``optional_clauses`` (or the loosened
    any-word ``group``) makes them only add score.
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
    if not parts:
        return wq.Every()
    if len(parts) == 1:
        combined = parts[0]
    elif optional_clauses and parsed is not None:
        combined = wq.AndMaybe(parsed, wq.Or(the_plan.clauses))
    else:
        combined = wq.Or(parts) if group is not AndGroup else wq.And(parts)
    bonus = proximity_bonus(text)
    return wq.AndMaybe(combined, bonus) if bonus is not None else combined


def proximity_bonus(text: str) -> wq.Query | None:
    """Extra score for records where the words of a plain multi-word query stand together."""
    if re.search(r'["()*?^]', text) or OPERATORS & set(text.split()):
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
