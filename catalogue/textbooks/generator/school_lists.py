"""Seeded school lists of textbooks drawn from the federal list, written the way schools write
them — typos in surnames and titles, abbreviations («Рус. яз.»), other word forms («по
математике»), initials before or after the surname, short publisher names, merged header cells,
non-breaking spaces, grades as «5-9» or «5,6,7» — with expired, excluded and unlisted books
among them. The generator knows the truth: which list book each row is (``truth.json``).

One seed gives the same files every time.
"""

from __future__ import annotations

import json
import random
import re
import tomllib
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

from catalogue.records import Media
from catalogue.textbooks.generator.federal import NBSP, PUBLISHERS
from catalogue.textbooks.matching import order_year


def _city_schools() -> list[str]:
    data = tomllib.loads(
        resources.files("catalogue.demo").joinpath("data/city.toml").read_text("utf-8")
    )
    kinds = ("school", "basic", "primary", "special")
    return [org["name"] for org in data["org"] if org["type"] in kinds]


ABBREVIATIONS = {
    "Русский язык": ("Рус. яз.", "Русс. язык"),
    "Литературное чтение": ("Лит. чтение", "Литер. чтение"),
    "Математика": ("Матем.", "Мат-ка"),
    "Окружающий мир": ("Окр. мир",),
    "Английский язык": ("Англ. яз.", "Англ. язык"),
    "Изобразительное искусство": ("Изобр. искусство", "ИЗО"),
    "Физическая культура": ("Физ. культура", "Физкультура"),
    "Литература": ("Лит-ра",),
    "Информатика": ("Информ.",),
}
WORD_FORMS = {
    "Математика": "математике",
    "Русский язык": "русскому языку",
    "Литература": "литературе",
    "Биология": "биологии",
    "Физика": "физике",
    "Химия": "химии",
    "География": "географии",
    "Информатика": "информатике",
    "Английский язык": "английскому языку",
    "Алгебра": "алгебре",
    "Геометрия": "геометрии",
    "Обществознание": "обществознанию",
    "Окружающий мир": "окружающему миру",
    "Музыка": "музыке",
}
UNLISTED = (
    ("Краеведение Приреченского края", "Соколов П.А."),
    ("Шахматы в школе", "Прудникова Е.А."),
    ("Финансовая грамотность: учебное пособие", "Липсиц И.В."),
    ("Основы проектной деятельности", "Половкова М.В."),
    ("Родной край: хрестоматия", "Белова Л.Н."),
    ("Черчение: рабочая тетрадь", "Ботвинников А.Д."),
    ("Экология родного края", "Андреева Т.В."),
    ("Логика для младших школьников", "Тихомирова Л.Ф."),
)
HEADER_VARIANTS = (
    ("№ п/п", "Класс", "Предмет", "Автор(ы)", "Наименование учебника", "Издательство",
     "Год издания", "Количество экземпляров", "Количество обучающихся"),
    ("№", "Кл.", "Учебный предмет", "Авторы", "Название учебника", "Издатель", "Год",
     "Кол-во экз.", "Кол-во обучающихся"),
)  # fmt: skip
COLUMNS = ("grades", "subject", "authors", "title", "publisher", "year", "copies", "pupils")


@dataclass
class TruthRow:
    """What a generated row is: the list book's record id ("" when not in the list) and why."""

    row: int
    record_id: str
    kind: str  # listed | excluded | unlisted


