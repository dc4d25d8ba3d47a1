"""Match accuracy of schools' textbook lists against the federal list, on generated lists whose
truth is known: share of rows matched right, wrong matches above the confidence threshold (must
be none), rows flagged for a methodist — and among those, the rows that are indistinguishable:
the list has another book equal to the row's own in every field the row carries (old and new
editions of one book), so no matcher can tell which one the school has.

    python -m bench.textbooks_match                 # the official list from ../shared if present
    python -m bench.textbooks_match --generated     # a generated federal list
    python -m bench.textbooks_match --schools 5 --seed 3

The federal list is imported into a fresh workspace, 20 school lists are generated from it (with
typos, abbreviations, word forms, merged headers, expired, excluded and unlisted books), each is
imported (read under the limits, parsed, matched) and every row is compared with the truth.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from catalogue.ingest.pipeline import import_paths
from catalogue.textbooks import generator
from catalogue.textbooks.importing import federal_books, import_school_list, matcher_for
from catalogue.workspace import Workspace

OFFICIAL = (
    Path(__file__).resolve().parents[1].parent
    / "shared/corpus/real/xlsx/fpu_federalnyy_perechen_dlya_zagruzki_negativnyy.xlsx"
)


@dataclass
class Accuracy:
    """Counts of an accuracy run."""

    rows: int = 0
    right: int = 0
    wrong: int = 0  # a confident match to the wrong book, or «not in the list» for a listed one
    flagged: int = 0  # left for a methodist
    indistinguishable: int = 0  # flagged, and the list has another book the row fits as well
    wrong_rows: list[str] = field(default_factory=list)

    @property
    def share_right(self) -> float:
        return self.right / self.rows if self.rows else 0.0

    @property
    def share_right_distinguishable(self) -> float:
        """Right among the rows whose data tell their book from every other in the list."""
        rows = self.rows - self.indistinguishable
        return self.right / rows if rows else 0.0


def measure(ws: Workspace, folder: Path, schools: list[generator.GeneratedSchool]) -> Accuracy:
    """Import every generated list into ``ws`` and compare its rows with the truth."""
    books = federal_books(ws.store)
    matcher = matcher_for(books.values())
    found = Accuracy()
    for school in schools:
        result = import_school_list(
            ws, folder / school.file, school.school, "bench", matcher=matcher
        )
        rows = {r.row: r for r in result.school_list.rows} if result.school_list else {}
        for truth in school.truth:
            found.rows += 1
            row = rows.get(truth.row)
            if row is None or row.outcome == "ambiguous":
                found.flagged += 1
                if row is not None and truth.record_id in row.tied and len(row.tied) > 1:
                    found.indistinguishable += 1
            elif (row.outcome == "matched" and row.record_id == truth.record_id) or (
                row.outcome == "none" and not truth.record_id
            ):
                found.right += 1
            else:
                found.wrong += 1
                found.wrong_rows.append(f"{school.school}, строка {truth.row}: «{row.title}»")
    return found


def run(generated: bool, schools: int, seed: int) -> Accuracy:
    """Build the workspace, generate the lists, measure."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = [OFFICIAL]
        if generated or not OFFICIAL.exists():
            older, newer = generator.federal_rows(seed)
            paths = [
                generator.write_federal_list(older, root / "fpu-old.xlsx"),
                generator.write_federal_list(newer, root / "fpu-new.xlsx"),
            ]
        with Workspace.create(root / "ws") as ws:
            for path in paths:
                import_paths(ws, [path])
            books = list(federal_books(ws.store).values())
            made = generator.school_lists(books, root / "lists", seed, schools)
            started = time.perf_counter()
            accuracy = measure(ws, root / "lists", made)
            seconds = time.perf_counter() - started
    source = "generated" if len(paths) > 1 else "official"
    per_row = seconds / max(accuracy.rows, 1) * 1000
    print(
        f"{source} list, {len(books)} textbooks; {schools} schools, {accuracy.rows} rows: "
        f"right {accuracy.right} ({accuracy.share_right:.1%}), wrong {accuracy.wrong}, "
        f"flagged {accuracy.flagged} (indistinguishable {accuracy.indistinguishable}: the list "
        "has another book the row fits as well; right among the other rows "
        f"{accuracy.share_right_distinguishable:.1%}); {seconds:.1f} s ({per_row:.0f} ms a row)"
    )
    for line in accuracy.wrong_rows:
        print("  wrong:", line)
    return accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", action="store_true", help="use a generated federal list")
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    run(args.generated, args.schools, args.seed)


if __name__ == "__main__":
    main()
