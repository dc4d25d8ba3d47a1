"""Plain text, Markdown and HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from catalogue.extract.text import decode

_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "table",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "hr",
    "header",
    "footer",
    "title",
    "dd",
    "dt",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.M)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|`)")


def plain_text(data: bytes) -> tuple[str, dict[str, Any]]:
    return decode(data), {}


def markdown_text(data: bytes) -> tuple[str, dict[str, Any]]:
    text = decode(data)
    headings = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    props = {"title": _MD_HEADING.sub("", headings[0]).strip()} if headings else {}
    text = _MD_EMPHASIS.sub("", _MD_LINK.sub(r"\1", _MD_HEADING.sub("", text)))
    return text, props


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(self._skip - 1, 0)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.parts.append(data)


def html_text(data: bytes) -> tuple[str, dict[str, Any]]:
    found = _META_CHARSET.search(data[:4096])
    try:
        text = data.decode(found.group(1).decode()) if found else decode(data)
    except (LookupError, UnicodeDecodeError):
        text = decode(data)
    parser = _Text()
    parser.feed(text)
    parser.close()
    title = " ".join("".join(parser.title).split())
    return "".join(parser.parts), ({"title": title} if title else {})
