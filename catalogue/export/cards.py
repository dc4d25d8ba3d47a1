"""HTML pieces of an exported collection: header, contents, record cards, summary, chart.

Every text that comes from a record or a collection goes through :func:`esc` (typography, then
``html.escape``); links are emitted only for http/https addresses, with ``rel="noopener"``.
The pieces are put into ``text/html`` outputs of the collection notebook, never into markdown.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from catalogue import vocabularies
from catalogue.export.typography import typograph
from catalogue.i18n import t
from catalogue.records import Collection, Media, Portfolio, Record
from catalogue.validation import field_label
from catalogue.words import russian_stems

# The longest bar of the subject chart, in em (the others in proportion to their counts).
CHART_BAR_EM = 20

_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_TAG = re.compile(r"<[^>]*>")


def esc(text: object) -> str:
    """A value as safe HTML text with Russian typography."""
    return html.escape(typograph(str(text)), quote=True)


def safe_url(url: str) -> str | None:
    """The address if it is a plain http(s) URL, else None (``javascript:``, ``data:``…)."""
    url = (url or "").strip()
    if _CONTROL.search(url):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def link(url: str) -> str:
    """An external link, or the address as plain text when it is not http(s)."""
    safe = safe_url(url)
    if safe is None:
        return f'<span class="imk-bad-link">{html.escape(url)}</span>'
    return (
        f'<a href="{html.escape(safe, quote=True)}" rel="noopener noreferrer">'
        f"{html.escape(safe)}</a>"
    )


def anchor(record_id: str) -> str:
    """The id of a record's card in the page."""
    return "card-" + re.sub(r"[^\w-]", "_", record_id)


def _size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} МБ".replace(".", ",")
    return f"{max(size, 1) / 1000:.0f} КБ"


def _labels(vocab: str, values: list[str]) -> str:
    return ", ".join(vocabularies.get(vocab).label(v) for v in values)


def header(collection: Collection, shown: int, skipped: int, date: str) -> str:
    """Title, annotation, audience and curator of the collection."""
    parts = [f'<header class="imk-header"><h1>{esc(collection.title)}</h1>']
    if collection.annotation:
        parts.append(f'<p class="imk-lead">{esc(collection.annotation)}</p>')
    facts = [
        (t("export_page.schools"), ", ".join(collection.schools)),
        (t("export_page.grades"), _labels("grades", collection.grades)),
        (t("export_page.curator"), collection.curator),
        (t("export_page.records"), str(shown)),
        (t("export_page.date"), date),
    ]
    parts.append(_facts(facts))
    if skipped:
        parts.append(f'<p class="imk-muted">{esc(t("export_page.skipped", count=skipped))}</p>')
    parts.append("</header>")
    return "".join(parts)


def _facts(pairs: list[tuple[str, str]]) -> str:
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in pairs if v)
    return f'<dl class="imk-facts">{rows}</dl>' if rows else ""


def contents(records: list[Record]) -> str:
    """The table of contents: one link per card."""
    items = "".join(
        f'<li data-card="{anchor(r.id)}"><a href="#{anchor(r.id)}">{esc(r.title)}</a></li>'
        for r in records
    )
    return (
        f'<nav class="imk-toc" aria-labelledby="imk-toc-title">'
        f'<h2 id="imk-toc-title">{esc(t("export_page.contents"))}</h2><ol>{items}</ol></nav>'
    )


def filter_box(total: int) -> str:
    """The in-page filter (shown by the page's script; hidden without JavaScript)."""
    count = t("export_page.count", shown="{shown}", total="{total}")
    return (
        f'<section class="imk-filter" id="imk-filter" role="search" hidden '
        f'aria-labelledby="imk-records-title">'
        f'<h2 id="imk-records-title">{esc(t("export_page.records_title"))}</h2>'
        f'<label for="imk-q">{esc(t("export_page.filter_label"))}</label> '
        f'<input id="imk-q" type="search" autocomplete="off" '
        f'placeholder="{esc(t("export_page.filter_placeholder"))}">'
        f'<p id="imk-count" role="status" aria-live="polite" '
        f'data-template="{html.escape(count, quote=True)}">'
        f"{esc(t('export_page.count', shown=total, total=total))}</p>"
        f'<p id="imk-none" class="imk-none" hidden>{esc(t("export_page.nothing_found"))}</p>'
        f"</section>"
    )


