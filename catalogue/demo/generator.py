"""The seeded demo-catalogue generator: materials, media items and portfolios of a fictional city.

Everything comes from the word material in ``catalogue/demo/data/*.toml`` and one
``random.Random(seed)``: the same seed and scale always give the same records and the same
file bytes. Attachment texts are drawn from a separate generator per record (seeded from the
seed and the record's position), so ``with_files=False`` yields exactly the same records.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from catalogue.demo import files as demo_files
from catalogue.demo.text import (
    LEVEL_BANDS,
    SCHOOL_GRADES,
    expand_grades,
    file_name,
    fill,
    grade_context,
    iso_date,
    load,
    quoted_list,
)
from catalogue.records import Material, Record, Review

START_YEAR, END_YEAR = 2015, 2026
YEAR_WEIGHTS = (1, 1, 2, 2, 3, 3, 4, 5, 6, 7, 8, 6)
LAST_MONTH = 10  # records of END_YEAR are dated up to October
BASE = {"material": 900, "media": 400, "portfolio": 200, "files": 200}
MEDIA_TYPES = {
    "docx": demo_files.DOCX_TYPE,
    "pdf": demo_files.PDF_TYPE,
    "pptx": demo_files.PPTX_TYPE,
}


@dataclass
class DemoFile:
    """An attachment to be stored with a demo record."""

    name: str
    media_type: str
    data: bytes


@dataclass
class DemoRecord:
    """A generated record and the files to attach to it."""

    record: Record
    files: list[DemoFile] = field(default_factory=list)


@dataclass
class Person:
    """A fictional teacher (or methodist) of one organisation."""

    name: str
    female: bool
    org: dict[str, Any]
    profile: dict[str, Any]
    grades: list[str]

    @property
    def subjects(self) -> list[str]:
        return list(self.profile["subjects"])


@dataclass
class _Draft:
    """A material before its files are made: what the text templates need."""

    record: Material
    ctx: dict[str, str]
    subject: dict[str, Any]
    body: list[str] | None = None  # fixed body text (featured records)
    formats: list[str] | None = None


class Demo:
    """Generator state: the random source, the data files and the city's staff."""

    def __init__(self, seed: int, scale: float):
        self.seed, self.scale = seed, scale
        self.rng = random.Random(seed)
        self.city = load("city")
        self.templates = load("templates")
        self.subjects = {s["name"]: s for s in load("subjects")["subject"]}
        self.types = {t["name"]: t for t in self.templates["type"]}
        self.orgs = self.city["org"]
        self.imk = next(o for o in self.orgs if o["type"] == "imk")
        self.methodists = list(self.city["city"]["methodists"])
        self._used_names = set(self.methodists)
        self._used_titles: set[str] = set()
        self._topics: dict[str, dict[str, list[str]]] = {}
        self.staff = self._build_staff()
        self.by_subject: dict[str, list[Person]] = {}
        for person in self.staff:
            for subject in person.subjects:
                self.by_subject.setdefault(subject, []).append(person)

    def count(self, kind: str) -> int:
        return max(0, round(BASE[kind] * self.scale))

    # -- people --------------------------------------------------------------------------

    def person_name(self, female: bool) -> str:
        """A new, unique ФИО with agreeing surname, name and patronymic."""
        people = load("people")
        g = 1 if female else 0
        name = ""
        for _ in range(100):
            name = " ".join(
                (
                    self.rng.choice(people["surnames"])[g],
                    self.rng.choice(people["female_names" if female else "male_names"]),
                    self.rng.choice(people["patronymics"])[g],
                )
            )
            if name not in self._used_names:
                break
        self._used_names.add(name)
        return name

    def short_name(self) -> str:
        """An author of a book: «Кольцова Н. В.» (need not be unique)."""
        people = load("people")
        g = self.rng.randrange(2)
        surname = self.rng.choice(people["surnames"])[g]
        first = self.rng.choice(people["female_names" if g else "male_names"])
        return f"{surname} {first[0]}. {self.rng.choice(people['patronymics'])[g][0]}."

    def _build_staff(self) -> list[Person]:
        profiles = load("portfolio")["profile"]
        types = self.city["org_types"]
        methodist = next(p for p in profiles if "imk" in p["org_types"])
        planned: list[list[dict[str, Any]]] = [[] for _ in self.orgs]
        for profile in profiles:  # every profile somewhere in the city
            where = [i for i, o in enumerate(self.orgs) if o["type"] in profile["org_types"]]
            if where and profile is not methodist:
                planned[self.rng.choice(where)].append(profile)
        staff: list[Person] = []
        for i, org in enumerate(self.orgs):
            org_grades = types[org["type"]]["grades"]
            if org["type"] == "imk":
                for name in self.methodists:
                    staff.append(Person(name, name.endswith("на"), org, methodist, []))
                continue
            allowed = [p for p in profiles if org["type"] in p["org_types"]]
            for subject in org.get("subjects", []):  # the organisation's strong subjects
                teaching = [p for p in allowed if subject in p["subjects"]]
                if teaching:
                    planned[i].append(teaching[0])
            size = 2 * types[org["type"]]["staff"]
            while len(planned[i]) < size:
                planned[i].append(self.rng.choices(allowed, [p["weight"] for p in allowed])[0])
            for profile in planned[i]:
                female = self.rng.random() < profile["female"]
                grades = [g for g in profile["grades"] if g in org_grades] or profile["grades"]
                staff.append(Person(self.person_name(female), female, org, profile, grades))
        return staff

    def pick_author(self, subject: str, grade: str = "") -> Person:
        """A teacher of ``subject`` (and ``grade``); strong subjects of a school weigh more."""
        pool = self.by_subject.get(subject) or self.staff
        fitting = [p for p in pool if not grade or grade in p.grades] or pool
        weights = [3 if subject in p.org.get("subjects", []) else 1 for p in fitting]
        return self.rng.choices(fitting, weights)[0]

    # -- shared pieces of records ------------------------------------------------------------

    def topics(self, subject: dict[str, Any]) -> dict[str, list[str]]:
        """Topics of a subject by grade code ("" for subjects without grades)."""
        name = subject["name"]
        if name not in self._topics:
            by_grade: dict[str, list[str]] = {}
            for key, topics in subject["topics"].items():
                for grade in expand_grades(key) or [""]:
                    by_grade.setdefault(grade, []).extend(topics)
            college = next(p for p in load("portfolio")["profile"] if p["grades"] == ["СПО"])
            if name in college["subjects"]:
                by_grade["СПО"] = by_grade.get("10", []) + by_grade.get("11", [])
            self._topics[name] = by_grade
        return self._topics[name]

    def year(self) -> int:
        return self.rng.choices(range(START_YEAR, END_YEAR + 1), YEAR_WEIGHTS)[0]

    def date_in(self, year: int) -> str:
        month = self.rng.randint(1, LAST_MONTH if year == END_YEAR else 12)
        return iso_date(year, month, self.rng.randint(1, 28))

    def stamp(self, record: Record, year: int) -> None:
        """Year, creation time and creator (an ИМК methodist)."""
        record.year = year
        record.created_at = (
            f"{self.date_in(year)}T{self.rng.randint(8, 18):02d}:"
            f"{self.rng.randint(0, 59):02d}:00+00:00"
        )
        record.created_by = self.rng.choice(self.methodists)
        record.updated_at, record.updated_by = record.created_at, record.created_by

    def status(self, year: int) -> str:
        statuses = self.templates["values"]["statuses"]
        status = self.rng.choices(list(statuses), list(statuses.values()))[0]
        if status == "archived" and year >= 2022:
            status = "published"
        if status in ("draft", "review", "revision") and year < 2024 and self.rng.random() < 0.7:
            status = "approved"
        return str(status)

    def reviews(self, status: str, created: str) -> list[Review]:
        """Expert reviews consistent with the status."""
        if status in ("published", "approved", "archived"):
            if self.rng.random() > 0.75:
                return []
            verdicts = ["revise", "approve"] if self.rng.random() < 0.2 else ["approve"]
        elif status == "revision":
            verdicts = ["revise"]
        else:
            return []
        criteria = self.templates["reviews"]["criteria"]
        out, day = [], created[:10]
        for verdict in verdicts:
            day = min(_plus_days(day, self.rng.randint(7, 60)), f"{END_YEAR}-{LAST_MONTH}-31")
            low, high = (4, 5) if verdict == "approve" else (2, 4)
            chosen = self.rng.sample(criteria, self.rng.randint(3, 4))
            out.append(
                Review(
                    reviewer=self.rng.choice(self.methodists),
                    date=day,
                    scores={c: self.rng.randint(low, high) for c in chosen},
                    comment=self.rng.choice(self.templates["reviews"][verdict]),
                    verdict=verdict,
                )
            )
        return out

    def common_ctx(self, subject: dict[str, Any], grades: list[str], year: int) -> dict[str, str]:
        """Placeholders shared by material and media templates."""
        values = self.templates["values"]
        group = self.rng.choice(self.templates["group"]) if grades == ["ДО"] else None
        ctx = {
            k: subject[k]
            for k in (
                "lesson",
                "lesson_dat",
                "dat",
                "on_lessons",
                "teachers_dat",
                "teachers_gen",
                "noun_gen",
                "at_lesson",
                "equipment",
            )
        }
        association = subject["association"]
        if grades and grades[0] in LEVEL_BANDS[0] and subject.get("primary_association"):
            association = subject["primary_association"]
        ctx |= grade_context(grades, group, course=self.rng.randint(1, 2))
        ctx |= dict(
            subject=subject["name"],
            association=association,
            city_gen=self.city["city"]["gen"],
            school_year=f"{year}/{year + 1}" if self.rng.random() < 0.5 else f"{year - 1}/{year}",
            method=self.rng.choice(values["methods"]),
            hours=self.rng.choice(values["hours"]),
            minutes=self.rng.choice(values["minutes"]),
            area=self.rng.choice(values["areas"]),
            activity=self.rng.choice(subject["activities"]),
        )
        return ctx

    def unique(self, make: Callable[[], str], tries: int = 8) -> str:
        """Call ``make()`` until it gives a title not used yet (or give up and reuse)."""
        title = make()
        for _ in range(tries):
            if title not in self._used_titles:
                break
            title = make()
        self._used_titles.add(title)
        return title

    # -- materials ----------------------------------------------------------------------------

    def _plan(self) -> list[tuple[str, str | None]]:
        """Subjects (and forced grades) of the materials: every subject and grade at least once."""
        names = list(self.subjects)
        weights = [self.subjects[n]["weight"] for n in names]
        plan: list[tuple[str, str | None]] = [(n, None) for n in names]
        for grade in ["ДО", *SCHOOL_GRADES, "СПО"]:
            having = [n for n in names if grade in self.topics(self.subjects[n])]
            plan.append(
                (self.rng.choices(having, [self.subjects[n]["weight"] for n in having])[0], grade)
            )
        while len(plan) < self.count("material"):
            plan.append((self.rng.choices(names, weights)[0], None))
        return plan[: self.count("material")]

    def _type_for(self, subject: dict[str, Any]) -> dict[str, Any]:
        names = subject.get("types") or [
            n for n in self.types if n not in subject.get("exclude_types", [])
        ]
        chosen: dict[str, Any] = self.rng.choices(
            [self.types[n] for n in names], [self.types[n]["weight"] for n in names]
        )[0]
        return chosen

    def material(self, subject_name: str, grade: str | None = None) -> _Draft:
        """One generated methodical material (no files yet)."""
        subject = self.subjects[subject_name]
        by_grade = self.topics(subject)
        kind = self._type_for(subject)
        if grade is None:
            grade = self.rng.choice(list(by_grade))
            if grade == "СПО" and self.rng.random() < 0.7:  # college materials are few
                grade = self.rng.choice(list(by_grade))
        grades = [grade] if grade else []
        if kind["grades"] == "band" and grade in SCHOOL_GRADES:
            band = next(b for b in LEVEL_BANDS if grade in b)
            grades = [g for g in band if g in by_grade]
        pool = [t for g in grades or [""] for t in by_grade.get(g, [])]
        pool = list(dict.fromkeys(pool))
        author = self.pick_author(subject_name, grade)
        year = self.year()
        ctx = self.common_ctx(subject, grades, year)
        titles = subject.get("titles", {}).get(kind["name"]) or kind["title"]

        def make_title() -> str:
            ctx["topic"] = self.rng.choice(by_grade[grade])
            ctx["activity"] = self.rng.choice(subject["activities"])
            ctx["method"] = self.rng.choice(self.templates["values"]["methods"])
            ctx["article_theme"] = fill(subject.get("article_theme", "{method} {on_lessons}"), ctx)
            return fill(self.rng.choice(titles), ctx)

        title = self.unique(make_title)
        titled_by_topic = any("{topic}" in t for t in titles)
        ctx["topics3"] = quoted_list(self.rng.sample(pool, min(3, len(pool))))
        ctx["topic_pool"] = "\n".join(pool)
        slots = subject.get("annotations", {}).get(kind["name"]) or kind["annotation"]
        sentences = [fill(self.rng.choice(slot), ctx) for slot in slots]
        if self.rng.random() < 0.5:
            sentences.append(fill(self.rng.choice(self.templates["annotation"]["tail"]), ctx))
        authors = [author]
        colleagues = [
            p for p in self.by_subject[subject_name] if p.org is author.org and p is not author
        ]
        if colleagues and self.rng.random() < 0.2:
            authors.append(self.rng.choice(colleagues))
        record = Material(
            title=title,
            authors=[p.name for p in authors],
            organisation=author.org["name"],
            subjects=[subject_name],
            grades=grades,
            levels=["ДПО"] if kind.get("dpo") or not grades else [],
            resource_type=kind["name"],
            keywords=self._keywords(subject, kind, ctx, grades, titled_by_topic),
            annotation=" ".join(sentences),
            audience=list(kind["audience"]),
            association=ctx["association"],
            rights=self.rng.choice(self.templates["values"]["rights"]),
        )
        self._finish(record, year)
        if self.rng.random() < 0.35:
            record.event = f"{self.rng.choice(self.city['city']['events'])}, {year}"
        if self.rng.random() < 0.08:
            record.links = [
                f"https://{author.org['code']}.{self.city['city']['domain']}"
                f"/metodika/{self.rng.randint(100, 9999)}"
            ]
        return _Draft(record, ctx, subject)

    def _keywords(
        self,
        subject: dict[str, Any],
        kind: dict[str, Any],
        ctx: dict[str, str],
        grades: list[str],
        with_topic: bool,
    ) -> list[str]:
        words = self.rng.sample(subject["keywords"], min(2, len(subject["keywords"])))
        topic = ctx.get("topic", "")
        if with_topic and len(topic) <= 40 and "„" not in topic:
            words.append(topic if topic[:2].isupper() else topic[:1].lower() + topic[1:])
        words.append(kind["name"].lower())
        if len(grades) == 1 and grades[0] in SCHOOL_GRADES:
            words.append(ctx["grade_label"])
        return list(dict.fromkeys(words))

    def _finish(self, record: Record, year: int) -> None:
        self.stamp(record, year)
        record.status = self.status(year)
        record.reviews = self.reviews(record.status, record.created_at)

    def featured(self) -> list[_Draft]:
        """The fixed records of ``featured.toml`` (fractions, «ёлка», «ёж», «счёт»)."""
        out = []
        for item in load("featured")["record"]:
            subject = self.subjects[item["subject"]]
            org = next(o for o in self.orgs if o["name"] == item["org"])
            people = [p for p in self.by_subject[item["subject"]] if p.org is org]
            author = self.rng.choice(people) if people else self.pick_author(item["subject"])
            record = Material(
                title=item["title"],
                authors=[author.name],
                organisation=org["name"],
                subjects=[item["subject"]],
                grades=list(item["grades"]),
                levels=["ДПО"] if self.types[item["resource_type"]].get("dpo") else [],
                resource_type=item["resource_type"],
                keywords=list(item["keywords"]),
                annotation=item["annotation"],
                audience=list(self.types[item["resource_type"]]["audience"]),
                association=subject["association"],
                rights=self.templates["values"]["rights"][0],
            )
            self.stamp(record, item["year"])
            record.status = item["status"]
            record.reviews = self.reviews(record.status, record.created_at)
            self._used_titles.add(record.title)
            ctx = self.common_ctx(subject, record.grades, item["year"])
            out.append(_Draft(record, ctx, subject, item.get("body", []), item["files"]))
        return out

    # -- attachment files ---------------------------------------------------------------------

    def body(self, draft: _Draft, rng: random.Random, name: str | None = None) -> list[str]:
        """Paragraphs of an attachment («## » marks headings)."""
        if draft.body and name is None:
            return list(draft.body)
        name = name or self.types[draft.record.resource_type]["body"]
        if draft.record.grades == ["ДО"] and f"{name}_preschool" in self.templates["body"]:
            name = f"{name}_preschool"
        ctx = dict(draft.ctx)
        ctx.setdefault("topic", draft.record.title)
        ctx.setdefault("topics3", "")
        ctx.setdefault("age", "")
        paragraphs: list[str] = []
        for item in self.templates["body"][name]:
            if isinstance(item, list):
                item = rng.choice(item)
            if item == "{subject_body}":
                lines = draft.subject["body"]
                paragraphs += rng.sample(lines, min(2, len(lines)))
            elif item == "{topic_lines}":
                pool = ctx.get("topic_pool", ctx["topic"]).split("\n")
                paragraphs += [
                    f"{i}. {fill(t, {})} — {rng.choice((2, 3, 4, 5, 6, 8))} ч."
                    for i, t in enumerate(pool, 1)
                ]
            elif item == "{tasks}":
                paragraphs += [fill(t, ctx) for t in self.templates["body"]["tasks"]]
            elif text := fill(item, ctx):
                paragraphs.append(text)
        return paragraphs

    def files_for(self, draft: _Draft, index: int) -> list[DemoFile]:
        """Attachment files of one material, from a generator of its own."""
        rng = random.Random(f"{self.seed}:files:{index}")
        record = draft.record
        kind = self.types[record.resource_type]
        formats = draft.formats if draft.formats is not None else [rng.choice(kind["files"])]
        author = record.authors[0] if record.authors else demo_files.AUTHOR
        paragraphs = self.body(draft, rng)
        out = [_make_file(record.title, fmt, paragraphs, author) for fmt in formats]
        if draft.formats is None and kind["body"] == "lesson" and rng.random() < 0.25:
            slides = self.body(draft, rng, "presentation")
            title = f"Презентация к {draft.ctx['lesson_dat']} «{draft.ctx['topic']}»"
            out.append(_make_file(fill(title, {}), "pptx", slides, author))
        return out

    # -- everything ------------------------------------------------------------------------------

    def prepare(self) -> list[Pending]:
        """All records, in catalogue order; their files are made only when asked for."""
        from catalogue.demo.library import media_records
        from catalogue.demo.portfolios import portfolio_records

        drafts = self.featured()
        drafts += [self.material(s, g) for s, g in self._plan()]
        with_files = [i for i, d in enumerate(drafts) if d.formats]
        others = [i for i, d in enumerate(drafts) if d.formats is None]
        extra = max(0, self.count("files") - len(with_files))
        chosen = set(with_files) | set(self.rng.sample(others, min(extra, len(others))))
        out = [
            Pending(d.record, self, d, i) if i in chosen else Pending(d.record)
            for i, d in enumerate(drafts)
        ]
        out += [Pending(item.record) for item in media_records(self)]
        out += [Pending(item.record) for item in portfolio_records(self)]
        return out


