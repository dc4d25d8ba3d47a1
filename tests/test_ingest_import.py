"""Importing files and folders: records with suggestions, duplicates, failures that leave nothing
behind, limits, the saved report, ``imk import`` and the notebook helper."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from test_extract_formats import odf, rtf, zip_bomb

from catalogue import schema
from catalogue.demo import files
from catalogue.extract import Limits
from catalogue.ingest import duplicates
from catalogue.ingest.pipeline import import_paths
from catalogue.workspace import Workspace
from imk.cli import build_cli

REAL_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real"
LESSON = [
    "Конспект урока математики в 5 классе «Сложение дробей»",
    "Автор: учитель математики Иванова Мария Петровна, МБОУ СОШ № 5 г. Северореченска",
    "2023-2024 учебный год",
    *[
        f"Задание {n}. Сложите дроби с одинаковыми знаменателями и запишите ответ в тетрадь."
        for n in range(1, 15)
    ],
]
FAST = Limits(ocr=False)


def make_folder(root: Path) -> Path:
    folder = root / "входящие"
    (folder / "вложенная").mkdir(parents=True)
    (folder / "урок.docx").write_bytes(files.docx_bytes(LESSON[0], LESSON[1:]))
    (folder / "вложенная" / "положение.odt").write_bytes(
        odf(
            "odt",
            [
                "Положение о городском конкурсе «Учитель года»",
                "Организатор: МБОУ СОШ № 2. Конкурс проводится для учителей 1–11 классов.",
                "Конкурс проходит в три этапа: заочный, очный и финальный.",
            ],
        )
    )
    (folder / "вложенная" / "тест.rtf").write_bytes(
        rtf(
            [
                "Контрольная работа по истории для 7 класса",
                "Вариант 1. Смутное время.",
                "Задание 1. Назовите годы правления Бориса Годунова и причины Смуты в России.",
            ]
        )
    )
    (folder / "памятка.txt").write_text(
        "Памятка для родителей первоклассников\n" * 5, encoding="cp1251"
    )
    (folder / "фото.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (folder / "битый.docx").write_bytes(files.docx_bytes("x", ["y"])[:500])
    (folder / "бомба.docx").write_bytes(zip_bomb())
    (folder / ".скрытый.txt").write_text("не импортировать", encoding="utf-8")
    (folder / "~$урок.docx").write_bytes(b"lock file of Word")
    return folder


def stored_files(ws: Workspace) -> set[Path]:
    return {p for p in ws.files_dir.rglob("*") if p.is_file()}


def blob_count(ws: Workspace) -> int:
    with ws.store.db.read() as conn:
        return conn.execute(select(func.count()).select_from(schema.blobs)).scalar_one()


def test_a_folder_is_imported_with_suggestions(workspace, tmp_path):
    report = import_paths(workspace, [make_folder(tmp_path)], limits=FAST)
    assert report.counts == {"imported": 4, "flagged": 0, "duplicate": 0, "failed": 2, "skipped": 3}
    by_file = {Path(e.file).name: e for e in report.entries}
    assert by_file[".скрытый.txt"].outcome == by_file["~$урок.docx"].outcome == "skipped"
    assert "скрытый" in by_file[".скрытый.txt"].message  # passed over, but said so
    lesson = workspace.store.get(by_file["урок.docx"].record_id)
    assert lesson.sources == ["урок.docx"] and lesson.status == "draft"
    assert lesson.title == LESSON[0]
    assert lesson.subjects == ["Математика"] and lesson.grades == ["5"]
    assert lesson.resource_type == "Конспект урока" and lesson.year == 2023
    assert lesson.authors == ["Иванова Мария Петровна"]
    assert lesson.organisation.startswith("МБОУ СОШ № 5")
    assert lesson.suggested["subjects"] == ["Математика"]  # marked as suggested
    rule = workspace.store.get(by_file["положение.odt"].record_id)
    assert rule.resource_type == "Положение" and rule.sources == ["положение.odt"]
    test = workspace.store.get(by_file["тест.rtf"].record_id)
    assert (test.subjects, test.grades) == (["История"], ["7"])
    assert test.resource_type == "Контрольно-измерительные материалы"
    assert "Смутное время" in workspace.store.text_of(test)
    assert "подозрительный архив" in by_file["бомба.docx"].message
    assert "«битый.docx»" in by_file["битый.docx"].message


def test_failures_leave_nothing_half_written(workspace, tmp_path):
    folder = tmp_path / "плохие"
    folder.mkdir()
    (folder / "битый.docx").write_bytes(files.docx_bytes("x", ["y"])[:500])
    (folder / "бомба.docx").write_bytes(zip_bomb())
    (folder / "пароль.odt").write_bytes(odf("odt", ["x"], encrypted=True))
    report = import_paths(workspace, [folder], limits=FAST)
    assert report.counts["failed"] == 3
    assert workspace.store.count() == 0 and blob_count(workspace) == 0
    assert stored_files(workspace) == set()
    assert workspace.store.pending() == []


def test_importing_again_adds_nothing(workspace, tmp_path):
    folder = make_folder(tmp_path)
    first = import_paths(workspace, [folder], limits=FAST)
    count, kept = workspace.store.count(), stored_files(workspace)
    second = import_paths(workspace, [folder], limits=FAST)
    assert workspace.store.count() == count and stored_files(workspace) == kept
    assert second.counts["duplicate"] == 4 and second.record_ids == []
    old = {Path(e.file).name: e.record_id for e in first.entries if e.record_id}
    for entry in second.entries:
        if entry.outcome == "duplicate":
            assert entry.message == f"уже в каталоге: {old[Path(entry.file).name]}"


def test_same_file_under_two_names_is_one_record(workspace, tmp_path):
    data = files.docx_bytes(LESSON[0], LESSON[1:])
    (tmp_path / "a.docx").write_bytes(data)
    (tmp_path / "копия a.docx").write_bytes(data)
    report = import_paths(workspace, [tmp_path / "a.docx", tmp_path / "копия a.docx"], limits=FAST)
    assert [e.outcome for e in report.entries] == ["imported", "duplicate"]
    assert workspace.store.count() == 1


@pytest.mark.parametrize("size_mb", [1, 2048])
def test_too_large_files_are_refused_unread(workspace, tmp_path, size_mb):
    huge = tmp_path / "огромный.pdf"
    with huge.open("wb") as fh:
        fh.truncate(size_mb * 1024 * 1024)  # sparse; how fast it is refused: bench/limits.py
    report = import_paths(workspace, [huge], limits=Limits(max_file_mb=0.5, ocr=False))
    [entry] = report.entries
    assert entry.outcome == "failed" and "больше предела 0.5 МБ" in entry.message
    assert "«огромный.pdf»" in entry.message and f"{size_mb} МБ" in entry.message
    assert stored_files(workspace) == set()


def test_limits_come_from_workspace_settings(workspace, tmp_path):
    (workspace.path / "settings.toml").write_text(
        "[import]\nmax_file_mb = 0.001\n", encoding="utf-8"
    )
    (tmp_path / "урок.docx").write_bytes(files.docx_bytes(LESSON[0], LESSON[1:]))
    report = import_paths(workspace, [tmp_path / "урок.docx"])
    assert report.counts["failed"] == 1 and "предела" in report.entries[0].message


def test_scans_and_textless_files_are_flagged(workspace, tmp_path):
    from test_extract_formats import scanned_pdf

    (tmp_path / "скан.pdf").write_bytes(scanned_pdf("Положение"))
    (tmp_path / "слайды.pptx").write_bytes(files.pptx_bytes("Итоги", [("Итоги", [])]))
    report = import_paths(workspace, [tmp_path], limits=FAST)
    assert report.counts["flagged"] == 2 and report.counts["failed"] == 0
    messages = " ".join(e.message for e in report.entries)
    assert "нет текстового слоя" in messages and "почти нет текста" in messages
    for record_id in report.record_ids:
        assert workspace.store.get(record_id).suggested["flag"]


def test_near_duplicates_are_reported_and_decided(workspace, tmp_path):
    edited = [
        p.replace("тетрадь", "рабочую тетрадь") if n == 5 else p for n, p in enumerate(LESSON)
    ]
    (tmp_path / "1.docx").write_bytes(files.docx_bytes(LESSON[0], LESSON[1:]))
    (tmp_path / "2.docx").write_bytes(files.docx_bytes(edited[0], edited[1:]))
    (tmp_path / "3.txt").write_text("Совсем другой текст " * 50, encoding="utf-8")
    report = import_paths(workspace, [tmp_path], limits=FAST)
    first, second, third = report.record_ids
    by_id = {e.record_id: e for e in report.entries}
    assert by_id[second].similar == [first] and by_id[third].similar == []
    assert "Похоже на: " + first in "\n".join(report.lines())
    frame = duplicates.near_duplicates(workspace)
    assert list(frame[["first_id", "second_id", "reason"]].itertuples(index=False)) == [
        (first, second, "text")
    ]
    assert frame.iloc[0]["score"] >= duplicates.TEXT_THRESHOLD
    kept = duplicates.merge(workspace, first, second, by="методист")
    assert sorted(kept.sources) == ["1.docx", "2.docx"]
    assert workspace.store.count() == 2
    assert duplicates.near_duplicates(workspace).empty
    assert duplicates.near_duplicates(workspace, "merged").shape[0] == 1


def test_dismissed_pairs_stay_dismissed(workspace, tmp_path):
    (tmp_path / "a.docx").write_bytes(files.docx_bytes(LESSON[0], LESSON[1:]))
    (tmp_path / "b.docx").write_bytes(files.docx_bytes(LESSON[0], LESSON[1:-1]))
    first, second = import_paths(workspace, [tmp_path], limits=FAST).record_ids
    duplicates.dismiss(workspace, first, second, by="методист")
    assert duplicates.near_duplicates(workspace).empty
    assert duplicates.near_duplicates(workspace, "dismissed")["decided_by"].tolist() == ["методист"]


def test_the_report_is_saved_in_the_workspace(workspace, tmp_path):
    report = import_paths(workspace, [make_folder(tmp_path)], limits=FAST)
    json_path, csv_path = map(Path, report.saved_to)
    assert json_path.parent == workspace.logs_dir and json_path.name.startswith("import-")
    saved = json.loads(json_path.read_text(encoding="utf-8"))
    assert saved["counts"] == report.counts and saved["formats"]["docx"]["failed"] == 2
    text = csv_path.read_text(encoding="utf-8-sig")
    assert "Файл;Строка;Итог" in text and "ошибка" in text


def test_imk_import_prints_the_report_and_indexes(tmp_path):
    home = tmp_path / "ws"
    Workspace.create(home).close()
    folder = make_folder(tmp_path)
    result = CliRunner().invoke(build_cli(), ["--home", str(home), "import", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["counts"]["imported"] == 4 and len(data["records"]) == 4
    assert "Импортировано: 4" in result.stderr and "Отчёт сохранён" in result.stderr
    found = CliRunner().invoke(
        build_cli(), ["--home", str(home), "search", "Смутное время", "--json"]
    )
    assert json.loads(found.stdout)["hits"][0]["sources"] == ["тест.rtf"]
    again = CliRunner().invoke(build_cli(), ["--home", str(home), "import", str(folder)])
    assert again.exit_code == 0 and "Импортировано: 0" in again.stderr
    assert "[дубликат]" in again.stderr and "уже в каталоге: mat-" in again.stderr


def test_notebook_helper_shows_progress_and_the_report(workspace, tmp_path):
    from widgets.importing import ImportPanel, import_files

    report = import_files([make_folder(tmp_path)], ws=workspace, show=False, limits=FAST)
    assert len(report.record_ids) == 4
    panel = ImportPanel()
    panel.show_report(report)
    assert "Импортировано: 4" in panel.summary.value
    assert "бомба.docx" in panel.table.value and "входящие/урок.docx" not in panel.table.value


# -- the real corpus ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_import(tmp_path_factory):
    with Workspace.create(tmp_path_factory.mktemp("real") / "ws") as ws:
        report = import_paths(ws, [REAL_CORPUS], limits=FAST)
        again = import_paths(ws, [REAL_CORPUS], limits=FAST)
        yield ws, report, again


@pytest.mark.real_corpus
def test_real_corpus_imports_every_file(real_import):
    ws, report, _ = real_import
    assert report.counts["failed"] == 0 and report.counts["skipped"] == 0
    materials = [
        ws.store.get(e.record_id) for e in report.entries if e.record_id and e.kind == "material"
    ]
    texts = ws.store.texts(r.attachments[0].sha256 for r in materials)
    assert sum(1 for t in texts.values() if len(t) > 100) >= 140
    flagged = sorted((Path(e.file).name, e.row) for e in report.entries if e.outcome == "flagged")
    # the official list ships with planted mistakes: two broken list numbers and a bad date
    federal = "fpu_federalnyy_perechen_dlya_zagruzki_negativnyy.xlsx"
    assert flagged == [
        (federal, 832),
        (federal, 1002),
        (federal, 1939),
        ("inf11_days.pptx", None),
        ("tselinny_finansi.pdf", None),
    ]
    assert ws.store.count("media") >= 2000  # the federal list of textbooks


@pytest.mark.real_corpus
def test_real_corpus_second_import_adds_nothing(real_import):
    _, report, again = real_import
    assert again.record_ids == []
    assert again.counts["imported"] == again.counts["flagged"] == again.counts["failed"] == 0
    # documents: the same bytes again; the federal list: updated by list number, nothing changed
    materials = {e.record_id for e in report.entries if e.kind == "material" and e.record_id}
    assert materials <= {e.record_id for e in again.entries if e.outcome == "duplicate"}
