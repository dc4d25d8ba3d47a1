"""RIS (Research Information Systems) export: one ``TY … ER`` block per reference."""

from __future__ import annotations

from catalogue.citations.reference import Reference, name_parts

TYPES = {
    "книга": "BOOK",
    "учебник": "BOOK",
    "видео": "VIDEO",
    "аудио": "SOUND",
    "программа": "COMP",
    "ЦОР": "MULTI",
}


def _type(ref: Reference) -> str:
    if ref.host is not None:
        return "CHAP"
    return TYPES.get(ref.format, "GEN")


def _name(name: str) -> str:
    surname, given = name_parts(name)
    return f"{surname}, {' '.join(given)}" if given else surname


def _line(tag: str, value: object) -> str:
    text = " ".join(str(value).split())  # one line per tag
    return f"{tag}  - {text}"


def entry(ref: Reference) -> list[str]:
    """The RIS lines of one reference."""
    lines = [_line("TY", _type(ref)), _line("ID", ref.key)]
    lines += [_line("AU", _name(a)) for a in ref.authors]
    title = f"{ref.title}: {ref.other_info}" if ref.other_info else ref.title
    lines.append(_line("TI", title))
    if ref.host is not None:
        lines.append(_line("T2", ref.host.title))
    elif ref.series:
        lines.append(_line("T3", ref.series))
    for tag, value in (
        ("PY", ref.year or ""),
        ("PB", ref.publisher),
        ("CY", ref.place),
        ("SN", ref.isbn),
        ("M3", ref.resource_type),
        ("LA", ref.language),
        ("AB", ref.annotation),
    ):
        if value:
            lines.append(_line(tag, value))
    lines += [_line("KW", k) for k in ref.keywords]
    lines += [_line("UR", u) for u in ref.urls]
    if ref.urls and ref.accessed:
        lines.append(_line("Y2", ref.accessed.isoformat()))
    lines.append("ER  - ")
    return lines


def dumps(refs: list[Reference]) -> str:
    """A RIS file's text (CRLF-free, UTF-8) holding every reference."""
    return "\n".join("\n".join(entry(r)) + "\n" for r in refs)
