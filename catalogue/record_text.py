"""A record as lines of text for the terminal (``imk show``): field labels from the locale,
dates and moments as the language writes them, nested values (reviews, files, courses) one
per line — never a Python ``{'reviewer': …}``."""

from __future__ import annotations

from typing import Any

from catalogue import vocabularies
from catalogue.i18n import catalog, date_text, language, moment_text, number_text, t
from catalogue.records import Record, to_dict

HIDDEN = ("id", "title", "suggested")
CODED = ("status", "kind")
DATES = ("category_assigned", "category_expires", "birth_date", "valid_until", "list_excluded")
MOMENTS = ("created_at", "updated_at")
LISTED = ("reviews", "attachments", "courses", "awards", "competitions", "links", "works")


def size_text(size: int) -> str:
    """A file size as people read it: «12 КБ», «3,4 МБ»."""
    if size >= 1_000_000:
        return t("show.megabytes", size=number_text(size / 1e6, 1))
    return t("show.kilobytes", size=number_text(max(size, 1) / 1e3, 0))


def _review(review: dict[str, Any]) -> str:
    verdict = t(f"show.verdict_{review.get('verdict') or 'none'}")
    scores = "; ".join(f"{name} {score}" for name, score in review.get("scores", {}).items())
    parts = [date_text(review.get("date")), review.get("reviewer", ""), verdict, scores]
    text = " · ".join(p for p in parts if p)
    comment = review.get("comment", "")
    return f"{text}. {comment}" if comment else text


def _course(course: dict[str, Any]) -> str:
    hours = t("show.hours", hours=course["hours"]) if course.get("hours") else ""
    parts = [course.get("title", ""), hours, course.get("provider", ""), course.get("year")]
    return ", ".join(str(p) for p in parts if p)


def _item(name: str, value: Any) -> str:
    if name == "reviews":
        return _review(value)
    if name == "attachments":
        return f"{value['name']} ({size_text(int(value.get('size', 0)))})"
    if name == "courses":
        return _course(value)
    if name == "public_fields":
        return label(str(value))
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def label(name: str) -> str:
    """The field's name for people (the stored name when the locale has none)."""
    return catalog(language()).get(f"field.{name}") or name


def value_text(name: str, value: Any) -> str | list[str]:
    """A stored value as a person reads it: one line, or a list of lines for nested values."""
    if name in CODED:
        return vocabularies.coded_label(name, str(value))
    if name in MOMENTS:
        return moment_text(str(value))
    if name in DATES:
        return date_text(str(value))
    if isinstance(value, bool):
        return t("report.yes") if value else t("report.no")
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, list):
        items = [_item(name, v) for v in value]
        return items if name in LISTED else "; ".join(items)
    return str(value)


def record_lines(record: Record) -> list[str]:
    """``id · title``, then a «label: value» line per filled field (nested values indented)."""
    lines = [f"{record.id} · {record.title}"]
    for name, value in to_dict(record).items():
        if name in HIDDEN or value in ("", [], {}, None):
            continue
        text = value_text(name, value)
        if isinstance(text, list):
            lines.append(f"  {label(name)}:")
            lines += [f"    – {item}" for item in text]
        else:
            lines.append(f"  {label(name)}: {text}")
    return lines
