"""``imk backup`` / ``imk restore``: a consistent copy taken while an import is running, restored
into an empty workspace with its index rebuilt and ``imk doctor`` clean; refusals in Russian."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.crash import _text, seed
from catalogue.cli import build_cli
from catalogue.workspace import Workspace
from index.engine import CatalogueIndex

CLI = build_cli()
SEEDED = 10
IMPORTED = 30


def imk(home: Path, *args: str):
    return CliRunner().invoke(CLI, ["--home", str(home), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def during_import(tmp_path_factory) -> dict[str, Path]:
    """A backup taken while a real ``imk import`` process was saving records."""
    root = tmp_path_factory.mktemp("backup")
    home, folder, target = root / "workspace", root / "incoming", root / "backup"
    seed(home, count=SEEDED)
    folder.mkdir()
    rng = random.Random(5)
    for n in range(IMPORTED):
        (folder / f"урок-{n:02d}.txt").write_text(_text(rng, f"imp{n}", 150), encoding="utf-8")
    importing = subprocess.Popen(
        [str(Path(sys.executable).with_name("imk")), "--home", str(home), "import", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with Workspace.open(home) as ws:
        while ws.store.count() < SEEDED + 3 and importing.poll() is None:
            time.sleep(0.05)
    backed_up = imk(home, "backup", str(target))
    assert importing.wait(timeout=600) == 0
    assert backed_up.exit_code == 0, backed_up.stderr
    assert "Резервная копия готова" in backed_up.stderr
    restored_home = root / "restored"
    restored = imk(restored_home, "restore", str(target))
    assert restored.exit_code == 0, restored.stderr
    assert "индекс построен заново" in restored.stderr
    return {"home": home, "backup": target, "restored": restored_home}


def manifest(backup: Path) -> dict:
    return json.loads((backup / "imk-backup.json").read_text())


def test_the_backup_is_a_snapshot_taken_mid_import(during_import):
    taken = manifest(during_import["backup"])["records"]
    with Workspace.open(during_import["home"]) as ws:
        assert ws.store.count() == SEEDED + IMPORTED
    assert SEEDED + 3 <= taken < SEEDED + IMPORTED
    with Workspace.open(during_import["restored"]) as ws:
        assert ws.store.count() == taken


def test_the_restored_workspace_is_clean_for_doctor(during_import):
    result = imk(during_import["restored"], "doctor", "--json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0 and report["ok"], report
    assert (
        report["checked"]["files"]
        == report["checked"]["records"]
        == manifest(during_import["backup"])["records"]
    )


def test_every_restored_record_has_its_file_and_is_found(during_import):
    with Workspace.open(during_import["restored"]) as ws:
        index = CatalogueIndex.open(ws)
        try:
            assert index.check().ok and index.doc_count() == ws.store.count()
            for record in ws.store.iter_records():
                for attachment in record.attachments:
                    assert ws.files.path(attachment.sha256).is_file()
            last = list(ws.store.iter_records())[-1]
            assert last.id in index.find_ids(last.title)
        finally:
            index.close()


def test_the_backup_can_be_restored_again_elsewhere(during_import, tmp_path):
    result = imk(tmp_path / "again", "restore", str(during_import["backup"]))
    assert result.exit_code == 0
    assert imk(tmp_path / "again", "doctor").exit_code == 0


def not_empty_target(during_import, tmp_path):
    target = tmp_path / "full"
    target.mkdir()
    (target / "старое.txt").write_text("что-то")
    return imk(during_import["home"], "backup", str(target)), "не пуста"


def restore_over_records(during_import, tmp_path):
    return imk(during_import["home"], "restore", str(during_import["backup"])), "не пуста"


def restore_from_not_a_backup(during_import, tmp_path):
    folder = tmp_path / "просто-папка"
    folder.mkdir()
    return imk(tmp_path / "new", "restore", str(folder)), "нет законченной резервной копии"


@pytest.mark.parametrize(
    "attempt", [not_empty_target, restore_over_records, restore_from_not_a_backup]
)
def test_refusals_are_clear_and_change_nothing(during_import, tmp_path, attempt):
    with Workspace.open(during_import["home"]) as ws:
        before = ws.store.count()
    result, words = attempt(during_import, tmp_path)
    assert result.exit_code == 1
    assert words in result.stderr
    with Workspace.open(during_import["home"]) as ws:
        assert ws.store.count() == before


def test_restore_into_an_initialised_but_empty_workspace(during_import, tmp_path):
    home = tmp_path / "fresh"
    assert imk(home, "init").exit_code == 0
    result = imk(home, "restore", str(during_import["backup"]))
    assert result.exit_code == 0, result.stderr
    with Workspace.open(home) as ws:
        assert ws.store.count() == manifest(during_import["backup"])["records"]
