"""Numbers agree with their nouns in every message: «1 запись», «4 записи», «5 записей»
(«1 record», «4 records»), and no message puts a counted number before a bare noun."""

from __future__ import annotations

import re

import pytest

from catalogue import i18n

PLURAL = re.compile(r"{(\w+):([^{}]*\|[^{}]*)}")
# placeholders that hold counts: a Russian noun right after one of them must agree with it
COUNTS = re.compile(
    r"{(count|records|files|rows|limit|columns|chars|schools|years|pages|versions|published"
    r"|removed|total)}\s+[а-яё]{3,}",  # units («с», «ч», «МБ») do not change
)
AGREE_OK = {"{total} из", "{count} из"}  # «5 из 7»: no noun follows


def plural_keys() -> list[str]:
    return sorted(k for k, text in i18n.catalog("ru").items() if PLURAL.search(text))


def test_there_are_plural_messages():
    assert len(plural_keys()) >= 10


@pytest.mark.parametrize("key", plural_keys())
def test_plural_forms_have_three_russian_and_two_english_forms(key):
    for lang, forms in (("ru", 3), ("en", 2)):
        specs = PLURAL.findall(i18n.catalog(lang)[key])
        assert specs, (lang, key)
        assert all(len(spec.split("|")) == forms for _, spec in specs), (lang, key, specs)


@pytest.mark.parametrize("key", plural_keys())
@pytest.mark.parametrize(
    ("count", "form"),
    [(1, 0), (2, 1), (4, 1), (5, 2), (11, 2), (12, 2), (21, 0), (22, 1), (111, 2)],
)
def test_russian_forms_follow_the_number(key, count, form):
    text = i18n.catalog("ru")[key]
    names = {name for name, _ in PLURAL.findall(text)}
    values = {n: count for n in re.findall(r"{(\w+)", text)}
    shown = i18n.t(key, **values)
    for name, spec in PLURAL.findall(text):
        assert name in names
        assert spec.split("|")[form] in shown, (key, count, shown)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_no_counted_number_before_a_bare_noun(lang):
    bare = []
    for key, text in i18n.catalog(lang).items():
        for found in COUNTS.finditer(text):
            after = text[found.end(1) + 1 :]
            if not after.lstrip().startswith("{" + found.group(1) + ":") and not any(
                ok in text[found.start() :] for ok in AGREE_OK
            ):
                bare.append((key, found.group(0)))
    assert bare == []


@pytest.mark.parametrize(
    ("key", "values", "ru", "en"),
    [
        ("builder.saved", {"name": "x", "count": 4}, "4 записи", "4 records"),
        ("builder.saved", {"name": "x", "count": 1}, "1 запись", "1 record"),
        ("cli.demo_done", {"records": 21, "files": 5, "seconds": 1}, "21 запись, 5 файлов", None),
        ("cli.check_ok", {"count": 1510}, "1510 записей", "1510 records"),
        ("cli.page_beyond", {"page": 9, "pages": 2, "total": 15}, "2 страницы", "2 pages"),
    ],
)
def test_messages_read_right(key, values, ru, en):
    assert ru in i18n.t(key, **values)
    if en:
        i18n.set_language("en")
        assert en in i18n.t(key, **values)
