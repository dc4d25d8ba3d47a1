"""Metadata suggestions from a document: title, authors, year, subjects, grades, levels,
resource type and organisation.

Suggestions come from the document's declared properties and its text, matched through the
vocabularies (synonyms included). They are only suggestions: :func:`apply` fills *empty* fields
and records every suggested value in ``record.suggested`` so the methodist can see and confirm
what the import guessed (the record stays a draft).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import PurePath
from typing import Any

from catalogue import grades, vocabularies
from catalogue.ingest.titles import DOC_TYPES, suggest_title
from catalogue.records import RecordT
from catalogue.words import fold

__all__ = ["apply", "suggest", "suggest_title"]

HEAD_CHARS = 6000  # how much of the text is read for grades, year, organisation
SUBJECT_CHARS = 30000
MIN_SUBJECT_SCORE = 4.0  # below this the text says too little about any subject
SECOND_SUBJECT = 0.6  # a second subject is suggested when it scores this share of the first
_NAME_INITIALS = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+[А-ЯЁ]\.\s?[А-ЯЁ]\."
_NAME_FULL = r"[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+(?:вна|вич|чна|ична|ьич)"
_INITIALS_NAME = r"[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+"
_PERSON = re.compile(f"({_NAME_FULL}|{_NAME_INITIALS}|{_INITIALS_NAME})")
_AUTHOR_CUE = re.compile(
    r"(?:автор\w*|составител\w*|разработ\w*|подготовил\w*|выполнил\w*|провел\w*|"
    r"учитель|воспитатель|педагог|музыкальный руководитель)[^\n]{0,80}",
    re.I,
)
_BAD_AUTHORS = re.compile(
    r"^(user|admin|пользователь|microsoft|windows|учитель|школа|"
    r"computer|комп|home|1|ПК)",
    re.I,
)
_SCHOOL_YEAR = re.compile(
    r"\b(20[0-4]\d)\s*[-–—/]\s*(?:20)?[0-4]\d\s*(?:уч\w*\.?\s*)?г(?:од|\.)", re.I
)
_YEAR = re.compile(r"\b(19[6-9]\d|20[0-4]\d)\s*(?:г\.|год)")
_PRESCHOOL = re.compile(
    r"дошкольн|детск\w+ сад|\bдоу\b|воспитанник|младш\w+ групп|"
    r"старш\w+ групп|подготовительн\w+ групп|средн\w+ групп",
    re.I,
)
_LEVEL_PHRASES = {
    "НОО": re.compile(r"начального общего образования", re.I),
    "ООО": re.compile(r"основного общего образования", re.I),
    "СОО": re.compile(r"среднего общего образования", re.I),
}
_ORGANISATION = re.compile(
    r"((?:МБОУ|МАОУ|МКОУ|ГБОУ|ГАОУ|МОУ|МБДОУ|МАДОУ|МКДОУ|МДОУ|ГБПОУ|ГАПОУ|МБУ\s?ДО|МАУ\s?ДО|"
    r"ЧОУ|АНО)\b[^\n;]{3,100}|"
    r"(?:[Мм]униципальное|[Гг]осударственное)\s+(?:бюджетное|автономное|казённое|казенное)"
    r"[^\n«]{0,80}«[^»\n]{2,80}»(?:[^\n«»]{0,60}?(?:района|округа|РБ|области|края|г\.\s?\w+))?)"
)
# resource type -> cues (regular expressions over the folded title / head of the text)
_TYPE_CUES: list[tuple[str, str]] = [
    ("Технологическая карта урока", r"технологическ\w+ карт"),
    ("Календарно-тематическое планирование", r"календарно[- ]тематическ|\bктп\b"),
    (
        "Рабочая программа",
        r"рабоч\w+ программ|программ\w+ (?:курса|учебного|внеурочн|"
        r"дополнительн|воспитани)|образовательн\w+ программ",
    ),
    (
        "Конспект урока",
        r"конспект|разработк\w+ урок|план[- ]урок|\bурок\w*\b|\bзанят\w+\b|"
        r"\bнод\b|\bоод\b",
    ),
    (
        "Контрольно-измерительные материалы",
        r"контрольн\w+ работ|проверочн\w+ работ|"
        r"диагностическ\w+ работ|\bтест\w*\b|\bким\b|"
        r"демонстрационн\w+ вариант|кодификатор|"
        r"спецификаци|олимпиад|экзаменационн|\bегэ\b|"
        r"\bогэ\b|\bвпр\b|аттестационн\w+ материал",
    ),
    ("Положение", r"\bположени[ея]\b|\bпорядок\b|\bправила\b|\bрегламент"),
    (
        "Методические рекомендации",
        r"рекомендаци|памятк|методическ\w+ (?:указани|пособи)|"
        r"консультаци\w+ для",
    ),
    (
        "Сценарий мероприятия",
        r"сценари|классн\w+ час|праздник|развлечени|внеклассн\w+ "
        r"мероприяти|родительск\w+ собрани|викторин",
    ),
    ("Проект", r"\bпроект\w*\b|исследовательск\w+ работ|пояснительн\w+ записк"),
    ("Статья", r"\bстать[яи]\b|из опыта работы|\bдоклад\b|выступлени"),
    ("Дидактический материал", r"рабоч\w+ лист|карточк|раздаточн|дидактическ"),
]
_SLIDE_FORMATS = {".ppt", ".pptx", ".odp"}


def suggest_authors(text: str, meta: dict[str, Any]) -> list[str]:
    """People named near «автор», «составитель», «учитель»…; else the declared author."""
    found: list[str] = []
    for cue in _AUTHOR_CUE.finditer(text[:HEAD_CHARS]):
        for person in _PERSON.findall(cue.group(0)):
            person = " ".join(person.split())
            if person not in found:
                found.append(person)
    if not found:
        declared = " ".join(str(meta.get("author") or "").split())
        if (
            declared
            and not _BAD_AUTHORS.match(declared)
            and re.fullmatch(r"[А-ЯЁ][а-яё]+(?:[ .]+[А-ЯЁа-яё]+\.?){0,2}", declared)
        ):
            found.append(declared)
    return found[:5]


def suggest_year(text: str, meta: dict[str, Any]) -> int | None:
    """A school year («2021–2022 учебный год») or a dated year in the text, else the file's."""
    head = text[:HEAD_CHARS]
    for pattern in (_SCHOOL_YEAR, _YEAR):
        years = Counter(int(y) for y in pattern.findall(head))
        if years:
            return years.most_common(1)[0][0]
    year = meta.get("year")
    return year if isinstance(year, int) and 1990 <= year <= 2100 else None


