"""The privacy walk: every field of every record kind gets a unique planted value, and the walk
asserts where that value may and may not appear.

The fields come from the record model (``dataclasses.fields`` of every kind in
:data:`catalogue.records.RECORD_TYPES`), so a field added later is walked without touching this
file — and a field of a type the walk cannot fill fails :func:`test_every_field_is_planted`.
Portfolios are planted in three states: no consent and nothing public (``closed``), consent but
nothing public (``consented``), consent and every field a teacher may open (``open``).

Surfaces: search JSON (hits, snippets, facets) and whether a search for the value finds the
record, the Whoosh index files on disk (raw bytes), the collection exports html/zip/csv/xlsx/
ris/bibtex, ``imk portfolio-page``, ``imk cite`` in every style, report files (CSV of each
report, XLSX and HTML of all), and the logs (search log, import logs).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import types
import typing
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from catalogue import privacy
from catalogue.citations import STYLES
from catalogue.export import FORMATS
from catalogue.i18n import t
from catalogue.records import (
    RECORD_TYPES,
    Attachment,
    Collection,
    CollectionItem,
    Course,
    Portfolio,
    Record,
    Review,
)
from catalogue.reports import REPORTS
from catalogue.workspace import Workspace
from imk.cli import build_cli
from index.engine import CatalogueIndex
from index.search import search

pytestmark = pytest.mark.slow  # builds a workspace and writes every export format

CLI = build_cli()
OUTWARD = (
    "search",
    "found",
    "index",
    "html",
    "zip",
    "csv",
    "xlsx",
    "ris",
    "bibtex",
    "page",
    "cite",
)
SURFACES = (*OUTWARD, "reports", "logs")
# set by the catalogue itself, not by whoever fills the record (all on privacy.NON_PERSONAL)
SET_BY_STORE = {"id", "version", "created_at", "updated_at"}
# the publicity switches themselves
CONTROLS = {"public_fields", "consent_to_publish"}
# portfolio states: (consent, public fields)
PORTFOLIO_CASES = {
    "closed": (False, ()),
    "consented": (True, ()),
    "open": (True, privacy.PUBLIC_CHOICES),
}
# vocabulary fields get valid values, distinct per case, and are probed by those values
VOCAB = {
    "subjects": {"closed": "Психология", "consented": "Химия", "open": "География"},
    "audience": {"closed": "руководитель", "consented": "родитель", "open": "ученик"},
    "resource_type": {"closed": "Положение", "consented": "Сценарий мероприятия", "open": "ЦОР"},
    "category": {"closed": "Педагог-методист", "consented": "Педагог-наставник", "open": "Высшая"},
}
GRADES = {"closed": ("ДО", "дошкольная группа"), "consented": ("11", "11 класс")}
GRADES["open"] = ("9", "9 класс")
UNPROBED = SET_BY_STORE | CONTROLS | {"levels", "status", "format"}
DATES = ("category_assigned", "category_expires", "birth_date", "valid_until", "list_excluded")
# a media item's place on the federal list of textbooks: validated codes, nothing personal
FEDERAL_LIST = {"list_appendix": "1", "list_number": "1.1.2.3.1.16.1."}
# probed as text only: a search for «Педагог-методист» or «1951-03-17» matches other words too
INEXACT = {*VOCAB, *FEDERAL_LIST, "grades", *DATES}
ORDINARY = {"subjects": "Математика", "audience": "учитель", "resource_type": "Конспект урока"}


@dataclass
class Plant:
    """One planted field: the record it is in, and the strings that betray it."""

    case: str  # material | media | closed | consented | open
    kind: str
    name: str
    probes: list[str] = field(default_factory=list)
    exact: bool = True  # False: a vocabulary value, checked as text but not by searching


class Planter:
    """Unique values for every field type of the record model."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.n = 0

    def token(self) -> str:
        """Latin letters far apart from every other token (no typo correction turns one into
        another), ending in a digit (no stemmer touches it)."""
        self.n += 1
        digest = hashlib.sha256(f"walk{self.n}".encode()).digest()
        return "zq" + "".join(chr(ord("a") + b % 26) for b in digest[:8]) + "7"

    def number(self) -> int:
        self.n += 1
        return 9_700_000 + self.n

    def date(self) -> tuple[str, list[str]]:
        self.n += 1
        day = f"19{self.n % 50 + 10:02d}-0{self.n % 9 + 1}-{self.n % 17 + 10:02d}"
        y, m, d = day.split("-")
        return day, [day, f"{d}.{m}.{y}"]

    def value(self, case: str, name: str, hint: Any) -> tuple[Any, list[str]]:
        """A value for field ``name`` (of type ``hint``) in ``case`` and its probes."""
        portfolio = case in PORTFOLIO_CASES
        if name in VOCAB:
            value = VOCAB[name][case] if portfolio else ORDINARY[name]
            planted = [value] if name in ("subjects", "audience") else value
            return planted, [value] if portfolio else []
        if name == "grades":
            code, label = GRADES[case] if portfolio else ("5", "5 класс")
            return [code], [label] if portfolio else []
        if name == "levels":
            return [], []  # derived from the grades
        if name == "status":
            return "опубликовано", []
        if name == "format":
            return "учебник", []
        if name in FEDERAL_LIST:
            return FEDERAL_LIST[name], []
        if name == "isbn":
            return "978-5-360-21843-2", ["978-5-360-21843-2"]
        if name in DATES:
            return self.date()
        if name == "year":
            self.n += 1
            return 1800 + self.n, [str(1800 + self.n)]
        if name == "links":
            tok = self.token()
            return [f"https://{tok}.example/"], [tok]
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if hint is str:
            tok = self.token()
            return tok, [tok]
        if origin is list and args == (str,):
            tok = self.token()
            return [tok], [tok]
        if hint is int or (origin in (typing.Union, types.UnionType) and int in args):
            number = self.number()
            return number, [str(number)]
        if origin is list and args == (Course,):
            title, provider, hours = self.token(), self.token(), self.number()
            return [Course(title, hours, provider, 2025)], [title, provider]
        if origin is list and args == (Review,):
            who, comment = self.token(), self.token()
            return [Review(who, "2025-05-05", {"новизна": 3}, comment, "approve")], [who, comment]
        if origin is list and args == (Attachment,):
            name_tok, text_tok = self.token(), self.token()
            data = f"Текст вложения: {text_tok} о дробях.".encode()
            return [self.ws.add_attachment(f"{name_tok}.txt", data)], [name_tok, text_tok]
        if origin is dict:
            tok = self.token()
            return {"title": tok}, [tok]
        raise TypeError(f"the privacy walk cannot plant field {name!r} of type {hint!r}")


