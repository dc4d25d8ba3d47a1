"""BibTeX export (biblatex-friendly fields: ``url``, ``urldate``, ``isbn``, ``langid``)."""

from __future__ import annotations

import re

from catalogue.citations.reference import Reference, name_parts

ENTRY_TYPES = {"книга": "book", "учебник": "book"}
_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile("|".join(re.escape(c) for c in _SPECIAL))


def escape(text: str) -> str:
    """A value safe inside ``{…}``: LaTeX specials escaped, whitespace collapsed."""
    return _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group()], " ".join(str(text).split()))


def _name(name: str) -> str:
    surname, given = name_parts(name)
    return f"{surname}, {' '.join(given)}" if given else surname


def _key(ref: Reference) -> str:
    return re.sub(r"[^\w:-]", "_", ref.key)


def entry(ref: Reference) -> str:
    """One ``@type{key, …}`` entry."""
    kind = "incollection" if ref.host is not None else ENTRY_TYPES.get(ref.format, "misc")
    title = f"{ref.title}: {ref.other_info}" if ref.other_info else ref.title
    fields: list[tuple[str, str]] = [
        ("author", " and ".join(_name(a) for a in ref.authors)),
        ("title", title),
        ("booktitle", ref.host.title if ref.host else ""),
        ("year", str(ref.year or "")),
        ("publisher", ref.publisher),
        ("address", ref.place),
        ("series", ref.series),
        ("isbn", ref.isbn),
        ("type", ref.resource_type if kind == "misc" else ""),
        ("url", ref.urls[0] if ref.urls else ""),
        ("urldate", ref.accessed.isoformat() if ref.urls and ref.accessed else ""),
        ("abstract", ref.annotation),
        ("keywords", ", ".join(ref.keywords)),
        ("langid", {"ru": "russian", "en": "english"}.get(ref.language, ref.language)),
    ]
    body = ",\n".join(
        f"  {name} = {{{value if name == 'url' else escape(value)}}}"
        for name, value in fields
        if value
    )
    return f"@{kind}{{{_key(ref)},\n{body}\n}}\n"


def dumps(refs: list[Reference]) -> str:
    """A .bib file's text holding every reference."""
    return "\n".join(entry(r) for r in refs)
