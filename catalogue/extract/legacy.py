"""Word 97–2003 (DOC), PowerPoint 97–2003 (PPT) and RTF.

DOC and PPT are read in pure Python from their OLE container (:mod:`olefile`): a Word file's
text is found through the piece table of its ``WordDocument`` stream (Word 97 and later; Word
6/95 files that were not fast-saved are read too), a PowerPoint file's text from the text atoms
of the slides its edit history still points to. What that cannot read (a fast-saved Word 6
file, an unusual binary) goes to Debian's command-line tools when they are installed
(``antiword``, else ``catdoc``; ``catppt``), each in a subprocess with a time limit. RTF is read
by :mod:`striprtf`, with the code page taken from the document's ``\\ansicpg`` (cp1251 for
Russian Word files). A «.doc» that is really RTF or DOCX (both happen on school websites) is
read as what it is.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import subprocess
import tempfile
from typing import Any

from catalogue.extract.office import docx_text
from catalogue.extract.safety import OLE_MAGIC, ExtractError

_ANSICPG = re.compile(rb"\\ansicpg(\d+)")
_PIC = re.compile(r"\[pic\]")

# Word's language ids whose 8-bit text is in the Cyrillic code page; any other is cp1252.
_CYRILLIC_LIDS = {0x0402, 0x0419, 0x0422, 0x0423, 0x0C1A, 0x043F, 0x0444, 0x046D, 0x0440}
# Word's control characters: paragraph, cell and line ends become newlines, page and column
# breaks too; the non-breaking hyphen is a hyphen; the rest (optional hyphen, picture and
# footnote anchors, field marks handled apart) are dropped.
_WORD_CONTROLS = str.maketrans(
    {
        "\r": "\n",
        "\x07": "\n",
        "\x0b": "\n",
        "\x0c": "\n",
        "\x0e": "\n",
        "\x1e": "-",
        "\x1f": None,
        "\x01": None,
        "\x02": None,
        "\x03": None,
        "\x04": None,
        "\x05": None,
        "\x08": None,
    }
)
_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"


def run_tool(args: list[str], data: bytes, suffix: str, timeout: float) -> str:
    """Run ``args + [file]`` on a temporary copy of ``data``; its UTF-8 stdout as text."""
    if shutil.which(args[0]) is None:
        raise ExtractError("tool_missing", tool=args[0])
    fd, path = tempfile.mkstemp(suffix=suffix, prefix="imk-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        done = subprocess.run([*args, path], capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ExtractError("timeout", seconds=round(timeout)) from exc
    finally:
        os.unlink(path)
    if done.returncode != 0:
        raise ExtractError("unreadable")
    return done.stdout.decode("utf-8", errors="replace")


def rtf_text(data: bytes, timeout: float = 60) -> tuple[str, dict[str, Any]]:
    """The text of an RTF document, decoded with its declared ANSI code page."""
    from striprtf.striprtf import rtf_to_text

    if not data.lstrip().startswith(b"{\\rtf"):
        raise ExtractError("unreadable")
    found = _ANSICPG.search(data[:4096])
    encoding = f"cp{found.group(1).decode()}" if found else "cp1251"
    try:
        "".encode(encoding)
    except LookupError:
        encoding = "cp1251"
    return rtf_to_text(data.decode("latin-1"), encoding=encoding, errors="replace"), {}


def doc_text(data: bytes, timeout: float = 60) -> tuple[str, dict[str, Any]]:
    """The text of a Word 97–2003 file (or of the RTF/DOCX file that carries its name)."""
    head = data[:16].lstrip()
    if head.startswith(b"{\\rtf"):
        return rtf_text(data, timeout)
    if head.startswith(b"PK"):
        return docx_text(data)
    if not data.startswith(OLE_MAGIC):
        raise ExtractError("unreadable")
    try:
        text = word_text(data)
    except ExtractError as exc:
        if exc.key == "encrypted":
            raise
        return _with_tools(
            [["antiword", "-w", "0", "-m", "UTF-8.txt"], ["catdoc", "-d", "utf-8", "-w"]],
            data,
            ".doc",
            timeout,
            exc,
        )
    return text, {}


def ppt_text(data: bytes, timeout: float = 60) -> tuple[str, dict[str, Any]]:
    """The text of a PowerPoint 97–2003 file: its slides and notes, masters left out."""
    if not data.startswith(OLE_MAGIC):
        raise ExtractError("unreadable")
    try:
        return powerpoint_text(data), {}
    except ExtractError as exc:
        if exc.key == "encrypted":
            raise
        return _with_tools([["catppt", "-d", "utf-8"]], data, ".ppt", timeout, exc)


def _with_tools(
    commands: list[list[str]], data: bytes, suffix: str, timeout: float, reason: ExtractError
) -> tuple[str, dict[str, Any]]:
    """The first installed tool's text; ``reason`` (the pure reader's failure) when none is."""
    installed = [args for args in commands if shutil.which(args[0])]
    if not installed:
        raise reason
    text = ""
    for args in installed:
        try:
            text = run_tool(args, data, suffix, timeout)
        except ExtractError as exc:
            if exc.key == "timeout":
                raise
            continue
        if text.strip():  # Word 6/95 files and odd binaries: catdoc reads more of them
            break
    return _PIC.sub("", text), {}


# -- Word 97–2003 ---------------------------------------------------------------------------------


def _ole_streams(data: bytes, *names: str) -> dict[str, bytes]:
    """The named streams of an OLE file (absent ones left out); unreadable → ``unreadable``."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return {name: ole.openstream(name).read() for name in names if ole.exists(name)}
    except (OSError, ValueError, struct.error, IndexError) as exc:
        raise ExtractError("unreadable") from exc


