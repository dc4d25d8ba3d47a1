"""Demo media library of the ИМК: textbooks, books, videos, digital resources, audio, software."""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from catalogue.demo.text import SCHOOL_GRADES, expand_grades, fill, grade_context, load, quoted_list
from catalogue.records import Media

if TYPE_CHECKING:
    from catalogue.demo.generator import Demo, DemoRecord

KINDS = ("textbook", "book", "video", "cor", "audio", "software")


def allocate(total: int, shares: dict[str, int], caps: dict[str, int]) -> dict[str, int]:
    """Split ``total`` by ``shares`` (largest remainders), respecting ``caps``; surplus → books."""
    weight = sum(shares.values())
    exact = {k: total * shares[k] / weight for k in KINDS}
    counts = {k: int(exact[k]) for k in KINDS}
    order = sorted(KINDS, key=lambda k: (-(exact[k] - counts[k]), KINDS.index(k)))
    for k in order[: total - sum(counts.values())]:
        counts[k] += 1
    for k, cap in caps.items():
        if counts[k] > cap:
            counts["book"] += counts[k] - cap
            counts[k] = cap
    return counts


def isbn(prefix: str, rng: random.Random) -> str:
    """A well-formed ISBN-13 with the publisher prefix and a correct check digit."""
    digits = prefix.replace("-", "")
    body = "".join(str(rng.randrange(10)) for _ in range(12 - len(digits)))
    twelve = digits + body
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(twelve)) % 10) % 10
    return f"{prefix}-{body}-{check}"


