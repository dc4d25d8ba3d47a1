"""A seeded federal list of textbooks in the official layout: an older and a newer version (books
excluded, terms changed, books added), headings for levels and subjects, NBSP-padded numbers.

One seed gives the same list every time.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

LEVELS = (
    ("Начальное общее образование", ("1", "2", "3", "4")),
    ("Основное общее образование", ("5", "6", "7", "8", "9")),
    ("Среднее общее образование", ("10", "11")),
)
# level index → (heading subject, title subject, grades or None for the level's, one book for all)
SUBJECTS: dict[int, tuple[tuple[str, str, tuple[str, ...] | None, bool], ...]] = {
    0: (
        ("Русский язык", "Русский язык", None, False),
        ("Литературное чтение", "Литературное чтение", None, False),
        ("Математика", "Математика", None, False),
        ("Окружающий мир", "Окружающий мир", None, False),
        ("Иностранный язык", "Английский язык", ("2", "3", "4"), False),
        ("Изобразительное искусство", "Изобразительное искусство", None, False),
        ("Музыка", "Музыка", None, False),
        ("Физическая культура", "Физическая культура", None, True),
    ),
    1: (
        ("Русский язык", "Русский язык", None, False),
        ("Литература", "Литература", None, False),
        ("Математика", "Математика", ("5", "6"), False),
        ("Математика", "Алгебра", ("7", "8", "9"), False),
        ("Математика", "Геометрия", ("7", "8", "9"), True),
        ("История", "История России", ("6", "7", "8", "9"), False),
        ("История", "Всеобщая история", None, False),
        ("Обществознание", "Обществознание", ("6", "7", "8", "9"), False),
        ("География", "География", None, False),
        ("Биология", "Биология", None, False),
        ("Физика", "Физика", ("7", "8", "9"), False),
        ("Химия", "Химия", ("8", "9"), False),
        ("Информатика", "Информатика", ("7", "8", "9"), False),
        ("Иностранный язык", "Английский язык", None, False),
        ("Второй иностранный язык", "Немецкий язык", None, False),
        ("Второй иностранный язык", "Французский язык", None, False),
        ("Физическая культура", "Физическая культура", None, True),
        ("Основы безопасности и защиты Родины", "Основы безопасности и защиты Родины",
         ("8", "9"), True),
    ),
    2: (
        ("Русский язык", "Русский язык", None, True),
        ("Литература", "Литература", None, False),
        ("Математика", "Алгебра и начала математического анализа", None, False),
        ("Математика", "Геометрия", None, True),
        ("История", "История России", None, False),
        ("Обществознание", "Обществознание", None, False),
        ("Биология", "Биология", None, False),
        ("Физика", "Физика", None, False),
        ("Химия", "Химия", None, False),
        ("Иностранный язык", "Английский язык", None, False),
        ("Физическая культура", "Физическая культура", None, True),
    ),
}  # fmt: skip
PUBLISHERS = (
    ("Акционерное общество «Издательство «Просвещение»", "Просвещение", "Просв."),
    ("Общество с ограниченной ответственностью «ДРОФА»", "Дрофа", "Дрофа"),
    ("Общество с ограниченной ответственностью «Русское слово - учебник»", "Русское слово",
     "Рус. слово"),
    ("Общество с ограниченной ответственностью «БИНОМ. Лаборатория знаний»", "БИНОМ",
     "Бином. ЛЗ"),
    ("Общество с ограниченной ответственностью «Издательский центр ВЕНТАНА-ГРАФ»",
     "Вентана-Граф", "Вент.-Граф"),
    ("Общество с ограниченной ответственностью «ИОЦ МНЕМОЗИНА»", "Мнемозина", "Мнемоз."),
)  # fmt: skip
TERMS = (
    ("До 31 августа 2025 года", 3),
    ("До 25 июня 2026 года", 2),
    ("До 25 апреля 2027 года", 2),
    ("До 31 августа 2027 года", 2),
    ("До 24 июля 2028 года", 5),
    ("До 31 августа 2029 года", 5),
    ("", 2),
    ("бессрочно", 1),
)
ORDERS = ("От 20 мая 2020 г. № 254", "От 21 сентября 2022 г. № 858")
HEADER = (
    "Приложение",
    "Порядковый номер строки федерального перечня учебника",
    "Порядковый номер учебника",
    "Наименование учебника",
    "Автор (авторский коллектив) учебника",
    "Наименование издателя (издателей) учебника",
    "Наименования разработанных в комплекте с учебником учебных пособий",
    "Класс, для которого учебник и разработанные в комплекте с ним учебные пособия разработаны",
    "Реквизиты приказов Министерства просвещения Российской Федерации",
    "Правообладатель",
    "Реквизиты приказа Министерства просвещения Российской Федерации, на основании которого "
    "учебник включён в федеральный перечень",
    "Срок действия экспертного заключения, на основании которого учебник включён в "
    "федеральный перечень учебников",
)
NBSP = "\u00a0"


def _people() -> tuple[list[str], list[str]]:
    data = tomllib.loads(
        resources.files("catalogue.demo").joinpath("data/people.toml").read_text("utf-8")
    )
    return [pair[0] for pair in data["surnames"]], data["male_names"] + data["female_names"]


@dataclass
class ListRow:
    """One textbook row of a generated federal list."""

    appendix: str
    number: str
    level: str
    heading: str
    title: str
    authors: str
    publisher: str
    grades: str
    order: str
    term: str


def _grade_words(grades: tuple[str, ...]) -> str:
    if len(grades) == 1:
        return f"{grades[0]}-й класс"
    return f"{grades[0]} - {grades[-1]}-е классы"


def _authors(rng: random.Random, surnames: list[str], names: list[str]) -> str:
    people = []
    for surname in rng.sample(surnames, rng.choice((1, 2, 2, 3))):
        people.append(f"{surname} {rng.choice(names)[0]}.{rng.choice(names)[0]}.")
    text = ", ".join(people)
    return text + (" и другие" if len(people) == 3 and rng.random() < 0.5 else "")


def federal_rows(seed: int = 7, series: int = 2) -> tuple[list[ListRow], list[ListRow]]:
    """An older and a newer federal list: the newer one drops some books (excluded), changes
    some terms and adds some books."""
    rng = random.Random(seed)
    surnames, names = _people()
    rng.shuffle(surnames)
    older: list[ListRow] = []
    newer_only: list[ListRow] = []
    for level_index, (level, level_grades) in enumerate(LEVELS):
        for subject_index, (heading, subject, grades, whole) in enumerate(SUBJECTS[level_index], 1):
            grades = grades or level_grades
            for line in range(1, series + 2):
                appendix = "2" if rng.random() < 0.12 else "1"
                authors = _authors(rng, surnames, names)
                publisher = rng.choice(PUBLISHERS)[0]
                term = rng.choices([t for t, _ in TERMS], [w for _, w in TERMS])[0]
                order = rng.choice(ORDERS)
                parts = rng.random() < 0.4
                groups = [grades] if whole else [(g,) for g in grades]
                for n, group in enumerate(groups, 1):
                    title = f"{subject}: {_grade_words(group)}: базовый уровень: учебник"
                    if parts and not whole:
                        title += ": в 2 частях"
                    number = f"1.1.{level_index + 1}.{subject_index}.1.{line}.{n}."
                    row = ListRow(
                        appendix, number, level, heading, title, authors, publisher,
                        " - ".join((group[0], group[-1])) if whole else group[0], order, term,
                    )  # fmt: skip
                    (newer_only if line == series + 1 else older).append(row)
    newer = []
    for row in older:
        roll = rng.random()
        if roll < 0.06:
            continue  # excluded from the newer list
        if roll < 0.12:
            row = ListRow(**{**asdict(row), "term": "До 31 мая 2030 года"})
        newer.append(row)
    extra = rng.sample(newer_only, k=max(1, len(newer_only) // 8))
    newer += extra
    return older, newer


def write_federal_list(rows: list[ListRow], path: Path) -> Path:
    """The rows as an XLSX laid out like the official list (headings, NBSP-padded numbers)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.append(list(HEADER))
    sheet.append(["Приложение", *[str(n) for n in range(1, 12)]])
    ordinal = 0
    last: tuple[str, ...] = ()

    def heading(appendix: str, text: str) -> None:
        nonlocal ordinal
        ordinal += 1
        cells = [f"Приложение {appendix}", f"{NBSP * 4}{ordinal}{NBSP * 4}", "", text]
        sheet.append(cells + [""] * 8)

    for row in rows:
        levels = (row.appendix, row.level)
        if levels != last[:2]:
            heading(row.appendix, f"{row.level} (уровень образования)")
        if (*levels, row.heading) != last:
            heading(row.appendix, f"{row.heading} (учебный предмет)")
        last = (*levels, row.heading)
        ordinal += 1
        sheet.append(
            [
                f"Приложение {row.appendix}",
                f"{ordinal}.{NBSP * 3}",
                row.number,
                row.title.replace(" ", NBSP, 1),
                row.authors,
                row.publisher,
                "",
                row.grades,
                "",
                row.publisher,
                row.order.replace(" г. ", f"{NBSP}г.{NBSP}"),
                row.term,
            ]
        )
    book.save(path)
    return path