def walked_fields(kind: str) -> list[tuple[str, Any]]:
    """(name, type) of every field of a record kind, from the model."""
    cls = RECORD_TYPES[kind]
    hints = typing.get_type_hints(cls)
    return [(f.name, hints[f.name]) for f in dataclasses.fields(cls)]


def expected(plant: Plant, record: Record) -> set[str]:
    """The surfaces where ``plant`` may appear: from the declared lists of
    :mod:`catalogue.privacy` (pinned by :func:`test_the_lists_are_the_decided_ones`), not from
    the code that applies them."""
    if not isinstance(record, Portfolio):
        if plant.name in privacy.INTERNAL:
            return {"reports"}
        return set(SURFACES) - {"logs"}
    allowed: set[str] = set()
    gate = privacy.FOLLOWS.get(plant.name, plant.name)
    opened = gate in privacy.PUBLIC_CHOICES and gate in record.public_fields
    if plant.name in privacy.NON_PERSONAL or opened:
        allowed |= {"search", "found", "index"}
        if record.consent_to_publish:
            allowed |= set(FORMATS) | {"page", "cite"}
    if plant.name in privacy.INTERNAL_REPORT_FIELDS:
        allowed.add("reports")
    return allowed


@dataclass
class Walk:
    plants: list[Plant]
    records: dict[str, Record]
    texts: dict[str, str]  # surface → everything it holds, lower-cased
    found: dict[str, set[str]]  # probe → ids a search for it finds
    page_refused: str


