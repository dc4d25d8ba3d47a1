"""Two methodists, two real processes, one record: exactly one save wins, the other gets the
conflict message, no version is lost, and the search index stays consistent with the store."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from catalogue import records
from catalogue.curation import merge
from catalogue.i18n import t
from index.engine import CatalogueIndex
from widgets.editor_model import EditorModel

pytestmark = pytest.mark.both_backends

EDITOR = """
import json, sys, time
from pathlib import Path
from catalogue.store import ConflictError
from catalogue.workspace import Workspace
from index.engine import CatalogueIndex

home, record_id, user, field, value, gate = sys.argv[1:7]
gate = Path(gate)
with Workspace.open(home) as ws:
    record = ws.store.get(record_id)
    (gate / f"ready-{user}").touch()
    while not (gate / "go").exists():
        time.sleep(0.01)
    setattr(record, field, json.loads(value))
    try:
        saved = ws.store.save(record, by=user)
        outcome = {"ok": True, "version": saved.version}
    except ConflictError as exc:
        outcome = {"ok": False, "message": str(exc)}
    CatalogueIndex.open(ws).close()
print(json.dumps(outcome, ensure_ascii=False))
"""


def start(home: Path, record_id: str, user: str, field: str, value, gate: Path):
    args = [
        sys.executable,
        "-c",
        EDITOR,
        str(home),
        record_id,
        user,
        field,
        json.dumps(value, ensure_ascii=False),
        str(gate),
    ]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, timeout=60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the other process did not get ready"
        time.sleep(0.02)


@pytest.fixture
def shared(workspace):
    record = workspace.store.save(
        records.new("material", title="Сложение дробей", subjects=["Математика"], grades=["5"]),
        by="Автор",
    )
    CatalogueIndex.open(workspace).close()
    return workspace, record


def race(workspace, record, gate: Path, edits):
    gate.mkdir()
    procs = [
        start(workspace.path, record.id, user, field, value, gate) for user, field, value in edits
    ]
    wait_for(lambda: all((gate / f"ready-{user}").exists() for user, _, _ in edits))
    (gate / "go").touch()
    results = {}
    for (user, _, _), proc in zip(edits, procs, strict=True):
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results[user] = json.loads(out)
    return results


@pytest.mark.subprocess
@pytest.mark.parametrize(
    "edits",
    [
        [
            ("Смирнова", "title", "Сложение дробей (Смирнова)"),
            ("Кузнецова", "title", "Сложение дробей (Кузнецова)"),
        ],
        [("Смирнова", "title", "Дроби: сложение"), ("Кузнецова", "keywords", ["дроби", "ФГОС"])],
    ],
    ids=["same-field", "different-fields"],
)
def test_two_processes_one_wins_the_other_gets_the_conflict(shared, tmp_path, edits):
    workspace, record = shared
    results = race(workspace, record, tmp_path / "gate", edits)
    winners = [u for u, r in results.items() if r["ok"]]
    losers = [u for u, r in results.items() if not r["ok"]]
    assert len(winners) == 1 and len(losers) == 1
    message = results[losers[0]]["message"]
    assert winners[0] in message and "версия 2" in message and record.id in message
    history = workspace.store.history(record.id)
    assert [v.version for v in history] == [1, 2]
    assert history[-1].saved_by == winners[0]
    index = CatalogueIndex.open(workspace)
    assert index.check().ok
    index.close()


@pytest.mark.subprocess
@pytest.mark.parametrize(
    ("their_field", "their_value", "both"),
    [
        ("keywords", ["дроби", "ФГОС"], []),
        ("title", "Их заголовок", ["title"]),
    ],
)
def test_editor_conflict_shows_the_diff_and_reapplies_mine(
    shared, tmp_path, their_field, their_value, both
):
    workspace, record = shared
    index = CatalogueIndex.open(workspace)
    model = EditorModel(workspace, index, user="Смирнова")
    model.load(record.id)
    model.set("title", "Мой заголовок")
    model.set("annotation", "Моя аннотация")
    results = race(workspace, record, tmp_path / "gate", [("Кузнецова", their_field, their_value)])
    assert results["Кузнецова"]["ok"]
    assert model.save() is None
    conflict = model.conflict
    assert "Кузнецова" in conflict.message and model.message == conflict.message
    assert conflict.theirs.version == 2 and conflict.both == both
    assert "annotation" in [c.field for c in conflict.changes]
    assert workspace.store.get(record.id).annotation == ""  # nothing silently overwritten
    saved = model.reapply_mine()
    assert saved.version == 3 and model.conflict is None
    assert (saved.title, saved.annotation) == ("Мой заголовок", "Моя аннотация")
    if their_field != "title":
        assert getattr(saved, their_field) == their_value
    assert [v.saved_by for v in workspace.store.history(record.id)] == [
        "Автор",
        "Кузнецова",
        "Смирнова",
    ]
    assert index.find_ids("мой заголовок") == [record.id] and index.check().ok
    index.close()


@pytest.mark.subprocess
def test_editor_take_theirs_drops_mine(shared, tmp_path):
    workspace, record = shared
    model = EditorModel(workspace, user="Смирнова")
    model.load(record.id)
    model.set("title", "Мой заголовок")
    race(workspace, record, tmp_path / "gate", [("Кузнецова", "title", "Их заголовок")])
    model.save()
    model.take_theirs()
    assert model.record.title == "Их заголовок" and not model.dirty
    assert model.message == t("editor.took_theirs", version=2)
    assert len(workspace.store.history(record.id)) == 2


@pytest.mark.parametrize("prefer", ["mine", "theirs"])
def test_merge_settles_fields_both_changed_by_preference(prefer):
    base = records.new("material", title="Основа", annotation="А", keywords=["к"])
    mine = records.new("material", title="Моё", annotation="А", keywords=["к", "моё"])
    theirs = records.new(
        "material", title="Их", annotation="Их аннотация", keywords=["к"], version=2
    )
    result = merge(base, mine, theirs, prefer=prefer)
    assert result.conflicts == ["title"]
    assert result.record.title == ("Моё" if prefer == "mine" else "Их")
    assert result.record.annotation == "Их аннотация"
    assert result.record.keywords == ["к", "моё"]
    assert result.record.version == 2
    with pytest.raises(ValueError):
        merge(base, mine, theirs, prefer="both")