@dataclass
class GeneratedSchool:
    """A generated school list and its truth."""

    school: str
    file: str
    truth: list[TruthRow] = field(default_factory=list)


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 6:
        return word
    i = rng.randrange(2, len(word) - 2)
    kind = rng.choice(("drop", "swap", "double", "vowel"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    swaps = {"а": "о", "о": "а", "е": "и", "и": "е"}
    return word[:i] + swaps.get(word[i], word[i]) + word[i + 1 :]


def _school_authors(rng: random.Random, authors: list[str]) -> str:
    people = [a for a in authors if a]
    if not people:
        return ""
    shown = people[: rng.choice((1, 1, 2, len(people)))]
    style = rng.random()
    out = []
    for person in shown:
        surname, _, initials = person.partition(" ")
        if rng.random() < 0.12:
            surname = _typo(rng, surname)
        if style < 0.2:
            out.append(f"{initials} {surname}".strip())
        elif style < 0.3:
            out.append(surname)
        else:
            out.append(f"{surname} {initials}".strip())
    text = ", ".join(out)
    if len(shown) < len(people):
        text += rng.choice((" и др.", " и др", ", и др.", ""))
    return text


def _subject_of(title: str) -> str:
    return re.split(r"[:.]", title)[0].strip()


def _school_title(rng: random.Random, title: str, grades: list[str]) -> str:
    subject = _subject_of(title)
    rest = title[len(subject) :]
    roll = rng.random()
    if roll < 0.15 and subject in ABBREVIATIONS:
        subject = rng.choice(ABBREVIATIONS[subject])
    elif roll < 0.3 and subject in WORD_FORMS:
        grade = grades[0] if len(grades) == 1 else f"{grades[0]}-{grades[-1]}"
        return f"Учебник по {WORD_FORMS[subject]} для {grade} класса"
    elif roll < 0.4:
        words = subject.split()
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        words[longest] = _typo(rng, words[longest])
        subject = " ".join(words)
    shape = rng.random()
    if shape < 0.45:
        return subject
    if shape < 0.75:
        return f"{subject}. {grades[0]} класс" if len(grades) == 1 else subject
    return (subject + rest).replace("базовый уровень", "баз. уровень")


def _grades_text(rng: random.Random, grades: list[str]) -> str:
    if len(grades) == 1:
        return rng.choice((grades[0], f"{grades[0]} класс", f"{grades[0]} кл.", grades[0]))
    return rng.choice(
        (
            f"{grades[0]}-{grades[-1]}",
            f"{grades[0]}–{grades[-1]}",
            ",".join(grades),
            f"{grades[0]} - {grades[-1]}",
        )
    )


def _publisher_text(rng: random.Random, publisher: str) -> str:
    for full, short, abbreviated in PUBLISHERS:
        if full == publisher:
            return rng.choice((short, short, abbreviated, full, ""))
    found = re.search(r"«([^»]+)", publisher)
    name = found.group(1) if found else publisher
    return rng.choice((name, publisher, ""))


def _pick_books(
    rng: random.Random, books: list[Media], grades: tuple[str, ...], rows: int
) -> list[Media]:
    by_group: dict[tuple[str, tuple[str, ...]], list[Media]] = {}
    for book in books:
        if book.grades and set(book.grades) <= set(grades):
            subject = book.list_subject or (book.subjects[0] if book.subjects else "")
            by_group.setdefault((subject, tuple(book.grades)), []).append(book)
    groups = sorted(by_group)
    rng.shuffle(groups)
    return [rng.choice(by_group[g]) for g in groups[:rows]]


def school_rows(
    rng: random.Random, current: list[Media], excluded: list[Media], grades: tuple[str, ...]
) -> list[tuple[dict[str, str], str, str]]:
    """``(cells, record_id, kind)`` for one school's list."""
    chosen = [(b, "listed") for b in _pick_books(rng, current, grades, rng.randint(28, 40))]
    chosen += [(b, "excluded") for b in _pick_books(rng, excluded, grades, rng.randint(0, 2))]
    out: list[tuple[dict[str, str], str, str]] = []
    for book, kind in chosen:
        pupils = rng.randint(20, 110)
        copies = pupils if rng.random() < 0.7 else max(0, pupils - rng.randint(1, 25))
        cells = {
            "grades": _grades_text(rng, book.grades),
            "subject": book.list_subject or _subject_of(book.title),
            "authors": _school_authors(rng, book.authors),
            "title": _school_title(rng, book.title, book.grades),
            "publisher": _publisher_text(rng, book.publisher),
            # a copy is printed no earlier than the year before the order that included its edition
            "year": str(rng.randint(max(2018, (order_year(book.list_order) or 2018) - 1), 2024)),
            "copies": str(copies),
            "pupils": str(pupils),
        }
        out.append((cells, book.id, kind))
    level_grades = [g for g in grades if g.isdigit()]
    listed = {b.title.split()[0].lower() for b in current + excluded}  # truly not in the list
    unlisted = [u for u in UNLISTED if u[0].split()[0].lower() not in listed]
    for title, author in rng.sample(unlisted, k=min(len(unlisted), rng.randint(1, 2))):
        grade = rng.choice(level_grades)
        cells = {
            "grades": grade,
            "subject": "Внеурочная деятельность",
            "authors": author,
            "title": title,
            "publisher": rng.choice(("Просвещение", "Учитель", "ИРО Приреченского края")),
            "year": str(rng.randint(2015, 2024)),
            "copies": str(rng.randint(10, 30)),
            "pupils": str(rng.randint(20, 30)),
        }
        out.append((cells, "", "unlisted"))
    out.sort(key=lambda item: (int(re.findall(r"\d+", item[0]["grades"])[0]), item[0]["subject"]))
    for cells, _, _ in out:
        for name in ("title", "authors"):
            if rng.random() < 0.08:
                cells[name] = cells[name].replace(" ", NBSP, 1)
    return out


def write_school_list(
    rng: random.Random, school: str, rows: list[tuple[dict[str, str], str, str]], path: Path
) -> list[TruthRow]:
    """One school's list as an XLSX in one of the layouts schools use; returns its truth."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    layout = rng.randrange(3)
    truth: list[TruthRow] = []
    if layout == 2:  # a title, then a two-row header with merged cells
        sheet.append([f"Список учебников {school} на 2026/2027 учебный год"])
        sheet.append(["№", "Класс", "Предмет", "Учебник", "", "", "", "Количество", ""])
        sheet.append(["", "", "", "автор(ы)", "наименование", "издательство", "год издания",
                      "экземпляров", "обучающихся"])  # fmt: skip
        for first, last in (("A2", "A3"), ("B2", "B3"), ("C2", "C3"), ("D2", "G2"), ("H2", "I2")):
            sheet.merge_cells(f"{first}:{last}")
        order = COLUMNS
    else:
        header = HEADER_VARIANTS[layout]
        order = COLUMNS
        if layout == 1:  # subject before grade
            order = ("subject", "grades", *COLUMNS[2:])
            header = (header[0], header[2], header[1], *header[3:])
        sheet.append(list(header))
        if rng.random() < 0.5:
            sheet.append([str(n) for n in range(1, len(header) + 1)])
    previous_grade = ""
    for n, (cells, record_id, kind) in enumerate(rows, 1):
        values = [cells[name] for name in order]
        if layout == 2 and cells["grades"] == previous_grade:
            values[0] = ""  # the grade cell merged down
        previous_grade = cells["grades"]
        sheet.append([str(n), *values])
        truth.append(TruthRow(sheet.max_row, record_id, kind))
    if layout == 2:
        start = None
        for row in range(4, sheet.max_row + 2):
            if row <= sheet.max_row and sheet.cell(row, 2).value == "" and start is None:
                start = row - 1
            elif start is not None and (row > sheet.max_row or sheet.cell(row, 2).value != ""):
                sheet.merge_cells(start_row=start, end_row=row - 1, start_column=2, end_column=2)
                start = None
    book.save(path)
    return truth


def school_lists(
    books: list[Media], folder: Path, seed: int = 11, schools: int = 20
) -> list[GeneratedSchool]:
    """``schools`` lists drawn from the federal list's ``books`` (excluded ones included) as XLSX
    files named after the schools, and ``truth.json`` beside them."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    current = [b for b in books if not b.list_excluded]
    excluded = [b for b in books if b.list_excluded]
    names = _city_schools()
    names += [f"МБОУ «СОШ № {n}»" for n in range(len(names) + 1, schools + 1)]
    out = []
    for name in names[:schools]:
        grades = (
            tuple(str(g) for g in range(1, 12))
            if "ООШ" not in name
            else tuple(str(g) for g in range(1, 10))
        )
        rows = school_rows(rng, current, excluded, grades)
        path = folder / f"{name}.xlsx"
        truth = write_school_list(rng, name, rows, path)
        out.append(GeneratedSchool(name, path.name, truth))
    (folder / "truth.json").write_text(
        json.dumps([asdict(s) for s in out], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return out


def load_truth(folder: Path) -> list[GeneratedSchool]:
    """The truth written by :func:`school_lists`."""
    data = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return [
        GeneratedSchool(s["school"], s["file"], [TruthRow(**r) for r in s["truth"]]) for s in data
    ]
