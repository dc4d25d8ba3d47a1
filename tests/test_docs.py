"""The contributor documents name only paths that exist, and code cites only documents that are
in the repository."""

from __future__ import annotations

import re

import pytest
from conftest import REPO

DOCS = ["ARCHITECTURE.md", "CONTRIBUTING.md"]
PATHLIKE = re.compile(r"`([\w./*-]+(?:/[\w./*-]*|\.(?:py|md|toml|yml|ipynb)))`")
# A section sign after an upper-case document name (NAME.md + section): NAME.md must be here
CITATION = re.compile(r"\b([A-Z][A-Z_]{2,})(\.md)?\s*§")
SKIPPED = {".venv", ".git", "build", "workspace", "node_modules", "__pycache__"}
SOURCES = [
    p
    for top in REPO.iterdir()
    if top.name not in SKIPPED
    for p in ([top] if top.is_file() else top.rglob("*"))
    if p.is_file()
    and (p.suffix in (".py", ".toml", ".ipynb") or p.name == "Makefile" or p.match(".ci/run"))
    and not SKIPPED & set(p.relative_to(REPO).parts)
]


def named_paths(doc: str) -> list[str]:
    text = (REPO / doc).read_text(encoding="utf-8")
    return sorted({m for m in PATHLIKE.findall(text) if "<" not in m and not m.startswith("..")})


@pytest.mark.parametrize(
    ("doc", "path"), [(doc, path) for doc in DOCS for path in named_paths(doc)], ids=str
)
def test_every_path_named_exists(doc, path):
    assert list(REPO.glob(path.rstrip("/"))), f"{doc} names {path}, which is not in the repository"


def test_the_readme_links_the_contributor_documents():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert all(f"]({doc})" in readme for doc in DOCS)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_code_cites_only_documents_in_the_repository(path):
    for name, _md in CITATION.findall(path.read_text(encoding="utf-8")):
        assert (REPO / f"{name}.md").exists(), f"{path.name} cites {name}, not in the repository"
