"""``imk doctor`` and the healing every open does: each kind of damage, found, repaired or not.

The pristine workspace is built once per session (real SQLite file, real files, real Whoosh
index); each test damages its own copy the way a crash or a careless hand would.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.crash import seed
from catalogue.workspace import Workspace
from imk.cli import build_cli
from index.engine import CatalogueIndex

CLI = build_cli()


@pytest.fixture(scope="session")
def pristine(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("doctor") / "workspace"
    seed(home, count=12)
    return home


@pytest.fixture
def home(pristine, tmp_path) -> Path:
    copy = tmp_path / "workspace"
    shutil.copytree(pristine, copy)
    return copy


def doctor(home: Path, *options: str) -> tuple[int, dict]:
    result = CliRunner().invoke(
        CLI, ["--home", str(home), "doctor", "--json", *options], catch_exceptions=False
    )
    return result.exit_code, json.loads(result.stdout)


def codes(report: dict) -> dict[str, dict]:
    return {f["code"]: f for f in report["findings"]}


def a_file(home: Path) -> Path:
    return sorted((home / "files").rglob("*"))[-1]


def orphan(home: Path) -> str:
    sha = "ab" + "0" * 62
    (home / "files" / "ab").mkdir(exist_ok=True)
    (home / "files" / "ab" / sha).write_bytes(b"no record names these bytes")
    return sha


def damage_content(home: Path) -> str:
    path = a_file(home)
    path.write_bytes(path.read_bytes() + b" tampered")
    return str(path)


def remove_file(home: Path) -> str:
    path = a_file(home)
    path.unlink()
    return path.name


def stray(home: Path) -> str:
    path = home / "files" / ".part-k1ll3d"
    path.write_bytes(b"half a copy")
    return str(path)


def index_leftover(home: Path) -> str:
    (home / "index.new").mkdir()
    (home / "index.new" / "_MAIN_1.toc").write_bytes(b"half an index")
    return str(home / "index.new")


def index_gone(home: Path) -> str:
    shutil.rmtree(home / "index")
    (home / "index").mkdir()
    return "mat-000001"


# damage (returns an item the finding must list), the finding's code, repairable
DAMAGE = [
    pytest.param(damage, code, repairable, id=damage.__name__)
    for damage, code, repairable in [
        (orphan, "orphans", True),
        (stray, "strays", True),
        (index_leftover, "leftovers", True),
        (index_gone, "inconsistent", True),
        (damage_content, "damaged", False),
        (remove_file, "missing", False),
    ]
]


def test_a_sound_workspace_is_reported_sound(home):
    code, report = doctor(home)
    assert code == 0 and report["ok"] and report["findings"] == []
    assert report["checked"] == {"records": 12, "versions": 12, "files": 12}


def test_the_report_is_in_russian_and_says_what_is_left(home):
    orphan(home)
    damage_content(home)
    result = CliRunner().invoke(CLI, ["--home", str(home), "doctor"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "файлы, на которые не ссылается ни одна запись (1)" in result.stdout
    assert "автоматически не исправить" in result.stdout
    assert "Итог: осталось проблем: 2." in result.stdout
    assert "imk doctor --repair" in result.stdout


@pytest.mark.parametrize(("damage", "code", "repairable"), DAMAGE)
def test_each_damage_is_found_and_repaired_when_safe(home, damage, code, repairable):
    item = damage(home)
    status, report = doctor(home)
    assert status == 1 and not report["ok"]
    finding = codes(report)[code]
    assert item in finding["items"] and finding["repairable"] is repairable
    status, report = doctor(home, "--repair")
    assert codes(report)[code]["repaired"] is repairable
    status, report = doctor(home)
    assert (status == 0) is repairable and report["ok"] is repairable


def test_repair_never_removes_a_file_a_record_names(home):
    named = {p.name for p in (home / "files").rglob("*") if p.is_file()}
    orphan(home)
    doctor(home, "--repair")
    assert {p.name for p in (home / "files").rglob("*") if p.is_file()} == named


def test_a_damaged_database_file_is_reported_not_opened(home):
    db = home / "catalogue.sqlite"
    data = db.read_bytes()
    db.write_bytes(data[:4096] + b"\xff" * (len(data) - 4096))  # every page but the header
    status, report = doctor(home)
    assert status == 1
    assert codes(report)["integrity"]["repairable"] is False


# -- healing on open: processes that died with files staged ---------------------------------

DIE = """
import os, signal, sys
from catalogue import records
from catalogue.workspace import Workspace
ws = Workspace.open(sys.argv[1])
attachment = ws.add_attachment("killed.txt", sys.argv[2].encode())
if sys.argv[3] == "after-commit":
    ws.store.after_save.clear()  # killed between the commit and moving the file in place
    record = records.new("material", title="Урок перед сбоем", subjects=["Математика"])
    record.attachments.append(attachment)
    ws.store.save(record, by="test")