class _Library:
    def __init__(self, demo: Demo):
        self.demo = demo
        self.rng = demo.rng
        self.data = load("media")
        self.inventory = 0
        self.school_subjects = [
            s
            for s in demo.subjects.values()
            if s["name"] not in self.data["values"]["no_textbooks"]
            and any(g in SCHOOL_GRADES for g in demo.topics(s))
        ]
        self.graded_subjects = [s for s in demo.subjects.values() if "" not in demo.topics(s)]

    def publisher(self, kind: str) -> dict[str, Any]:
        return self.rng.choice([p for p in self.data["publisher"] if kind in p["kinds"]])

    def base(self, **fields: Any) -> Media:
        """A media item with shelf data, year, status and the ИМК as holder."""
        self.inventory += 1
        values = self.data["values"]
        item = Media(
            organisation=self.demo.imk["name"],
            inventory_number=f"ИМК-{self.inventory:05d}",
            shelf=f"{self.rng.choice(values['shelves'])}, полка {self.rng.randint(1, 6)}",
            **fields,
        )
        if item.carrier == "сетевой ресурс":
            item.shelf = ""
            item.links = [f"https://media.{self.demo.city['city']['domain']}/{self.inventory:05d}"]
        year = item.year or self.demo.year()
        self.demo.stamp(item, year)
        status = self.rng.choices(["published", "approved", "draft", "archived"], [85, 6, 3, 6])[0]
        if status == "archived" and year >= 2020:
            status = "published"
        item.status = status
        return item

    def subject_and_grade(
        self, subjects: list[dict[str, Any]] | None = None
    ) -> tuple[dict[str, Any], str]:
        pool = subjects or list(self.demo.subjects.values())
        subject = self.rng.choices(pool, [s["weight"] for s in pool])[0]
        grades = [g for g in self.demo.topics(subject) if g in SCHOOL_GRADES] or list(
            self.demo.topics(subject)
        )
        return subject, self.rng.choice(grades)

    def textbook(self) -> Media:
        subject, grade = self.subject_and_grade(self.school_subjects)
        names = [subject["name"]]
        for key, alternatives in self.data["textbook_names"].get(subject["name"], {}).items():
            if grade in expand_grades(key):
                names = alternatives
        ctx = grade_context([grade])
        topics = self.demo.topics(subject)[grade]

        def make_title() -> str:
            name = self.rng.choice(names)
            if "класс" in name:
                return f"{name}: учебник"
            return fill(
                self.rng.choice(self.data["textbook"]["title"]), {"name": name, "grade": grade}
            )

        title = self.demo.unique(make_title, tries=3)
        lines = self.data["textbook"]["annotation"]
        annotation = " ".join(
            (
                fill(lines[0], ctx | {"grade": grade}),
                fill(
                    lines[1], {"topics3": quoted_list(self.rng.sample(topics, min(3, len(topics))))}
                ),
                fill(self.rng.choice(lines[2:]), {}),
            )
        )
        publisher = self.publisher("textbook")
        primary = grade in ("1", "2", "3", "4")
        series = self.data["values"]["textbook_series_primary" if primary else "textbook_series"]
        return self.base(
            title=title,
            authors=[self.demo.short_name() for _ in range(self.rng.randint(1, 3))],
            subjects=[subject["name"]],
            grades=[grade],
            resource_type="Учебник",
            format="учебник",
            carrier="печатное издание",
            publisher=publisher["name"],
            place=publisher["place"],
            isbn=isbn(publisher["isbn"], self.rng),
            pages=self.rng.randrange(96, 320, 16),
            series=self.rng.choice(series) if self.rng.random() < 0.6 else "",
            year=self.rng.randint(2016, 2026),
            annotation=annotation,
            keywords=["учебник", subject["name"].lower(), f"{grade} класс"],
            audience=["ученик", "учитель"],
        )

    def book(self, fixed: dict[str, Any] | None) -> Media:
        if fixed is not None:
            title, annotation = fixed["title"], fixed["annotation"]
            subjects, grades = list(fixed["subjects"]), list(fixed.get("grades", []))
            kind = fixed.get("kind", "book")
        else:
            subject, grade = self.subject_and_grade(self.school_subjects)
            ctx = grade_context([grade]) | {
                "dat": subject["dat"],
                "name": subject["name"],
                "grade": grade,
            }
            templates = self.data["book_templates"]
            title = self.demo.unique(lambda: fill(self.rng.choice(templates["title"]), ctx), 3)
            topics = self.demo.topics(subject)[grade]
            ctx["topics3"] = quoted_list(self.rng.sample(topics, min(3, len(topics))))
            annotation = " ".join(fill(line, ctx) for line in templates["annotation"])
            subjects, grades, kind = [subject["name"]], [grade], "book"
        publisher = self.publisher(kind)
        audience = (
            ["учитель", "руководитель"] if "Управление образованием" in subjects else ["учитель"]
        )
        return self.base(
            title=title,
            authors=[self.demo.short_name() for _ in range(self.rng.randint(1, 2))],
            subjects=subjects,
            grades=grades,
            levels=["ДПО"],
            resource_type="Книга",
            format="книга",
            carrier="печатное издание",
            publisher=publisher["name"],
            place=publisher["place"],
            isbn=isbn(publisher["isbn"], self.rng),
            pages=self.rng.randrange(64, 288, 8),
            series=self.rng.choice(self.data["values"]["book_series"])
            if self.rng.random() < 0.4
            else "",
            annotation=annotation,
            audience=audience,
            keywords=[s.lower() for s in subjects[:2]] + ["методическое пособие"],
        )

    def _screen(
        self, kind: str, resource_type: str, fmt: str, minutes: tuple[int, int] | None
    ) -> Media:
        """A video or a digital resource on a lesson topic."""
        subject, grade = self.subject_and_grade(self.graded_subjects)
        grades = [grade]
        ctx = self.demo.common_ctx(subject, grades, 2024)
        section = self.data[kind]
        author = self.demo.pick_author(subject["name"], grade)

        chosen: list[str] = []

        def make_title() -> str:
            ctx["topic"] = self.rng.choice(self.demo.topics(subject)[grade])
            chosen[:] = [self.rng.choice(section["title"])]
            return fill(chosen[0], ctx)

        title = self.demo.unique(make_title, tries=4)
        if "{topic}" not in chosen[0]:  # a lecture for teachers, not a lesson
            grades = []
        annotation = " ".join(fill(line, ctx) for line in self.rng.sample(section["annotation"], 2))
        item = self.base(
            title=title,
            authors=[author.name],
            subjects=[subject["name"]],
            grades=grades,
            levels=[] if grades else ["ДПО"],
            resource_type=resource_type,
            format=fmt,
            carrier=self.rng.choice(section["carriers"]),
            duration_min=self.rng.randint(*minutes) if minutes else None,
            annotation=annotation,
            audience=["учитель", "ученик"],
            keywords=[subject["name"].lower(), resource_type.lower()],
        )
        if kind == "video":
            item.organisation = author.org["name"]
        return item

    def audio(self) -> Media:
        section = self.data["audio"]
        if self.rng.random() < 0.5:
            grade = self.rng.choice(SCHOOL_GRADES[1:])
            title = fill(section["title"][0], {"grade": grade})
            subject, minutes = "Иностранный язык", self.rng.randint(40, 120)
        else:
            classic = self.rng.choice(section["classics"])
            title = fill(section["title"][1], {"classic": classic["title"]})
            subject, grade, minutes = (
                classic["subject"],
                classic["grade"],
                self.rng.randint(90, 600),
            )
        return self.base(
            title=self.demo.unique(lambda: title, 0),
            subjects=[subject],
            grades=[grade],
            resource_type="Аудио",
            format="аудио",
            carrier=self.rng.choice(section["carriers"]),
            duration_min=minutes,
            annotation=" ".join(section["annotation"]),
            audience=["ученик", "учитель"],
            keywords=["аудио", subject.lower()],
        )

    def software(self, item: dict[str, Any]) -> Media:
        return self.base(
            title=item["title"],
            subjects=list(item["subjects"]),
            levels=["ДПО"],
            resource_type="Программный продукт",
            format="программа",
            carrier=self.rng.choice(["сетевой ресурс", "CD-диск"]),
            annotation=item["annotation"],
            audience=["учитель"],
            keywords=["программа", "цифровые технологии"],
        )


def media_records(demo: Demo) -> list[DemoRecord]:
    """The media items of the demo catalogue (≈400·scale)."""
    from catalogue.demo.generator import DemoRecord

    lib = _Library(demo)
    software = lib.data["software"]["items"]
    counts = allocate(
        demo.count("media"), lib.data["shares"], {"software": len(software), "audio": 24}
    )
    books = lib.data["book"]
    fixed = demo.rng.sample(books, min(counts["book"], len(books)))
    makers: list[Callable[[], Media]] = []
    makers += [lib.textbook] * counts["textbook"]
    makers += [partial(lib.book, b) for b in fixed]
    makers += [lambda: lib.book(None)] * (counts["book"] - len(fixed))
    makers += [lambda: lib._screen("video", "Видео", "видео", (10, 60))] * counts["video"]
    makers += [lambda: lib._screen("cor", "ЦОР", "ЦОР", None)] * counts["cor"]
    makers += [lib.audio] * counts["audio"]
    makers += [partial(lib.software, s) for s in demo.rng.sample(software, counts["software"])]
    return [DemoRecord(make()) for make in makers]