def suggest_grades(title: str, text: str) -> list[str]:
    """Grades named in the title, else the grades the text names most often."""

    def grades_in(fragment: str) -> Counter[str]:
        found: Counter[str] = Counter()
        for mention in grades.mentions(fragment, (grades.CLASS,)):
            found.update(str(g) for g in mention.grades)
        if _PRESCHOOL.search(fragment):
            found["ДО"] += len(_PRESCHOOL.findall(fragment))
        return found

    in_title = grades_in(title)
    if in_title:
        return _order_grades(in_title)
    counts = grades_in(text[:HEAD_CHARS])
    if not counts:
        return []
    top = counts.most_common(1)[0][1]
    return _order_grades(Counter({g: n for g, n in counts.items() if n * 2 >= top}))


def _order_grades(counts: Counter[str]) -> list[str]:
    codes = vocabularies.get("grades").codes()
    return [code for code in codes if code in counts][:11]


def suggest_levels(text: str) -> list[str]:
    """Levels named in the text («основного общего образования» → ООО)."""
    head = text[:HEAD_CHARS]
    return [level for level, pattern in _LEVEL_PHRASES.items() if pattern.search(head)]


def _stem(word: str) -> str:
    """A crude stem that still tells subjects apart («физик» — not «физическое»)."""
    return word[:-1] if len(word) <= 5 else word[: max(5, len(word) - 2)]


def names_subject(value: str) -> bool:
    """Whether a subject's name or synonym names it on its own in running text (a title, a
    document, a question): not a short word unless an acronym (ИЗО, ОБЖ, ИКТ); not a lone
    adjective, «-ние» noun or kind of document («русский», «воспитание», «проект»), which say
    little without their noun («русские земли»)."""
    words = fold(value).replace(".", " ").split()
    if len(words) == 1 and len(words[0]) < 5:
        return value.isupper() and len(value) >= 3
    return not (
        len(words) == 1
        and (re.search(r"(ий|ый|ой|ние)$", words[0]) is not None or DOC_TYPES.match(words[0]))
    )


