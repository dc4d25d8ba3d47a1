"""Cleaning extracted text: spaces and NBSP, paragraph boundaries, words hyphenated at line ends,
and decoding plain-text bytes (UTF-8/UTF-16 with or without BOM, else cp1251, line by line)."""

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


def decode_lines(data: bytes) -> list[tuple[str, str]]:
    """``(text, encoding)`` of every line of a text file, line ends kept.

    A BOM decides for the whole file (UTF-8, UTF-16); otherwise each line is decoded on its own:
    UTF-8 when it is valid UTF-8, else cp1251 — so a file whose header was saved in UTF-8 and
    whose rows in cp1251 (or the reverse) is read right line by line.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [(line, "utf-16") for line in data.decode("utf-16").splitlines(keepends=True)]
    data = data.removeprefix(b"\xef\xbb\xbf")
    out = []
    for line in data.splitlines(keepends=True):
        try:
            out.append((line.decode("utf-8"), "utf-8"))
        except UnicodeDecodeError:
            out.append((line.decode("cp1251", errors="replace"), "cp1251"))
    return out


def decode(data: bytes) -> str:
    """Bytes of a text file as text: BOM-marked UTF-8/UTF-16, else per line UTF-8 or cp1251."""
    return "".join(text for text, _encoding in decode_lines(data))


# Characters of the cp1251 upper half that real Russian text uses besides letters.
_CP1251_PUNCTUATION = set("«»—–№…“”„‘’\u00a0°§±·•€™©®")
_RUSSIAN = re.compile(r"[а-яёА-ЯЁ]")
_KOI8_SHAPE = re.compile(r"[а-яё][А-ЯЁ]{2}")  # «пРИВЕТ»: KOI8-R read as cp1251 swaps the case


def garbled(line: str, encoding: str = "utf-8") -> bool:
    """Whether a line decoded in ``encoding`` (see :func:`decode_lines`) is mojibake, not text.

    Recognised: UTF-8 text once misread as cp1251 or Latin-1 and saved again («РџСЂРёРІРµС‚»,
    «ÐŸÑ€Ð¸Ð²ÐµÑ‚»: encoding a word back gives valid UTF-8 Cyrillic); undecodable bytes (U+FFFD);
    and, for a line read as cp1251, another Russian encoding — CP866 gives mostly symbols and
    non-Russian letters, KOI8-R swaps the case of letters inside words («пРИВЕТ»).
    """
    if line.isascii():
        return False
    if "\ufffd" in line:
        return True
    for word in re.findall(r"[^\s;,|]+", line):  # mojibake may sit among good words
        if word.isascii():
            continue
        for codec in ("cp1251", "latin-1"):
            try:
                fixed = word.encode(codec).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if fixed != word and _RUSSIAN.search(fixed):
                return True
    if encoding != "cp1251":
        return False
    upper = [c for c in line if not c.isascii()]
    rare = [c for c in upper if not _RUSSIAN.match(c) and c not in _CP1251_PUNCTUATION]
    return len(rare) * 3 > len(upper) or bool(_KOI8_SHAPE.search(line))
