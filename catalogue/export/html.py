"""Notebooks to one offline HTML file through nbconvert and the project's ``imk`` template.

The template (``templates/imk``) extends JupyterLab's ``lab`` template with every CDN block
emptied, so the page makes no network request; images are embedded as ``data:`` URIs and
inputs are hidden (the page shows outputs only).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from catalogue import i18n

if TYPE_CHECKING:  # nbformat and nbconvert take 1–2 s to import: only when exporting
    import nbformat
    from nbconvert import HTMLExporter

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "imk"


def exporter() -> HTMLExporter:
    """An HTMLExporter set up with the project template, inputs hidden, images embedded, in the
    current language."""
    return _exporter(i18n.language())


@cache
def _exporter(language: str) -> HTMLExporter:
    """One exporter per language and process: its Jinja environment compiles the templates once
    (about 0.2 s a page otherwise), and nothing of one page stays in it for the next."""
    from nbconvert import HTMLExporter

    ex = HTMLExporter(template_name=TEMPLATE, extra_template_basedirs=[str(TEMPLATES)])
    ex.exclude_input = True
    ex.exclude_input_prompt = True
    ex.exclude_output_prompt = True
    ex.embed_images = True
    ex.language_code = language
    return ex


def notebook_to_html(nb: nbformat.NotebookNode, resources_path: Path | None = None) -> str:
    """Any notebook as one self-contained HTML page (``resources_path``: where its images are)."""
    resources = {
        "metadata": {
            "path": str(resources_path or Path.cwd()),
            "name": nb.metadata.get("title", ""),
        }
    }
    body, _ = exporter().from_notebook_node(nb, resources=resources)
    return body
