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


@pytest.mark.parametrize("doc", DOCS)
def test_every_path_named_exists(doc):
    missing = [path for path in named_paths(doc) if not list(REPO.glob(path.rstrip("/")))]
    assert missing == [], f"{doc} names paths that are not in the repository"


def test_the_readme_links_the_contributor_documents():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert all(f"]({doc})" in readme for doc in DOCS)


@pytest.mark.parametrize("top", sorted({p.relative_to(REPO).parts[0] for p in SOURCES}))
def test_code_cites_only_documents_in_the_repository(top):
    cited = {
        f"{path.relative_to(REPO)}: {name}"
        for path in SOURCES
        if path.relative_to(REPO).parts[0] == top
        for name, _md in CITATION.findall(path.read_text(encoding="utf-8"))
        if not (REPO / f"{name}.md").exists()
    }
    assert cited == set(), "documents cited that are not in the repository"