print(attachment.sha256, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def die_while_saving(home: Path, moment: str) -> str:
    text = f"Файл, записанный перед сбоем ({moment})"
    done = subprocess.run(
        [sys.executable, "-c", DIE, str(home), text, moment], capture_output=True, text=True
    )
    assert done.returncode == -signal.SIGKILL
    return done.stdout.strip()


@pytest.mark.subprocess
@pytest.mark.parametrize(
    ("moment", "published"), [("before-commit", False), ("after-commit", True)]
)
def test_opening_settles_what_a_killed_process_staged(home, moment, published):
    sha = die_while_saving(home, moment)
    assert list((home / "staging").glob(f"*/{sha}")), "the killed process left its file staged"
    with Workspace.open(home) as ws:
        assert (ws.healed.published, ws.healed.removed) == (int(published), int(not published))
        assert ws.files.path(sha).is_file() is published
        assert ws.files.dead_staging() == []
    status, report = doctor(home)
    assert status == 0, report


def test_a_living_process_keeps_its_staged_files(home):
    with Workspace.open(home) as writer:
        attachment = writer.add_attachment("в работе.txt", "Ещё не сохранено".encode())
        with Workspace.open(home) as other:
            assert other.healed.removed == 0
            assert other.files.dead_staging() == []
        assert writer.file_path(attachment.sha256).read_bytes() == "Ещё не сохранено".encode()
    assert not list((home / "staging").iterdir()), "closing settles the process's own staging"


def test_a_staged_file_nobody_saved_is_gone_after_close(home):
    with Workspace.open(home) as ws:
        attachment = ws.add_attachment("черновик.txt", "Не сохранённый файл".encode())
    assert not (home / "files" / attachment.sha256[:2] / attachment.sha256).exists()


@pytest.mark.parametrize("complete", [False, True])
def test_a_killed_rebuild_is_healed_by_the_next_open(home, complete):
    if complete:  # killed after the new index was finished, before the swap
        shutil.copytree(home / "index", home / "index.new")
        shutil.rmtree(home / "index")
    else:
        index_leftover(home)
    with Workspace.open(home) as ws:
        index = CatalogueIndex.open(ws)
        try:
            assert index.check().ok
            assert index.doc_count() == 12
        finally:
            index.close()
        assert CatalogueIndex.leftovers(ws) == []


@pytest.mark.subprocess
def test_a_running_rebuild_keeps_its_folder(home):
    """While a rebuild holds the lock, opening leaves its index.new alone."""
    code = (
        "import sys, time\n"
        "from catalogue.filelock import FileLock\n"
        "lock = FileLock(sys.argv[1]); lock.acquire(); print('held', flush=True); time.sleep(60)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(home / "index.build.lock")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        index_leftover(home)
        with Workspace.open(home) as ws:
            CatalogueIndex.open(ws).close()
        assert (home / "index.new").is_dir()
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    with Workspace.open(home) as ws:
        CatalogueIndex.open(ws).close()
    assert not (home / "index.new").exists()
