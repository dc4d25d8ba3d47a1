"""Controlled vocabularies: subjects, grades, levels, resource types, categories…

Each vocabulary is a TOML data file in ``catalogue/vocab/`` (editable by the office) with
``[[term]]`` tables: ``name`` (the canonical value), optional ``synonyms`` and any extra keys.
Lookups ignore case, ё/е and surrounding punctuation, so «обж», «ОБЖ» and «О.Б.Ж» resolve alike.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

VOCAB_DIR = Path(__file__).parent / "vocab"

NAMES = (
    "subjects",
    "grades",
    "levels",
    "resource_types",
    "categories",
    "statuses",
    "kinds",
    "audiences",
    "media_formats",
)


def fold(text: str) -> str:
    """Fold a value for lookup: lower case, ё→е, dots and extra spaces removed."""
    text = text.lower().replace("ё", "е").replace(".", " ")
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Term:
    """One vocabulary entry."""

    name: str
    synonyms: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def code(self) -> str:
        """The stored value: ``code`` if the vocabulary has one, else the name."""
        return str(self.extra.get("code", self.name))

    @property
    def label(self) -> str:
        """The displayed value: ``label`` if the vocabulary has one, else the name."""
        return str(self.extra.get("label", self.name))


class Vocabulary:
    """An ordered set of terms with synonym-aware lookup."""

    def __init__(self, name: str, terms: list[Term]):
        self.name = name
        self.terms = terms
        self._lookup: dict[str, Term] = {}
        for term in terms:
            for key in (term.name, term.code, term.label, *term.synonyms):
                self._lookup.setdefault(fold(key), term)

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        """Read a vocabulary from a TOML file of ``[[term]]`` tables."""
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        terms = []
        for raw in data.get("term", []):
            raw = dict(raw)
            name = raw.pop("name")
            synonyms = tuple(raw.pop("synonyms", ()))
            terms.append(Term(name, synonyms, raw))
        return cls(path.stem, terms)

    def resolve(self, value: str) -> Term | None:
        """The term a value (name, code, label or synonym) stands for, or None."""
        return self._lookup.get(fold(str(value)))

    def codes(self) -> list[str]:
        """Stored values in vocabulary order."""
        return [t.code for t in self.terms]

    def label(self, code: str) -> str:
        """Display label of a stored value (the value itself when unknown)."""
        term = self.resolve(code)
        return term.label if term else code

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and self.resolve(value) is not None

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)


@cache
def get(name: str) -> Vocabulary:
    """The vocabulary called ``name`` (one of :data:`NAMES`), loaded once per process."""
    if name not in NAMES:
        raise KeyError(name)
    return Vocabulary.load(VOCAB_DIR / f"{name}.toml")


def levels_for_grades(grades: list[str]) -> list[str]:
    """Education levels (ДО, НОО, ООО, СОО) that a list of grade codes belongs to."""
    found = []
    for term in get("levels"):
        if any(g in term.extra.get("grades", []) for g in grades):
            found.append(term.name)
    return found
