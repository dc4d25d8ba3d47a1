"""Word and PowerPoint 97–2003 without system programs: the pure-Python reader of
:mod:`catalogue.extract.legacy` on the real corpus, its agreement with antiword, and `imk import`
with a PATH that has no antiword, catdoc or catppt."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import olefile
import pytest
from conftest import REAL_CORPUS
from needs import need

from catalogue.extract import ERROR, OK, extract_text
from catalogue.extract.legacy import powerpoint_text, word_text
from catalogue.workspace import Workspace

TOOLS = ("antiword", "catdoc", "catppt")
DOCS = sorted(REAL_CORPUS.glob("doc/*.doc")) if REAL_CORPUS.is_dir() else []
IMK = Path(sys.executable).with_name("imk")


@pytest.fixture(scope="session")
def path_without_tools(tmp_path_factory) -> str:
    """A PATH that has every program of this one except antiword, catdoc and catppt."""
    folder = tmp_path_factory.mktemp("bin")
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for entry in os.scandir(directory):
            target = folder / entry.name
            if entry.name not in TOOLS and not target.exists() and os.access(entry.path, os.X_OK):
                target.symlink_to(entry.path)
    path = str(folder)
    assert all(shutil.which(tool, path=path) is None for tool in TOOLS)
    return path


def words(text: str) -> Counter[str]:
    """Words (no bare numbers: antiword prints list numbering, which the reader leaves out)."""
    return Counter(w for w in re.findall(r"\w+", text.lower()) if not w.isdigit())


def _patched(data: bytes, stream: str, where, change) -> bytes:
    """``data`` with the two bytes at ``where(ole)`` of an OLE stream replaced by ``change``."""
    with olefile.OleFileIO(data) as ole:
        at, content, size = where(ole), ole.openstream(stream).read(), ole.sectorsize
    sector = content[at - at % size : at - at % size + size]
    assert data.count(sector) == 1
    offset = data.find(sector) + at % size
    return data[:offset] + change(data[offset : offset + 2]) + data[offset + 2 :]


def _piece_table(ole) -> int:
    """Where the piece table (``fcClx`` of the FIB) starts in the table stream."""
    return int.from_bytes(ole.openstream("WordDocument").read()[0x1A2:0x1A6], "little")


@pytest.mark.real_corpus
@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_every_real_doc_reads_without_programs(path, path_without_tools, monkeypatch):
    monkeypatch.setenv("PATH", path_without_tools)
    result = extract_text(path.read_bytes(), path.name)
    assert result.status == OK, result.message
    assert len(result.text) > 300 and re.search(r"[а-яё]{4}", result.text)
    assert not re.search(r"[\x00-\x08\x13-\x15]|HYPERLINK|PAGEREF", result.text)


@pytest.mark.real_corpus
@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_reader_agrees_with_antiword(path):
    need(shutil.which("antiword") is not None, "antiword")
    done = subprocess.run(
        ["antiword", "-w", "0", "-m", "UTF-8.txt", str(path)], capture_output=True, check=True
    )
    theirs, ours = words(done.stdout.decode()), words(word_text(path.read_bytes()))
    common = sum((theirs & ours).values())
    assert common / sum(theirs.values()) > 0.97  # antiword's words that the reader has too


@pytest.mark.real_corpus
def test_real_ppt_reads_without_programs(path_without_tools, monkeypatch):
    monkeypatch.setenv("PATH", path_without_tools)
    path = REAL_CORPUS / "ppt" / "sharipova_kulikovskaya_bitva.ppt"
    result = extract_text(path.read_bytes(), path.name)
    assert result.status == OK and "Куликовская битва" in result.text
    assert result.text.count("Куликовская битва") == len(
        re.findall("Куликовская битва", powerpoint_text(path.read_bytes()))
    )
    for master_text in ("Образец заголовка", "Образец текста", "Второй уровень"):
        assert master_text not in result.text  # placeholders of the slide and notes masters


@pytest.mark.real_corpus
@pytest.mark.parametrize(
    ("stream", "where", "change", "message"),
    [  # the FIB's fEncrypted flag; the FIB's magic number; the piece table's first byte
        ("WordDocument", lambda _: 0x0A, lambda b: bytes([b[0], b[1] | 1]), "защищён паролем"),
        ("WordDocument", lambda _: 0, lambda b: b"\x00\x00", "не удалось прочитать документ"),
        ("1Table", _piece_table, lambda b: b"\x09\x09", "не удалось прочитать документ"),
    ],
    ids=["encrypted", "not-word", "piece-table"],
)
def test_damaged_word_files(path_without_tools, monkeypatch, stream, where, change, message):
    monkeypatch.setenv("PATH", path_without_tools)
    path = REAL_CORPUS / "doc" / "sharipova_8_istoriya.doc"
    result = extract_text(_patched(path.read_bytes(), stream, where, change), path.name)
    assert result.status == ERROR and f"«{path.name}»" in result.message
    assert message in result.message and "antiword" not in result.message


@pytest.mark.real_corpus
@pytest.mark.subprocess
def test_imk_import_reads_every_doc_without_programs(path_without_tools, tmp_path):
    home = tmp_path / "ws"
    env = {**os.environ, "PATH": path_without_tools, "IMK_LANG": "ru"}
    env.pop("IMK_HOME", None)
    subprocess.run([IMK, "--home", home, "init"], env=env, check=True, capture_output=True)
    done = subprocess.run(
        [IMK, "--home", home, "import", "--json", REAL_CORPUS / "doc", REAL_CORPUS / "ppt"],
        env=env,
        capture_output=True,
        check=True,
    )
    report = json.loads(done.stdout)
    outcomes = Counter(
        Path(e["file"]).suffix for e in report["entries"] if e["outcome"] == "imported"
    )
    assert outcomes == {".doc": len(DOCS), ".ppt": 1}, done.stderr.decode()
    with Workspace.open(home) as ws:
        records = [ws.store.get(rid) for rid in report["records"]]
        texts = ws.store.texts(r.attachments[0].sha256 for r in records)
    assert len(texts) == len(DOCS) + 1 and all(len(text) > 300 for text in texts.values())
