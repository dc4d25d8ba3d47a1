"""The import report: one line per file (or spreadsheet row) — imported, flagged, duplicate,
failed or skipped — with the reason, saved in ``<home>/logs/import-YYYYMMDD-HHMMSS.json`` and
``.csv`` beside it."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from catalogue import cells
from catalogue.i18n import t

if TYPE_CHECKING:
    import pandas as pd

IMPORTED, FLAGGED, DUPLICATE, FAILED, SKIPPED = (
    "imported",
    "flagged",
    "duplicate",
    "failed",
    "skipped",
)
OUTCOMES = (IMPORTED, FLAGGED, DUPLICATE, FAILED, SKIPPED)


@dataclass
class Entry:
    """What happened to one file (or one row of a spreadsheet of records)."""

    file: str
    outcome: str
    message: str = ""
    record_id: str = ""
    row: int | None = None
    kind: str = ""
    similar: list[str] = field(default_factory=list)  # near-duplicate record ids


@dataclass
class ImportReport:
    """Everything one import did; ``counts`` by outcome, ``formats`` by file extension."""

    started_at: str = ""
    seconds: float = 0.0
    entries: list[Entry] = field(default_factory=list)
    saved_to: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # summaries of whole files (list changes)

    def add(self, file: str | Path, outcome: str, message: str = "", **values: Any) -> Entry:
        entry = Entry(str(file), outcome, message, **values)
        self.entries.append(entry)
        return entry

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(e.outcome for e in self.entries)
        return {outcome: found.get(outcome, 0) for outcome in OUTCOMES}

    @property
    def record_ids(self) -> list[str]:
        """Ids of the records this import created."""
        return [
            e.record_id for e in self.entries if e.outcome in (IMPORTED, FLAGGED) and e.record_id
        ]

    def formats(self) -> dict[str, dict[str, int]]:
        """Per file extension: how many files had each outcome (rows of tables excluded)."""
        table: dict[str, Counter[str]] = {}
        for entry in self.entries:
            if entry.row is not None:
                continue
            suffix = PurePath(entry.file).suffix.lower().lstrip(".") or "—"
            table.setdefault(suffix, Counter())[entry.outcome] += 1
        return {k: dict(v) for k, v in sorted(table.items())}

    def summary(self) -> str:
        """One line of counts in the user's language."""
        c = self.counts
        return t(
            "ingest.summary",
            imported=c[IMPORTED] + c[FLAGGED],
            flagged=c[FLAGGED],
            duplicate=c[DUPLICATE],
            failed=c[FAILED],
            skipped=c[SKIPPED],
            similar=sum(1 for e in self.entries if e.similar),
            seconds=f"{self.seconds:.1f}",
        )

    def lines(self) -> list[str]:
        """Readable lines for everything that was not a plain success."""
        out = []
        for e in self.entries:
            if e.outcome == IMPORTED and not e.similar:
                continue
            where = f"{e.file}" + (t("ingest.row_suffix", row=e.row) if e.row else "")
            text = e.message or t(f"ingest.outcome_{e.outcome}")
            if e.similar:
                text = (text + " " if e.message else "") + t(
                    "ingest.similar", ids=", ".join(e.similar)
                )
            label = t(f"ingest.outcome_{e.outcome}")
            out.append(f"[{label}] {where}: {text}" + (f" → {e.record_id}" if e.record_id else ""))
        return out + self.notes

    def to_json(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at,
            "seconds": round(self.seconds, 2),
            "counts": self.counts,
            "formats": self.formats(),
            "records": self.record_ids,
            "entries": [asdict(e) for e in self.entries],
            "saved_to": self.saved_to,
            "notes": self.notes,
        }

    def to_frame(self) -> pd.DataFrame:
        """The entries as a pandas DataFrame (for notebooks)."""
        import pandas as pd

        return pd.DataFrame(
            [asdict(e) for e in self.entries], columns=[f for f in Entry.__dataclass_fields__]
        )

    def save(self, logs_dir: Path) -> list[Path]:
        """Write ``import-<time>.json`` and ``.csv`` into ``logs_dir``; return their paths."""
        logs_dir.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")[:-3]
        base = logs_dir / f"import-{stamp}"
        json_path, csv_path = base.with_suffix(".json"), base.with_suffix(".csv")
        self.saved_to = [str(json_path), str(csv_path)]
        json_path.write_text(
            json.dumps(self.to_json(), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        head = ["file", "row", "outcome", "record", "message", "similar"]
        rows: list[list[str | int]] = [[t(f"ingest.col_{name}") for name in head]]
        rows += [
            [
                e.file,
                e.row or "",
                t(f"ingest.outcome_{e.outcome}"),
                e.record_id,
                e.message,
                " ".join(e.similar),
            ]
            for e in self.entries
        ]
        with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel reads it
            cells.write_rows(fh, rows, delimiter=";")
        return [json_path, csv_path]
