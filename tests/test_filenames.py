"""Attachment file names are searched, transliterated ones read back into Cyrillic."""

from __future__ import annotations

import pytest

from catalogue import records
from index.engine import CatalogueIndex
from index.filenames import detransliterate, filename_words


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("kulikovskaya", "куликовская"),
        ("bitva", "битва"),
        ("zaytsa", "зайца"),
        ("khrabrogo", "храброго"),
        ("slovarnye", "словарные"),
        ("tekhnologicheskaya", "технологическая"),
        ("obucheniya", "обучения"),
        ("shchuka", "щука"),
        ("vybor", "выбор"),
        ("yolka", "ёлка"),
        ("situatsii", "ситуации"),
        ("zhizn", "жизн"),
    ],
)
def test_detransliterate(latin, cyrillic):
    assert detransliterate(latin) == cyrillic


def test_filename_words_keep_cyrillic_names_and_read_latin_ones():
    words = filename_words(["urok_kulikovskaya_bitva_6_klass.doc", "Положение о питании.docx"])
    assert words.split() == [
        "urok",
        "kulikovskaya",
        "bitva",
        "6",
        "klass",
        "урок",
        "куликовская",
        "битва",
        "6",
        "класс",
        "Положение",
        "о",
        "питании",
    ]


@pytest.mark.parametrize(
    "query", ["куликовская битва", "Куликовской битвы", "положение о питании", "bitva"]
)
def test_file_names_are_found(workspace, query):
    files = [
        workspace.add_attachment(name, "нет слов по теме".encode())
        for name in ("urok_kulikovskaya_bitva.txt", "Положение о питании.txt")
    ]
    for n, att in enumerate(files):
        workspace.store.save(
            records.new("material", title=f"Документ {n}", attachments=[att]), by="тест"
        )
    index = CatalogueIndex.open(workspace)
    assert index.search(query).total == 1
