"""Text helpers for the demo generator: data files, template filling, grade phrases, names.

Russian grammar is handled with prepared forms from the data files («урока математики»,
«по математике», «в старшей группе»); code only picks forms and fills templates.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"
SCHOOL_GRADES = [str(n) for n in range(1, 12)]
LEVEL_BANDS = (("1", "2", "3", "4"), ("5", "6", "7", "8", "9"), ("10", "11"))
_LEVEL_OF = {
    g: lvl for band, lvl in zip(LEVEL_BANDS, ("НОО", "ООО", "СОО"), strict=True) for g in band
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@cache
def load(name: str) -> dict[str, Any]:
    """A data file from ``catalogue/demo/data`` (``name`` without ``.toml``), parsed once."""
    return tomllib.loads((DATA_DIR / f"{name}.toml").read_text(encoding="utf-8"))


def capitalise(text: str) -> str:
    """Upper-case the first letter only («формирующее оценивание» → «Формирующее …»)."""
    return text[:1].upper() + text[1:]


def fix_quotes(text: str) -> str:
    """Turn «…» nested inside «…» into „…“, as Russian typography wants."""
    out, depth = [], 0
    for ch in text:
        if ch == "«":
            out.append("«" if depth == 0 else "„")
            depth += 1
        elif ch == "»" and depth > 0:
            depth -= 1
            out.append("»" if depth == 0 else "“")
        else:
            out.append(ch)
    return "".join(out)


def fill(template: str, ctx: dict[str, str]) -> str:
    """Fill ``{name}`` placeholders; ``{Name}`` gives the value with a capital first letter.

    Empty values leave no stray spaces before punctuation; nested quotes are fixed.
    """

    def value(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in ctx:
            return ctx[key]
        lower = key[:1].lower() + key[1:]
        if lower in ctx:
            return capitalise(ctx[lower])
        raise KeyError(f"unknown placeholder {{{key}}} in {template!r}")

    text = _PLACEHOLDER.sub(value, template)
    text = re.sub(r" {2,}", " ", text)
    text = re.sub(r" +([.,:;)])", r"\1", text)
    text = text.replace("()", "").replace(" ,", ",")
    return fix_quotes(text.strip())


def in_grade(grade: str) -> str:
    """«в 5 классе», «во 2 классе»."""
    return f"{'во' if grade == '2' else 'в'} {grade} классе"


def grade_span(grades: list[str]) -> str:
    """«5», «5–9» for a run of school grades."""
    return grades[0] if len(grades) == 1 else f"{grades[0]}–{grades[-1]}"


def level_of(grade: str) -> str:
    """НОО / ООО / СОО for a school grade, ДО for ДО, СОО for СПО (general subjects)."""
    if grade == "ДО":
        return "ДО"
    return _LEVEL_OF.get(grade, "СОО")


def grade_context(
    grades: list[str], group: dict[str, str] | None = None, course: int = 1
) -> dict[str, str]:
    """Phrases about who a material is for: ``where``, ``grade_gen``, ``range_for``…"""
    if not grades:
        return dict(
            where="",
            grade_gen="",
            grade_label="",
            range_for="",
            age="",
            learners_nom="педагоги",
            learners_gen="педагогов",
            fgos="ФГОС",
            fop="ФОП",
        )
    if grades == ["ДО"]:
        group = group or load("templates")["group"][2]
        return dict(
            where=group["prep"],
            grade_gen=group["gen"],
            grade_label=group["label"],
            range_for=f"для детей {group['age_gen']}",
            age=group["age"],
            learners_nom="воспитанники",
            learners_gen="воспитанников",
            fgos="ФГОС ДО",
            fop="ФОП ДО",
        )
    if grades == ["СПО"]:
        return dict(
            where=f"на {course} курсе",
            grade_gen=f"{course} курса",
            grade_label=f"{course} курс, СПО",
            range_for="для студентов 1–2 курсов",
            age="",
            learners_nom="студенты",
            learners_gen="студентов",
            fgos="ФГОС СОО",
            fop="ФОП СОО",
        )
    school = [g for g in grades if g in SCHOOL_GRADES]
    span = grade_span(school)
    level = level_of(school[0])
    if len(school) == 1:
        where, gen, label = in_grade(span), f"{span} класса", f"{span} класс"
    else:
        where = f"{'во' if span.startswith('2') else 'в'} {span} классах"
        gen, label = f"{span} классов", f"{span} классы"
    return dict(
        where=where,
        grade_gen=gen,
        grade_label=label,
        range_for=f"для {gen}",
        age="",
        learners_nom="обучающиеся",
        learners_gen="обучающихся",
        fgos=f"ФГОС {level}",
        fop=f"ФОП {level}",
    )


def quoted_list(items: list[str]) -> str:
    """«А», «Б» и «В»."""
    quoted = [f"«{item}»" for item in items]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " и " + quoted[-1]


def expand_grades(key: str) -> list[str]:
    """Topic keys of the data files: «5», «5-9», «ДО», «none» → grade codes."""
    if key == "none":
        return []
    if "-" in key:
        start, end = (int(part) for part in key.split("-"))
        return [str(n) for n in range(start, end + 1)]
    return [key]


_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


def translit(text: str) -> str:
    """Latin transliteration for e-mail addresses («Воробьёва» → «vorobeva»)."""
    return "".join(_TRANSLIT.get(ch, ch) for ch in text.lower() if ch.isalnum())


def file_name(title: str, ext: str, limit: int = 60) -> str:
    """A file name from a title: words joined by «_», quotes and punctuation dropped."""
    words = re.findall(r"[0-9A-Za-zА-Яа-яЁё]+", title)
    name = ""
    for word in words:
        candidate = f"{name}_{word}" if name else word
        if len(candidate) > limit:
            break
        name = candidate
    return f"{name or 'файл'}.{ext}"


def iso_date(year: int, month: int, day: int) -> str:
    """An ISO date, clamping the day to the month (29 February → 28 in common years)."""
    for d in (day, 30, 29, 28):
        try:
            return dt.date(year, month, d).isoformat()
        except ValueError:
            continue
    raise ValueError(f"bad date {year}-{month}-{day}")


def add_years(iso: str, years: int) -> str:
    """An ISO date ``years`` later (29 February → 28 February)."""
    day = dt.date.fromisoformat(iso)
    return iso_date(day.year + years, day.month, day.day)


def plural_years(n: int) -> str:
    """«1 год», «3 года», «11 лет»."""
    if n % 10 == 1 and n % 100 != 11:
        word = "год"
    elif n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        word = "года"
    else:
        word = "лет"
    return f"{n} {word}"
