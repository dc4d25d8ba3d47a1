"""Cleaning extracted text: spaces and NBSP, paragraph boundaries, words hyphenated at line ends,
and decoding plain-text bytes (UTF-8/UTF-16 with or without BOM, else cp1251)."""

from __future__ import annotations

import re

# Spaces that are not line breaks: NBSP, narrow NBSP, figure space, thin spaces, BOM…
_SPACES = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff]+")
_ZERO_WIDTH = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060]")  # soft hyphen, zero-width spaces
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_BLANK_LINES = re.compile(r"\n{3,}")
# A word broken at a line end: «Эконо-\nмические». Group 2 is the hyphen (or a soft hyphen).
_LINE_END_HYPHEN = re.compile(r"([^\W\d_]+)([-\u2010\u2011\u00ad])[ \t]*\n[ \t]*([^\W\d_]+)")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# «причинно-\nследственные», «физико-\nматематический»: the left part is a whole word.
_COMPOUND_LEFT = re.compile(r"(?:[бвгджзклмнпрстфхцчшщ]но|[иы]ко|ски|ско)$")
_PARTICLES = ("либо", "нибудь", "то", "таки", "ка", "де")


def normalise(text: str) -> str:
    """Collapse spaces (incl. NBSP) within lines, trim lines, keep paragraphs as newlines."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _ZERO_WIDTH.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def join_hyphenated(text: str) -> str:
    """Join words broken by a hyphen at a line end («Эконо-\\nмические» → «Экономические»).

    Real hyphenated words keep their hyphen («причинно-\\nследственные», «какого-\\nлибо»):
    the document's own spelling of the word decides first, then the shape of its parts.
    """
    words = {w.lower() for w in _WORD.findall(text)}  # membership tests only

    def join(match: re.Match[str]) -> str:
        left, mark, right = match.groups()
        if not right[0].islower():  # «Потемкин-\\nТаврический»: a double name
            return f"{left}-{right}" if left[0].isupper() else match.group(0)
        if mark == "\u00ad":
            return left + right
        hyphenated = f"{left}-{right}"
        if (left + right).lower() in words:
            return left + right
        if hyphenated.lower() in words:
            return hyphenated
        if right.lower() in _PARTICLES or _COMPOUND_LEFT.search(left.lower()):
            return hyphenated
        return left + right

    for _ in range(3):  # «Макси-\\nмаль-\\nный»: a word broken twice needs a second pass
        joined = _LINE_END_HYPHEN.sub(join, text)
        if joined == text:
            break
        text = joined
    return text


def decode(data: bytes) -> str:
    """Bytes of a text file as text: BOM-marked UTF-8/UTF-16, else UTF-8, else cp1251."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")