def imk(home: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(CLI, ["--home", str(home), *args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def _read_zip(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


@pytest.fixture(scope="module")
def walk(tmp_path_factory) -> Walk:
    home = tmp_path_factory.mktemp("walk") / "ws"
    out = home.parent / "out"
    out.mkdir()
    plants: list[Plant] = []
    records: dict[str, Record] = {}
    with Workspace.create(home) as ws:
        planter = Planter(ws)
        cases = [("material", "material"), ("media", "media")]
        cases += [(case, "portfolio") for case in PORTFOLIO_CASES]
        for case, kind in cases:
            values: dict[str, Any] = {}
            for name, hint in walked_fields(kind):
                if name in SET_BY_STORE or name in CONTROLS or name in ("created_by", "updated_by"):
                    continue
                values[name], probes = planter.value(case, name, hint)
                plants.append(Plant(case, kind, name, probes, name not in INEXACT))
            by = planter.token()
            plants += [Plant(case, kind, n, [by]) for n in ("created_by", "updated_by")]
            if kind == "portfolio":
                values["consent_to_publish"], values["public_fields"] = (
                    PORTFOLIO_CASES[case][0],
                    list(PORTFOLIO_CASES[case][1]),
                )
            record = RECORD_TYPES[kind](**values)
            records[case] = ws.store.save(record, by=by)
        ws.store.collections.save(
            Collection(
                name="walk",
                title="Подборка для проверки",
                items=[CollectionItem(r.id) for r in records.values()],
            )
        )
        CatalogueIndex.build(ws)
    texts: dict[str, str] = {}
    for fmt, ext in FORMATS.items():
        path = out / f"walk.{ext}"
        imk(home, "collection", "export", "walk", "--format", fmt, "-o", str(path))
        if fmt in ("zip", "xlsx"):
            texts[fmt] = _read_zip(path)
        else:
            texts[fmt] = path.read_text(encoding="utf-8-sig")
    pages = []
    for case in ("consented", "open"):
        path = out / f"page-{case}.html"
        imk(home, "portfolio-page", records[case].id, "-o", str(path))
        pages.append(path.read_text(encoding="utf-8"))
    texts["page"] = "\n".join(pages)
    refused = imk(home, "portfolio-page", records["closed"].id, code=1).output
    cited = [
        imk(home, "cite", record.id, "--style", style).output
        for case, record in records.items()
        if case != "closed"
        for style in STYLES
    ]
    texts["cite"] = "\n".join(cited)
    assert (
        t("export.no_consent", id=records["closed"].id)
        in imk(home, "cite", records["closed"].id, code=1).output
    )
    reports = []
    for name in REPORTS:
        path = out / f"report-{name}.csv"
        imk(home, "report", name, "--format", "csv", "-o", str(path))
        reports.append(path.read_text(encoding="utf-8-sig"))
    imk(home, "report", "--format", "xlsx", "-o", str(out / "reports.xlsx"))
    reports.append(_read_zip(out / "reports.xlsx"))
    imk(home, "report", "--format", "html", "-o", str(out / "reports.html"))
    reports.append((out / "reports.html").read_text(encoding="utf-8"))
    texts["reports"] = "\n".join(reports)
    # searches: by every probe (not logged), then a few logged ones as a methodist would type
    found: dict[str, set[str]] = {}
    results = []
    with Workspace.open(home) as ws:
        index = CatalogueIndex.open(ws)
        for probe in sorted({p for plant in plants for p in plant.probes}):
            result = search(index, probe, page_size=50)
            found[probe] = {h.id for h in result.hits}
            results.append({k: v for k, v in result.to_json().items() if k != "query"})
        every = search(index, "", {"kind": ["portfolio"]}, page_size=50).to_json()
        results.append(every)
        index.close()
    texts["search"] = json.dumps(results, ensure_ascii=False)
    typed = ["дроби", "портфолио педагога", "учитель"]
    for query in typed:
        imk(home, "search", query)
    incoming = home.parent / "incoming"
    incoming.mkdir()
    (incoming / "урок.txt").write_text("Урок о дробях для 5 класса.", encoding="utf-8")
    imk(home, "import", str(incoming))
    with Workspace.open(home) as ws:
        logged = json.dumps(ws.store.search_log.entries(), ensure_ascii=False, default=str)
    logs = [logged, *(p.read_text(encoding="utf-8-sig") for p in (home / "logs").rglob("*.*"))]
    texts["logs"] = "\n".join(logs)
    texts["index"] = "\n".join(
        p.read_bytes().decode("utf-8", "replace")
        for p in (home / "index").rglob("*")
        if p.is_file()
    )
    return Walk(plants, records, {k: v.lower() for k, v in texts.items()}, found, refused)


def _shows(probe: str, text: str) -> bool:
    """Whether ``probe`` shows in ``text``; a number only as a whole number (a year 1915 is not
    inside another number, such as a timestamp of the run)."""
    if probe.isdigit():
        return re.search(rf"(?<!\d){probe}(?!\d)", text) is not None
    return probe.lower() in text


def seen(walk: Walk, plant: Plant) -> set[str]:
    """The surfaces where any probe of ``plant`` shows up."""
    where = set()
    record_id = walk.records[plant.case].id
    for probe in plant.probes:
        for surface, text in walk.texts.items():
            if _shows(probe, text):
                where.add(surface)
        if plant.exact and record_id in walk.found.get(probe, set()):
            where.add("found")  # words of a vocabulary value may match other text
    return where


def test_every_field_is_planted(walk):
    for kind in RECORD_TYPES:
        planted = {p.name for p in walk.plants if p.kind == kind}
        names = {name for name, _ in walked_fields(kind)}
        assert names - planted == SET_BY_STORE | (CONTROLS if kind == "portfolio" else set())


def _cases(kinds: tuple[str, ...]):
    out = []
    for case, kind in [("material", "material"), ("media", "media")] + [
        (c, "portfolio") for c in PORTFOLIO_CASES
    ]:
        if kind in kinds:
            out += [(case, name) for name, _ in walked_fields(kind)]
    return out


def _plant(walk: Walk, case: str, name: str) -> Plant | None:
    return next((p for p in walk.plants if p.case == case and p.name == name), None)


@pytest.mark.parametrize(("case", "name"), _cases(("material", "media", "portfolio")))
def test_field_appears_only_where_allowed(walk, case, name):
    plant = _plant(walk, case, name)
    if plant is None or not plant.probes:
        # set by the catalogue, a switch, derived (levels), or a vocabulary value of a material
        # (materials have nothing to hide but INTERNAL, which is always probed)
        assert name in UNPROBED or (case not in PORTFOLIO_CASES and name in INEXACT), name
        return
    leaked = seen(walk, plant) - expected(plant, walk.records[case])
    assert not leaked, f"{case}.{name} ({plant.probes}) leaks into {sorted(leaked)}"


@pytest.mark.parametrize("name", privacy.PUBLIC_CHOICES)
def test_public_fields_do_reach_the_export(walk, name):
    """The allow path works too: what the teacher opened is on the page and in the export."""
    plant = _plant(walk, "open", name)
    assert plant and plant.probes
    assert {"html", "page"} <= seen(walk, plant), (name, plant.probes)


@pytest.mark.parametrize(
    ("name", "surfaces"),
    [
        ("title", {"search", "csv", "xlsx", "ris", "bibtex"}),
        ("authors", {"csv", "xlsx", "ris", "bibtex"}),
        ("annotation", {"search", "csv", "xlsx"}),
        ("organisation", {"csv", "xlsx"}),
        ("keywords", set()),
    ],
)
def test_material_fields_reach_the_outward_surfaces(walk, name, surfaces):
    """The walk's detectors work: an ordinary material's text is found where it goes."""
    where = seen(walk, _plant(walk, "material", name))
    assert {"found", "index", "html", "zip"} | surfaces <= where, where


def test_event_and_association_stay_inside(walk):
    for case in PORTFOLIO_CASES:
        for name in ("event", "association"):
            assert seen(walk, _plant(walk, case, name)) == set(), (case, name)


def test_portfolio_without_consent_has_no_page(walk):
    assert t("export.no_consent", id=walk.records["closed"].id) in walk.page_refused


def test_reports_show_the_attestation_facts_of_every_teacher(walk):
    """Internal reports keep what the attestation calendar needs, consent or not."""
    for case in PORTFOLIO_CASES:
        assert "reports" in seen(walk, _plant(walk, case, "teacher")), case


def test_the_lists_are_the_decided_ones():
    """Widening what leaves without consent is a decision: change README and this test too."""
    assert set(privacy.NON_PERSONAL) == {
        "id",
        "language",
        "status",
        "version",
        "created_at",
        "updated_at",
        "public_fields",
        "consent_to_publish",
    }
    assert set(privacy.INTERNAL_REPORT_FIELDS) == {
        "id",
        "teacher",
        "position",
        "organisation",
        "subjects",
        "category",
        "category_assigned",
        "category_expires",
        "status",
        "courses",
    }
    for name in ("event", "association", "reviews", "suggested", "works"):
        assert name not in {*privacy.PUBLIC_CHOICES, *privacy.FOLLOWS, *privacy.NON_PERSONAL}