def _u16(data: bytes, offset: int) -> int:
    return int(struct.unpack_from("<H", data, offset)[0])


def _u32(data: bytes, offset: int) -> int:
    return int(struct.unpack_from("<I", data, offset)[0])


def word_text(data: bytes) -> str:
    """The text of a Word 97–2003 (or unsaved-fast Word 6/95) file, read without any program.

    The main text, footnotes, endnotes and text boxes, in that order; headers and comments are
    left out. Field codes are dropped, field results kept. Raises :class:`ExtractError`
    (``encrypted``, ``unreadable``) when the file cannot be read this way.
    """
    streams = _ole_streams(data, "WordDocument", "0Table", "1Table")
    word = streams.get("WordDocument")
    if word is None or len(word) < 0x20 or _u16(word, 0) != 0xA5EC:
        raise ExtractError("unreadable")
    try:
        n_fib, lid, flags = _u16(word, 2), _u16(word, 6), _u16(word, 0x0A)
        if flags & 0x0100:  # fEncrypted
            raise ExtractError("encrypted")
        codepage = "cp1251" if lid in _CYRILLIC_LIDS else "cp1252"
        if n_fib < 0xC1:
            return _word6_text(word, flags, codepage)
        table = streams.get("1Table" if flags & 0x0200 else "0Table")
        if table is None:
            raise ExtractError("unreadable")
        text = _word97_text(word, table, codepage)
    except (struct.error, IndexError, ValueError) as exc:
        raise ExtractError("unreadable") from exc
    return text


def _word6_text(word: bytes, flags: int, codepage: str) -> str:
    """Word 6/95: one run of 8-bit text from ``fcMin`` to ``fcMac`` unless fast-saved."""
    if flags & 0x0004 or _u16(word, 2) < 101:  # fComplex (fast-saved) or Word 2: not here
        raise ExtractError("unreadable")
    start, end = _u32(word, 0x18), _u32(word, 0x1C)
    if not 0 < start <= end <= len(word):
        raise ExtractError("unreadable")
    return _clean_word(word[start:end].decode(codepage, errors="replace"))