@cache
def _subject_patterns() -> list[tuple[str, re.Pattern[str] | None, list[re.Pattern[str]]]]:
    """Per subject: one pattern for its name and synonyms, one per cue word of its texts."""
    patterns = []
    for term in vocabularies.get("subjects"):
        alternatives = []
        for value in (term.name, *term.synonyms):
            if not names_subject(value):
                continue
            words = fold(value).replace(".", " ").split()
            if len(words) == 1 and len(words[0]) < 5:  # ИЗО, ОБЖ, ИКТ, ОРКСЭ: exact acronyms
                alternatives.append(rf"\b{re.escape(words[0])}\b")
                continue
            stems = [re.escape(_stem(w)) + r"\w*" for w in words]
            alternatives.append(r"\b" + r"\s+".join(stems))
        names = re.compile("|".join(alternatives)) if alternatives else None
        cues = [
            re.compile(r"\b" + re.escape(fold(cue)).replace(r"\ ", r"\w*\s+") + r"\w*")
            for cue in term.extra.get("cues", [])
        ]
        patterns.append((term.code, names, cues))
    return patterns


def _subject_score(
    names: re.Pattern[str] | None, cues: list[re.Pattern[str]], title: str, text: str
) -> float:
    """How strongly a title and a text speak of one subject: its name counts most (in the
    title above all); each cue word counts with diminishing weight for repeats, so a text
    that touches many of a subject's words outweighs one that repeats a single word."""
    score = 0.0
    if names is not None:
        score += 10 * len(names.findall(title)) + 3 * min(len(names.findall(text)), 10)
    for cue in cues:
        score += 3 * bool(cue.search(title)) + min(len(cue.findall(text)), 25) ** 0.5
    return score


def suggest_subjects(title: str, text: str) -> list[str]:
    """The subjects of the vocabulary whose names, synonyms and cue words dominate the title
    and the first pages: the best one, and a second one close to it."""
    title_f, text_f = fold(title), fold(text[:SUBJECT_CHARS])
    scores = {
        code: _subject_score(names, cues, title_f, text_f)
        for code, names, cues in _subject_patterns()
    }
    ranked = sorted(((s, code) for code, s in scores.items() if s > 0), reverse=True)
    if not ranked or ranked[0][0] < MIN_SUBJECT_SCORE:
        return []
    top = ranked[0][0]
    return [code for score, code in ranked[:2] if score >= top * SECOND_SUBJECT]


def suggest_resource_type(title: str, text: str, name: str) -> str:
    """The resource type whose cue appears first in the title, else in the head of the text."""
    if PurePath(name).suffix.lower() in _SLIDE_FORMATS:
        return "Презентация"  # slides are a presentation whatever they are about
    for fragment in (fold(title), fold(text[:600])):
        hits = []
        for rtype, cue in _TYPE_CUES:
            found = re.search(cue, fragment)
            if found:
                hits.append((found.start(), rtype))
        if hits:
            return min(hits)[1]
    return ""


def suggest_organisation(text: str) -> str:
    """The first school or kindergarten named in the head of the text («МБОУ СОШ № 5…»)."""
    found = _ORGANISATION.search(text[:HEAD_CHARS])
    return " ".join(found.group(1).split()).strip(" ,.")[:150] if found else ""


def suggest(text: str, meta: dict[str, Any], name: str) -> dict[str, Any]:
    """Every suggestion for one document, as ``{field: value}`` (empty values left out)."""
    title = suggest_title(text, meta, name)
    values = {
        "title": title,
        "authors": suggest_authors(text, meta),
        "year": suggest_year(text, meta),
        "subjects": suggest_subjects(title, text),
        "grades": suggest_grades(title, text),
        "levels": suggest_levels(text),
        "resource_type": suggest_resource_type(title, text, name),
        "organisation": suggest_organisation(text),
    }
    return {k: v for k, v in values.items() if v not in (None, "", [])}


def apply(record: RecordT, suggestions: dict[str, Any]) -> RecordT:
    """Fill the record's empty fields with the suggestions; remember them in ``suggested``."""
    for name, value in suggestions.items():
        if getattr(record, name, None) in (None, "", []):
            setattr(record, name, list(value) if isinstance(value, list) else value)
    record.suggested = {**record.suggested, **suggestions}
    return record