@dataclass
class Pending:
    """A generated record whose attachment files are made on demand (see :func:`prepare`)."""

    record: Record
    _demo: Demo | None = None
    _draft: _Draft | None = None
    _index: int = 0

    @property
    def has_files(self) -> bool:
        return self._demo is not None

    def files(self) -> list[DemoFile]:
        """The record's attachment files (the same bytes every time)."""
        if self._demo is None or self._draft is None:
            return []
        return self._demo.files_for(self._draft, self._index)


def _plus_days(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


def _make_file(title: str, fmt: str, paragraphs: list[str], author: str) -> DemoFile:
    if fmt == "pptx":
        data = demo_files.pptx_bytes(title, demo_files.slides_from_paragraphs(paragraphs), author)
    elif fmt == "pdf":
        data = demo_files.pdf_bytes(title, paragraphs, author)
    else:
        data = demo_files.docx_bytes(title, paragraphs, author)
    return DemoFile(file_name(title, fmt), MEDIA_TYPES[fmt], data)


def generate(seed: int = 2026, scale: float = 1.0, with_files: bool = True) -> list[DemoRecord]:
    """The demo catalogue: ≈900·scale materials, ≈400·scale media items, ≈200·scale portfolios.

    About 200·scale materials get DOCX/PDF/PPTX attachments (none when ``with_files`` is
    false; the records are the same either way). Same arguments → identical output.
    """
    pending = prepare(seed, scale)
    return [DemoRecord(p.record, p.files() if with_files else []) for p in pending]


def prepare(seed: int = 2026, scale: float = 1.0) -> list[Pending]:
    """Like :func:`generate`, but files are made one record at a time via ``Pending.files()``.

    Records come out fully formed at once (fast); file bytes are drawn from a generator of
    their own per record, so the result does not depend on when or whether they are made.
    """
    return Demo(seed, scale).prepare()