def _word97_text(word: bytes, table: bytes, codepage: str) -> str:
    csw = _u16(word, 0x20)
    lw = 0x22 + csw * 2 + 2  # FibRgLw97
    cslw = _u16(word, lw - 2)
    ccp = [_u32(word, lw + 4 * i) for i in range(3, 11)]  # ccpText … ccpHdrTxbx
    blob = lw + cslw * 4 + 2  # FibRgFcLcb97: fcClx/lcbClx is its 34th pair
    fc_clx, lcb_clx = _u32(word, blob + 33 * 8), _u32(word, blob + 33 * 8 + 4)
    pieces = _pieces(table[fc_clx : fc_clx + lcb_clx])
    text_cp, ftn, hdd, _mcr, atn, edn, txbx, _hdr_txbx = ccp
    starts = [0, text_cp, text_cp + ftn + hdd + atn, text_cp + ftn + hdd + atn + edn]
    lengths = [text_cp, ftn, edn, txbx]
    parts = [
        _word_range(word, pieces, start, start + length, codepage)
        for start, length in zip(starts, lengths, strict=True)
        if length
    ]
    return "\n".join(_clean_word(part) for part in parts)


def _pieces(clx: bytes) -> list[tuple[int, int, int, bool]]:
    """The piece table: ``(first cp, last cp, byte offset, compressed)`` per piece."""
    at = 0
    while at < len(clx) and clx[at] == 0x01:  # Prc: property modifiers, skipped
        at += 3 + _u16(clx, at + 1)
    if at >= len(clx) or clx[at] != 0x02:
        raise ExtractError("unreadable")
    size = _u32(clx, at + 1)
    plc = clx[at + 5 : at + 5 + size]
    count = (len(plc) - 4) // 12
    if count <= 0:
        raise ExtractError("unreadable")
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    pieces = []
    for n in range(count):
        fc = _u32(plc, 4 * (count + 1) + 8 * n + 2)
        compressed = bool(fc & 0x40000000)
        offset = (fc & 0x3FFFFFFF) // 2 if compressed else fc
        pieces.append((cps[n], cps[n + 1], offset, compressed))
    return pieces


def _word_range(
    word: bytes, pieces: list[tuple[int, int, int, bool]], start: int, end: int, codepage: str
) -> str:
    """The characters from ``start`` to ``end`` (character positions), piece by piece."""
    out = []
    for first, last, offset, compressed in pieces:
        lo, hi = max(first, start), min(last, end)
        if lo >= hi:
            continue
        if compressed:
            raw = word[offset + lo - first : offset + hi - first]
            out.append(raw.decode(_eight_bit_codepage(raw, codepage), errors="replace"))
        else:
            raw = word[offset + 2 * (lo - first) : offset + 2 * (hi - first)]
            out.append(raw.decode("utf-16-le", errors="replace"))
    return "".join(out)


def _eight_bit_codepage(raw: bytes, codepage: str) -> str:
    """cp1252 as the format says, unless a Cyrillic document's letters are mostly ≥ 0xC0.

    Word itself keeps Cyrillic in 16-bit pieces, but other programs that write .doc files put
    cp1251 bytes into 8-bit pieces; in real cp1252 text accented letters are a minority.
    """
    if codepage == "cp1252":
        return codepage
    letters = sum(1 for b in raw if 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A or b >= 0xC0)
    high = sum(1 for b in raw if b >= 0xC0)
    return "cp1251" if letters and high * 2 > letters else "cp1252"


def _clean_word(raw: str) -> str:
    """Drop field codes (keep their results) and turn Word's control characters into text."""
    out = []
    stack: list[bool] = []  # per open field: are we in its code (True) or its result?
    for char in raw:
        if char == _FIELD_BEGIN:
            stack.append(True)
        elif char == _FIELD_SEPARATOR:
            if stack:
                stack[-1] = False
        elif char == _FIELD_END:
            if stack:
                stack.pop()
        elif not (stack and stack[-1]):
            out.append(char)
    return "".join(out).translate(_WORD_CONTROLS)


