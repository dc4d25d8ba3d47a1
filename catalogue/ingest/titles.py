"""The title of an imported document, found the way a reader finds it on the first page.

A methodical document opens with a header (the organisation, approval stamps, addresses), then
the title, often split over several lines («ПОЛОЖЕНИЕ» / «о порядке приема граждан» / «на
обучение»), then the author and the body. :func:`suggest_title` skips the header, takes the
first title-like line and joins the lines that continue it; the document's declared title
property is used only when it looks like a real title and the text does not give a fuller one.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

from catalogue.words import fold, stemmer

HEAD_LINES = 120  # how many lines of the text are searched for the title
MAX_TITLE = 300
_JOINED_MAX = 320  # a title block longer than this is body text

# Declared titles that a program or a template wrote, not the author.
_BAD_DECLARED = re.compile(
    r"^(microsoft\s+\w+\s*-|презентация powerpoint|powerpoint presentation|slide \d+|"
    r"слайд \d+|документ\d*|document\d*|untitled|без названия|новый документ|лист\d*|"
    r"sheet\d*|тема office|office theme|title|заголовок|название|\d+$)",
    re.I,
)
# Approval stamps and signatures: never part of a title.
_STAMP = re.compile(
    r"^(?:утвержд\w*|согласован\w*|рассмотрен\w*|принят\w*|введен\w* в действие|приложение|"
    r"приказ\w*|постановлени\w*|протокол\w*|решением|директор\w*|заведующ\w*|и\.?\s?о\.|проректор|ректор|"
    r"(?:на )?педагогическ\w+ совет\w*|на заседании|на совете|председатель|ознакомлен|"
    r"№|от \d|\d(?!\d*\s*(?:урок|занят|лекци|вебинар|недел))|«\s*_*\s*\d|«_|_|[_\s.]+$|"
    r"стр\w*\s*\d|©|\(c\)|проект$|id\b|лист\d*$|sheet\d*$)",
    re.I,
)
# Organisation names and addresses: a header, though «ПЛАН РАБОТЫ» may go on with one.
_ORGANISATION = re.compile(
    r"^(?:министерство|департамент|комитет|управление образовани|отдел образовани|"
    r"муниципальн\w+|государственн\w+ (?:бюджетн|казенн|автономн|образовательн)|"
    r"федеральн\w+ государственн|федеральное|частн\w+ (?:обще)?образовательн|автономная|"
    r"некоммерческ|учреждени|имени\b|кафедра|детский сад\b|(?:школа|лицей|гимназия) №|"
    r"(?:мб|ма|мк|гб|га|м|мо|ч|чо)д?оу\b|мобу|мбс|гбпоу|гапоу|мбу|мау|фгбоу|"
    r"тел\b|тел\.|факс|e-?mail|инн\b|кпп\b|адрес|г\.\s?[а-яё]|город\b|с\.\s?[а-яё]|ул\.|"
    r"городского округа|республики|[а-яё]+ского (?:района|округа)|[а-яё]+ской области|"
    r"музыкальный руководитель|старший воспитатель|педагог-психолог|учитель-логопед)",
    re.I,
)
# Lines that are never a title wherever they stand: links, handles, organisation names.
_NOT_TITLE = re.compile(
    r"https?://|www\.|@\w|\b\w*(?:ОУ|ДОУ)\s*№|\bвида\b|(?:университет|институт|учреждени\w|"
    r"организаци\w|скул|school|филиал\)?|академи\w|колледж|техникум|кафедра)»?\.?$|"
    r"^(?:[«\"].*»?|\S+)?\s*(?:университет|институт)\b",
    re.I,
)
# A line that ends a title block: the author, the body's first section, a place and year.
_ENDS_TITLE = re.compile(
    r"^(?:подготовил\w*|подготовлен\w*|разработал\w*|разработан\w*|составил\w*|составител\w*|"
    r"автор\w*|выполнил\w*|учитель\b|воспитатель\b|руководитель проекта|содержание|"
    r"оглавление|пояснительная записка|введение|аннотация|цел[ьи]\b|задачи\b|актуальность|"
    r"общие положения|план$|план урока|ход урока|тип урока|предмет:|класс:|категория|"
    r"\d+(?:\.\d+)*\.?\s(?!урок|занят|лекци|вебинар|недел)|[ivx]+\.\s|глава \d|"
    r"г\.\s?[а-яё-]+,?\s*\d{4}|\d{4}\s*г?\.?$)",
    re.I,
)
# Document-type words: a line that is only one of these needs what follows it.
DOC_TYPES = re.compile(
    r"^(?:положение|порядок|правила|памятка|конспект|программа|рабочая программа|"
    r"основная (?:обще)?образовательная программа|сценарий|рекомендации|"
    r"методические рекомендации|методическая разработка|технологическая карта(?: урока)?|"
    r"план(?: работы)?|творческий план|отч[её]т|договор|устав|кодификатор|спецификация|"
    r"демонстрационный вариант|тест|планирование|проект|образовательный проект|"
    r"творческий проект|картотека|классный час|родительское собрание|урок|викторина|"
    r"брейн[- ]ринг|инструкция|регламент|приказ|доклад|выступление|консультация|"
    r"(?:[\w-]+ )?программа(?: [\w-]+)?)(?: о| об| по(?: теме)?| на тему| для)?\s*:?$",
    re.I,
)
# A line ending like this continues on the next one («Положение о» + «порядке приема»).
_OPEN_END = re.compile(
    r"(?:\b(?:в|во|на|о|об|по|для|при|с|со|к|из|от|до|за|и|или|а|как|между|через|"
    r"на тему|по теме|тема|посвященн\w+)|[-–—:,(«\"])\s*$",
    re.I,
)
_SENTENCE_END = re.compile(r"[А-Яа-яЁёA-Za-z»)\"]{4}[.!?]$|[!?]$")
# A signature: a name with initials alone on its line («В.В. Потанин», «(Валеева С.Ш.)»).
_SIGNATURE = re.compile(
    r"^[(/\s]*(?:(?:[А-ЯЁ]\.\s?){1,2}\s?[А-ЯЁ][а-яё]+|[А-ЯЁ][а-яё]+\s+[А-ЯЁ]\.\s?[А-ЯЁ]?\.?)"
    r"[)/.\s]*$"
)
_SPACED = re.compile(r"^(?:\w ){3,}\w$")
_SENTENCES = re.compile(r"[а-яё]{3}[.!?] [А-ЯЁ]")
_DATED = re.compile(r"«\s*\d*\s*»\s*[а-яё]+\s*\d{4}|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b")
_DRAFT = re.compile(r"^проект$", re.I)
# A table of contents: its entries («Дыхательная гимнастика. 3») run up to the next blank line.
_CONTENTS = re.compile(r"^(?:содержание|оглавление)\.?:?$", re.I)
_SERIES_MAX = 60
_ACRONYM = re.compile(r"\(([А-ЯЁ]{2,6})\)")
_SHORT = 40  # a heading set apart by spacing joins a block shorter than this
_THEME = re.compile(r"^тема(?: урока| занятия)?\s*:\s*", re.I)
_PERSON_START = re.compile(
    r"^[А-ЯЁ][а-яё]+\s+(?:[А-ЯЁ]\.\s?[А-ЯЁ]\.|[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+(?:вна|вич|ична|ич))"
)
# Upper-case words this long are words, not acronyms (МБОУ, МАДОУ aside); in an upper-case
# line shorter words are lowered when listed or vowel-rich (ШКОЛА, but ФГОС, ЕГЭ kept).
_WORD_LETTERS = 6
_SMALL_WORDS = {
    "в",
    "во",
    "на",
    "о",
    "об",
    "по",
    "для",
    "при",
    "с",
    "со",
    "к",
    "из",
    "от",
    "до",
    "за",
    "и",
    "или",
    "год",
    "года",
    "лет",
    "план",
    "тема",
    "теме",
    "урок",
    "курс",
    "игра",
    "день",
    "как",
    "одно",
    "один",
    "одна",
    "все",
    "это",
    "что",
    "под",
    "над",
    "без",
    "про",
    "мой",
    "наш",
    "карт",
    "карта",
}


def _terms(text: str) -> set[str]:
    """Stems of the words of three letters or more («Положения» and «положение» alike)."""
    found = re.findall(r"[^\W\d_]{3,}", fold(text))
    return set(stemmer("russian").stemWords(found))


def _clean(line: str) -> str:
    line = re.sub(r"_{2,}|№\s*_+", " ", line.replace("\t", " ").replace("|", " "))
    line = " ".join(line.split()).strip(" ;-–—/")
    if _SPACED.match(line):  # «П О Л О Ж Е Н И Е»
        line = line.replace(" ", "")
    return line


def _letters_share(line: str) -> float:
    return sum(ch.isalpha() for ch in line) / max(len(line), 1)


def _bare(line: str) -> str:
    return fold(line).lstrip('«"“[( ')


def _is_stamp(line: str) -> bool:
    return bool(_STAMP.match(_bare(line)) or _SIGNATURE.match(line))


def _is_header(line: str) -> bool:
    bare = _bare(line)
    return bool(_is_stamp(line) or _ORGANISATION.match(bare) or _NOT_TITLE.search(line))


def _can_start(line: str, in_table: bool) -> bool:
    """Whether a cleaned line (a table cell when ``in_table``) may open a title."""
    if _is_header(line) or _ENDS_TITLE.match(line) or _PERSON_START.match(line):
        return False
    if line.endswith("?") or (
        line[:1].islower()
        and not DOC_TYPES.match(line)
        and (in_table or len(line.split()) < 3)  # a wrapped line of a header
    ):
        return False
    if len(line) < 4 or len(line) > 250 or _letters_share(line) < 0.6 or _DATED.search(line):
        return False
    if len(line.split()) < 2 and not DOC_TYPES.match(line) and (len(line) < 8 or in_table):
        return False
    if not re.search(r"[^\W\d_]{4}", line):  # «А Г Р», «1 2 3»: letters, not words
        return False
    if (len(line) > 120 and line.endswith(".")) or len(_SENTENCES.findall(line)) >= 2:
        return False  # a sentence of the body
    return not line.endswith(":") or bool(DOC_TYPES.match(line))


def _lead(line: str) -> str:
    """The first two words of a line («Демонстрационный вариант контрольных…» → 2 words)."""
    return " ".join(line.split()[:2]) if len(line.split()) > 1 else line


def _open_end(block: list[str]) -> bool:
    """Whether the block cannot end here («Положение о», «ПЛАН РАБОТЫ»)."""
    return bool(_OPEN_END.search(block[-1]) or DOC_TYPES.match(" ".join(block)))


def _continues(block: list[str], line: str, after_blank: bool) -> bool:
    """Whether ``line`` goes on with the title block (a wrapped or a second heading line)."""
    prev = block[-1]
    open_end = _open_end(block)
    if after_blank and not (open_end or DOC_TYPES.match(_lead(line))):
        # a heading set apart by spacing: only short lines go on a short block
        short = len(" ".join(block)) < _SHORT and len(line) < _SHORT
        if not short or _SENTENCE_END.search(line) or line.endswith(","):
            return False
    if len(" ".join(block)) + len(line) > _JOINED_MAX or len(line) > 160:
        return False
    doc_type_only = bool(DOC_TYPES.match(" ".join(block)))
    if _is_stamp(line) or (_is_header(line) and not doc_type_only):
        return False
    if _ENDS_TITLE.match(line) or _PERSON_START.match(line) or _letters_share(line) < 0.5:
        return False
    if fold(_lead(line)) == fold(_lead(block[0])):
        return False  # the heading again («ПЛАН РАБОТЫ… НА СЕНТЯБРЬ»): the next section
    if _SENTENCE_END.search(prev) and not open_end:
        return False
    if open_end or line[:1].islower() or line[:1] in '«"“(':
        return True
    # a capitalised line after a heading line: a second heading (subtitle) if short
    return len(line) <= 90 and not re.search(r"\w{4}[.!]$", line) and len(block) < 5


def _case(line: str) -> str:
    """Upper-case words in lower case (a whole upper-case line in sentence case), acronyms
    (ЕГЭ, ФГОС, ОДНКНР) kept."""
    whole = line.isupper()
    out = []
    for word in line.split(" "):
        letters = re.sub(r"[\W\d_]", "", word)
        if (
            letters.isupper()
            and (
                (len(letters) >= _WORD_LETTERS and _vowel_share(letters) > 0)
                or (whole and fold(letters) in _SMALL_WORDS)
                or (whole and len(letters) >= 4 and _vowel_share(letters) >= 0.4)
            )
            and not letters.endswith("ОУ")
        ):  # МБОУ, МАДОУ stay
            word = word.lower()
        out.append(word)
    cased = " ".join(out)
    if whole and cased.startswith("«"):  # a quoted upper-case title: «Музыкотерапия как…»
        cased = "«" + cased[1:2].upper() + cased[2:]
    return cased


def _vowel_share(word: str) -> float:
    return sum(ch in "АЕЁИОУЫЭЮЯAEIOUY" for ch in word) / len(word)


def _join(block: list[str]) -> str:
    """One line of the block's lines; a long series heading before the document's own type
    («Государственная итоговая аттестация… (ОГЭ)» + «Кодификатор…») is left out."""
    series = ""
    for n, line in enumerate(block[1:], 1):
        if DOC_TYPES.match(_lead(line)) and len(" ".join(block[:n])) > _SERIES_MAX:
            series = " ".join(_ACRONYM.findall(" ".join(block[:n])))  # «(ОГЭ)» is kept
            block = block[n:]
            break
    title = ""
    for original in block:
        line = _case(original)
        if not title:
            title = line
        elif DOC_TYPES.match(title) and re.match(r"[А-ЯЁ][а-яё]", line):
            title = f"{title} {line[:1].lower()}{line[1:]}"  # «Творческий план» + «Музыкального…»
        elif (
            _OPEN_END.search(title)
            or (
                line[:1].islower()
                and (not original.isupper() or fold(original.split()[0]) in _SMALL_WORDS)
            )
            or original[:1] in '«"“('
            or DOC_TYPES.match(title)
        ):
            title = f"{title} {line}"
        else:
            title = f"{title.rstrip('.')}. {line[:1].upper()}{line[1:]}"
    title = _THEME.sub("", title).strip(" .:;-–—")
    if title.count("[") != title.count("]"):  # «[Экономическая классификация…»
        title = title.strip("[]")
    if title.count("«") != title.count("»"):
        title = title.strip("«»")
    if title.count('"') % 2:
        title = title.strip('"')
    if series:
        title = f"{title} ({series})"
    return title[:1].upper() + title[1:]


def _head(text: str) -> list[tuple[str, bool]]:
    """The head of the text as cleaned lines ('' for a blank one), a table row's cells as
    lines of their own; each with whether it stood in a table."""
    lines: list[tuple[str, bool]] = []
    for raw in text.split("\n")[:HEAD_LINES]:
        cells = re.split(r"[|\t]", raw)
        if len(cells) == 1:
            lines.append((_clean(raw), False))
        else:
            lines += [(cell, True) for cell in map(_clean, cells) if cell]
    return lines


def title_from_text(text: str) -> str:
    """The first title block of the text, joined into one line ('' when none is found).

    A draft marked «Проект» above its title gets «(проект)» after it."""
    block: list[str] = []
    after_blank = draft = block_in_table = in_stamp = in_contents = False
    first = True
    for line, in_table in _head(text):
        if not line:
            after_blank = bool(block)
            in_stamp = in_contents = False
            continue
        if not block and (in_contents or _CONTENTS.match(line)):
            in_contents = True  # no title before the contents: it is after them
            continue
        if not block and in_stamp and line[:1].islower():
            continue  # a stamp wrapped onto the next lines: «УТВЕРЖДЕНО» + «и введено в действие»
        in_stamp = not block and _is_stamp(line)
        if first and _SIGNATURE.match(line) and not line.startswith("("):
            block.append(line)  # a work under its author's name: «А.С. Пушкин» + «Евгений Онегин»
        elif block:
            if _SIGNATURE.match(line) and not after_blank:
                continue  # «Творческий план…» + «Гронской Е.С.» + «на тему…»: name left out
            # into or out of a table only what plainly goes on: «Памятка» + «родителям»
            crosses = in_table != block_in_table and not (
                _OPEN_END.search(block[-1]) or line[:1].islower()
            )
            if crosses or not _continues(block, line, after_blank):
                break
            block.append(line)
        elif _can_start(line, in_table):
            block.append(line)
            block_in_table = in_table
        elif _DRAFT.match(line):
            draft = True
        after_blank = first = False
    if not block or (len(block) == 1 and DOC_TYPES.match(block[0]) and len(block[0].split()) < 3):
        return ""  # «ПОЛОЖЕНИЕ» alone names no document
    title = _join(block)[:MAX_TITLE]
    return f"{title} (проект)" if draft else title


def _declared(meta: dict[str, Any]) -> str:
    declared = _clean(str(meta.get("title") or ""))
    if (
        len(declared) < 5
        or _BAD_DECLARED.match(declared)
        or _is_header(declared)
        or not re.search(r"[А-Яа-яЁё]", declared)
        or DOC_TYPES.match(declared)
    ):
        return ""
    return declared


def suggest_title(text: str, meta: dict[str, Any], name: str) -> str:
    """The document's title: its title block, or the declared title when that is a real one
    the text confirms (or the text has none), else the file name."""
    found = title_from_text(text)
    declared = _declared(meta)
    if declared:
        said = _terms(declared)
        head = _terms(text[:5000])
        confirmed = not found or len(said & head) >= len(said) * 0.6
        if confirmed and not (found and said <= _terms(found)):
            return _case(declared)[:MAX_TITLE]
    if found:
        return found
    stem = PurePath(name).stem.replace("_", " ").replace("-", " ")
    return " ".join(stem.split())[:MAX_TITLE] or name
