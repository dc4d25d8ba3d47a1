"""How well import suggestions match the real corpus's MANIFEST (run on demand).

    .venv/bin/python -m bench.ingest_accuracy [--corpus ../shared/corpus/real]

Imports the corpus into a temporary workspace (timing it, with OCR when Tesseract is there),
prints per-format outcomes, then compares the suggested subject, grades and resource type of
each document with the MANIFEST's ``subject``, ``grades`` and ``doc_type`` columns. Only rows
whose MANIFEST value maps to the catalogue's vocabulary are scored; a subject counts as right
when the expected subject is among the suggested ones, grades when the sets are equal (and,
separately, when they overlap), a type when it is equal, a title when at least half of the
MANIFEST title's words are in it.

Each figure is also given for the two halves of the corpus (split by a stable hash of the file
name): tune on one half, read the other, and a rule that only fits the files it was tuned on
shows as a gap between them.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
import zlib
from pathlib import Path

from catalogue import vocabularies
from catalogue.ingest.pipeline import import_paths
from catalogue.ingest.values import parse_grades
from catalogue.workspace import Workspace
from index.analysis import words

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real"
DOC_TYPES = {
    "lesson plan": "Конспект урока",
    "presentation": "Презентация",
    "recommendations": "Методические рекомендации",
    "regulation": "Положение",
    "work program": "Рабочая программа",
}


def expected_subject(value: str) -> str | None:
    for part in [value, *value.replace("(", "/").replace(")", "").split("/")]:
        term = vocabularies.get("subjects").resolve(part.strip())
        if term:
            return term.code
    return None


def expected_grades(value: str) -> list[str] | None:
    if "дошкол" in value or "лет" in value or "года" in value:
        return ["ДО"]
    grades = parse_grades(value) if any(ch.isdigit() for ch in value) else []
    return grades or None


def title_matches(expected: str, suggested: str) -> bool:
    """At least half of the MANIFEST title's words (as stems) are in the suggested title."""
    want = set(words(expected))
    return bool(want) and len(want & set(words(suggested))) >= len(want) / 2


def half(file: str) -> str:
    """The half of the corpus a file belongs to: ``"A"`` or ``"B"`` (stable across runs)."""
    return "AB"[zlib.crc32(file.encode("utf-8")) % 2]


def percent(hits: int, total: int) -> str:
    return f"{hits}/{total} = {100 * hits / total:.0f} %" if total else "—"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    manifest = list(
        csv.DictReader((args.corpus / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t")
    )
    with tempfile.TemporaryDirectory() as tmp, Workspace.create(Path(tmp) / "ws") as ws:
        started = time.perf_counter()
        report = import_paths(ws, [args.corpus])
        print(f"import of {args.corpus}: {time.perf_counter() - started:.1f} s, {report.counts}")
        for fmt, outcomes in report.formats().items():
            print(f"  {fmt:5} {outcomes}")
        by_file = {Path(e.file).resolve(): e.record_id for e in report.entries if e.record_id}
        fields = ("title", "subject", "grades", "grades_overlap", "type")
        scores = {(f, part): [0, 0] for f in fields for part in ("all", "A", "B")}

        def score(field: str, file: str, right: bool) -> None:
            for part in ("all", half(file)):
                scores[field, part][0] += right
                scores[field, part][1] += 1

        missed_titles = []
        for row in manifest:
            record_id = by_file.get((args.corpus / row["file"]).resolve())
            if not record_id:
                continue
            record = ws.store.get(record_id)
            file = row["file"]
            right = title_matches(row["title"], record.title)
            score("title", file, right)
            if not right:
                missed_titles.append((row["title"][:60], record.title[:60]))
            subject = expected_subject(row["subject"])
            if subject:
                score("subject", file, subject in record.subjects)
            grades = expected_grades(row["grades"])
            if grades:
                score("grades", file, set(grades) == set(record.grades))
                score("grades_overlap", file, bool(set(grades) & set(record.grades)))
            doc_type = DOC_TYPES.get(row["doc_type"])
            if doc_type:
                score("type", file, doc_type == record.resource_type)
        print(f"{'field':15} {'all':>16} {'half A':>16} {'half B':>16}")
        for name in fields:
            cells = [percent(*scores[name, part]) for part in ("all", "A", "B")]
            print(f"{name:15} " + " ".join(f"{cell:>16}" for cell in cells))
        print("titles missed (MANIFEST → suggested):")
        for expected, got in missed_titles:
            print(f"  {expected!r} → {got!r}")


if __name__ == "__main__":
    main()