# -- PowerPoint 97–2003 ---------------------------------------------------------------------------

_TEXT_CHARS, _TEXT_BYTES = 0x0FA0, 0x0FA8  # UTF-16 text / 8-bit (low bytes of UTF-16) text
_SKIPPED = {0x03F8, 0x0FC9}  # MainMaster and Handout containers: layout, not content
_USER_EDIT, _PERSIST_DIRECTORY, _NOTES = 0x0FF5, 0x1772, 0x03F0


def powerpoint_text(data: bytes) -> str:
    """The text of a PowerPoint 97–2003 file, read without any program.

    The file keeps its edit history; the ``Current User`` stream points to the last edit,
    whose persist directory (merged with the older ones it chains to) names the live objects.
    Raises :class:`ExtractError` (``encrypted``, ``unreadable``).
    """
    streams = _ole_streams(data, "PowerPoint Document", "Current User")
    document, user = streams.get("PowerPoint Document"), streams.get("Current User")
    if document is None or user is None:
        raise ExtractError("unreadable")
    try:
        if _u32(user, 12) == 0xF3D1C4DF:  # headerToken of an encrypted presentation
            raise ExtractError("encrypted")
        offsets = _live_objects(document, _u32(user, 16))
        texts: list[str] = []
        for offset in offsets:
            _collect_text(document, offset, offset + 8 + _u32(document, offset + 4), texts)
    except (struct.error, IndexError, RecursionError) as exc:
        raise ExtractError("unreadable") from exc
    return "\n".join(text.replace("\r", "\n").replace("\x0b", "\n") for text in texts)


def _live_objects(document: bytes, edit: int) -> list[int]:
    """Stream offsets of the objects the last edit keeps, in persist-id order."""
    live: dict[int, int] = {}
    seen: set[int] = set()
    while edit and edit not in seen and edit < len(document):
        seen.add(edit)
        if _u16(document, edit + 2) != _USER_EDIT:
            raise ExtractError("unreadable")
        previous, directory = _u32(document, edit + 16), _u32(document, edit + 20)
        if _u16(document, directory + 2) != _PERSIST_DIRECTORY:
            raise ExtractError("unreadable")
        at, end = directory + 8, directory + 8 + _u32(document, directory + 4)
        while at < end:
            entry = _u32(document, at)
            first, count = entry & 0xFFFFF, entry >> 20
            for n in range(count):
                live.setdefault(first + n, _u32(document, at + 4 + 4 * n))  # newest wins
            at += 4 + 4 * count
        edit = previous
    if not live:
        raise ExtractError("unreadable")
    return [live[key] for key in sorted(live)]


def _collect_text(document: bytes, at: int, end: int, texts: list[str]) -> None:
    """Append the text atoms found in the records from ``at`` to ``end`` (depth first)."""
    end = min(end, len(document))
    while at + 8 <= end:
        version, kind, size = (
            _u16(document, at) & 0x000F,
            _u16(document, at + 2),
            _u32(document, at + 4),
        )
        body = at + 8
        if kind in _SKIPPED or (kind == _NOTES and _is_master_id(_u32(document, body + 8))):
            pass  # masters, handouts and the notes master (its NotesAtom names no slide)
        elif version == 0x0F:
            _collect_text(document, body, body + size, texts)
        elif kind == _TEXT_CHARS:
            texts.append(document[body : body + size].decode("utf-16-le", errors="replace"))
        elif kind == _TEXT_BYTES:
            texts.append(document[body : body + size].decode("latin-1"))
        at = body + size


def _is_master_id(slide_id: int) -> bool:
    """Slide ids of masters have the high bit set (0 is an old writer's notes master)."""
    return slide_id == 0 or bool(slide_id & 0x80000000)