def _record_facts(record: Record) -> list[tuple[str, str]]:
    facts = [
        (field_label("subjects"), ", ".join(record.subjects)),
        (field_label("grades"), _labels("grades", record.grades)),
        (field_label("resource_type"), record.resource_type),
        (field_label("organisation"), record.organisation),
        (field_label("year"), str(record.year or "")),
        (field_label("audience"), ", ".join(record.audience)),
        (field_label("event"), record.event),
    ]
    if isinstance(record, Media):
        facts += [
            (field_label("format"), f"{record.format}, {record.carrier}".strip(", ")),
            (
                t("export_page.where"),
                ", ".join(x for x in (record.shelf, record.inventory_number) if x),
            ),
        ]
    if isinstance(record, Portfolio):
        facts += [
            (field_label("teacher"), record.teacher),
            (field_label("position"), record.position),
            (field_label("category"), record.category if record.is_public("category") else ""),
            (field_label("category_expires"), record.category_expires),
            (t("export_page.experience"), str(record.experience_years or "")),
            (t("export_page.education"), record.education),
            (t("export_page.contacts"), record.contacts),
            (field_label("birth_date"), record.birth_date),
        ]
    return facts


def _portfolio_lists(record: Portfolio) -> str:
    blocks = []
    courses = [f"{c.title} ({c.provider}, {c.year}, {c.hours} ч)" for c in record.courses]
    for title, values in (
        (field_label("courses"), courses),
        (t("export_page.awards"), record.awards),
        (t("export_page.competitions"), record.competitions),
    ):
        if values:
            items = "".join(f"<li>{esc(v)}</li>" for v in values)
            blocks.append(f'<p class="imk-label">{esc(title)}</p><ul>{items}</ul>')
    return "".join(blocks)


def card(
    record: Record, number: int, reference: str, note: str, files: dict[str, str] | None = None
) -> str:
    """One record's card; ``files`` maps attachment hashes to relative links (zip bundle)."""
    key = anchor(record.id)
    parts = [
        f'<h3 id="{key}-t">{number}. {esc(record.title)}</h3>',
        f'<p class="imk-ref"><span class="imk-label">{esc(t("export_page.reference"))}:'
        f"</span> {html.escape(reference)}</p>",
    ]
    if record.annotation:
        parts.append(f"<p>{esc(record.annotation)}</p>")
    parts.append(_facts(_record_facts(record)))
    if isinstance(record, Portfolio):
        parts.append(_portfolio_lists(record))
    if record.links:
        links = ", ".join(link(u) for u in record.links)
        parts.append(f'<p><span class="imk-label">{esc(field_label("links"))}:</span> {links}</p>')
    if record.attachments:
        items = []
        for a in record.attachments:
            target = (files or {}).get(a.sha256)
            name = html.escape(a.name)
            shown = f'<a href="{html.escape(target, quote=True)}">{name}</a>' if target else name
            items.append(f"<li>{shown} ({_size(a.size)})</li>")
        parts.append(
            f'<p class="imk-label">{esc(t("export_page.files"))}</p><ul>{"".join(items)}</ul>'
        )
    if note:
        parts.append(
            f'<aside class="imk-note"><p><span class="imk-label">'
            f"{esc(t('export_page.note'))}:</span> {esc(note)}</p></aside>"
        )
    body = "".join(parts)
    stems = " ".join(russian_stems(html.unescape(_TAG.sub(" ", body))))
    return (
        f'<article class="imk-card" id="{key}" aria-labelledby="{key}-t" '
        f'data-stems="{html.escape(stems, quote=True)}">{body}{json_ld(record)}</article>'
    )


