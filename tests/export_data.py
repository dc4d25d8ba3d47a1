"""A small catalogue for the export tests: ordinary records, hostile texts, private portfolios.

Imported by tests/test_export_*.py and tests/test_collection_cli.py (not a fixture module).
"""

from __future__ import annotations

from catalogue.records import Collection, CollectionItem, Course, new
from catalogue.storage.records import write_record
from catalogue.workspace import Workspace

HOSTILE_TITLE = '<script>window.__pwned=1;alert("title")</script> Дроби "без" страха'
HOSTILE_ANNOTATION = (
    '<img src=x onerror="window.__pwned=2;alert(1)"> <a href="javascript:alert(2)">жми</a> '
    "<svg onload=alert(3)></svg> </script><script>alert(4)</script>"
)
HOSTILE_NOTE = '<iframe src="javascript:alert(5)"></iframe> "примечание" в 5 классе'
PRIVATE = {
    "contacts": "secret.teacher@school.example, +7 (000) 111-22-33",
    "birth_date": "1980-02-29",
    "education": "Тайный педагогический институт, 2001",
}
HIDDEN_TEACHER = "Скрытова Алла Тайновна"
NO_CONSENT_TEACHER = "Несогласная Вера Петровна"


def build(ws: Workspace) -> dict:
    """Fill ``ws`` and create the collection ``test``; return the ids and facts tests use."""
    same_a = ws.add_attachment("урок.docx", b"first file")
    same_b = ws.add_attachment("урок.docx", b"second file, same name")
    records = [
        new(
            "material",
            title="Сложение дробей с одинаковыми знаменателями",
            authors=["Афанасьева Мария Фёдоровна"],
            organisation="МБОУ «Лицей № 2»",
            subjects=["Математика"],
            grades=["5"],
            resource_type="Конспект урока",
            year=2024,
            annotation="Урок о дробях в 5 классе для учителей.",
            keywords=["дроби"],
            attachments=[same_a],
            links=["https://school2.example/drobi"],
            status="published",
        ),
        new(
            "material",
            title="Ёлочные игрушки из бумаги",
            authors=["Ёлкина Ольга Ивановна"],
            subjects=["Труд (технология)"],
            grades=["3"],
            resource_type="Конспект урока",
            year=2023,
            attachments=[same_b],
            status="published",
        ),
        new(
            "media",
            title="Музыка. 8 класс: учебник",
            authors=["Голубева В. В."],
            subjects=["Музыка"],
            grades=["8"],
            resource_type="Учебник",
            year=2016,
            format="учебник",
            carrier="печатное издание",
            publisher="Вентана-Граф",
            place="Москва",
            pages=208,
            isbn="978-5-360-21843-2",
            status="published",
        ),
        new(
            "material",
            title=HOSTILE_TITLE,
            authors=["<b>Злой</b> Автор"],
            subjects=["Математика"],
            grades=["6"],
            annotation=HOSTILE_ANNOTATION,
            keywords=['"><script>alert(6)</script>'],
            resource_type="Статья",
            links=["https://ok.example/?q=<script>"],
            status="published",
        ),
        new(
            "portfolio",
            title=f"Портфолио: {HIDDEN_TEACHER}",
            authors=[HIDDEN_TEACHER],
            teacher=HIDDEN_TEACHER,
            position="учитель математики",
            organisation="МБОУ «СОШ № 9»",
            subjects=["Математика"],
            category="Высшая",
            courses=[Course("Курс ФГОС", 72)],
            awards=["Грамота"],
            consent_to_publish=True,
            public_fields=["position", "awards"],
            status="published",
            **PRIVATE,
        ),
        new(
            "portfolio",
            title=f"Портфолио: {NO_CONSENT_TEACHER}",
            authors=[NO_CONSENT_TEACHER],
            teacher=NO_CONSENT_TEACHER,
            position="учитель музыки",
            consent_to_publish=False,
            public_fields=["teacher", "position"],
            status="published",
            contacts="no.consent@school.example",
        ),
    ]
    saved = ws.store.save_many(records, by="тест")
    ids = [r.id for r in saved]
    # a javascript: link cannot be saved through validation; write it as an import might have
    hostile = ws.store.get(ids[3])
    hostile.links.append("javascript:alert(7)")
    with ws.store.db.write() as conn:
        write_record(conn, hostile, "тест")
    notes = ["Рекомендовано ГМО", "", "", HOSTILE_NOTE, "", ""]
    ws.store.collections.save(
        Collection(
            name="test",
            title="Подборка для 5 классов",
            annotation='Материалы "для" школ',
            curator="Никитина О. В.",
            schools=["МБОУ «Лицей № 2»"],
            grades=["5"],
            items=[CollectionItem(i, n) for i, n in zip(ids, notes, strict=True)]
            + [CollectionItem("mat-999999", "удалённая запись")],
        )
    )
    return {"ids": ids, "published": ids[:5], "no_consent": ids[5], "hidden": ids[4]}