def json_ld(record: Record) -> str:
    """A schema.org ``LearningResource`` description, safe inside ``<script>``."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "LearningResource",
        "identifier": record.id,
        "name": record.title,
        "inLanguage": record.language or "ru",
    }
    optional = {
        "author": [{"@type": "Person", "name": a} for a in record.authors],
        "description": record.annotation,
        "keywords": ", ".join(record.keywords),
        "about": record.subjects,
        "educationalLevel": [vocabularies.get("grades").label(g) for g in record.grades],
        "learningResourceType": record.resource_type,
        "datePublished": str(record.year) if record.year else "",
        "audience": [
            {"@type": "EducationalAudience", "educationalRole": a} for a in record.audience
        ],
        "url": next((u for u in record.links if safe_url(u)), ""),
        "publisher": {"@type": "Organization", "name": record.publisher}
        if isinstance(record, Media) and record.publisher
        else "",
        "isbn": record.isbn if isinstance(record, Media) else "",
    }
    data.update({k: v for k, v in optional.items() if v})
    # «</» can never close the element: every <, > and & is a JSON escape (a superset of <\/)
    text = json.dumps(data, ensure_ascii=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return f'<script type="application/ld+json">{text}</script>'


def summary(records: list[Record]) -> str:
    """Records by subject × grade, as an accessible table."""
    grades = vocabularies.get("grades")
    counts: Counter[tuple[str, str]] = Counter()
    subjects: Counter[str] = Counter()
    for r in records:
        for s in r.subjects or ["—"]:
            subjects[s] += 1
            for g in r.grades or ["—"]:
                counts[s, g] += 1
    used = {g for (_, g) in counts}
    columns = [g for g in grades.codes() if g in used] + (["—"] if "—" in used else [])
    head = "".join(
        f'<th scope="col">{esc(g if g.isdigit() or g == "—" else grades.label(g))}</th>'
        for g in columns
    )
    rows = []
    for s in sorted(subjects):
        cells = "".join(f"<td>{counts.get((s, g), '') or ''}</td>" for g in columns)
        rows.append(f'<tr><th scope="row">{esc(s)}</th>{cells}<td>{subjects[s]}</td></tr>')
    title = esc(t("export_page.summary"))
    return (
        f'<section class="imk-summary" aria-labelledby="imk-summary-title">'
        f'<h2 id="imk-summary-title">{title}</h2><div class="imk-scroll" tabindex="0">'
        f"<table><caption>{esc(t('export_page.summary_caption'))}</caption><thead><tr>"
        f'<th scope="col">{esc(field_label("subjects"))}</th>{head}'
        f'<th scope="col">{esc(t("export_page.total"))}</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def chart(records: list[Record]) -> str:
    """A bar chart of records by subject (the 15 most frequent) as an HTML table whose bars are
    widths: sharp in print, read as a table aloud, no image or SVG in the page; empty if fewer
    than 2 subjects."""
    subjects = Counter(s for r in records for s in r.subjects)
    if len(subjects) < 2:
        return ""
    top = subjects.most_common(15)
    most = top[0][1]
    rows = "".join(
        f'<tr><th scope="row">{esc(subject)}</th><td><span class="imk-bar" '
        f'style="width: {max(1, round(CHART_BAR_EM * n / most))}em"></span>{n}</td></tr>'
        for subject, n in top
    )
    return (
        f'<figure class="imk-chart"><table><thead><tr><td></td><th scope="col">'
        f"{esc(t('export_page.chart_axis'))}</th></tr></thead><tbody>{rows}</tbody></table>"
        f"<figcaption>{esc(t('export_page.chart_title'))}</figcaption></figure>"
    )
