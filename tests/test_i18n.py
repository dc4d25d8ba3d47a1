"""Messages: both languages have every key, no key is defined twice, placeholders agree."""

from __future__ import annotations

import re
import tomllib
from collections import Counter

import pytest

from catalogue import i18n


def test_both_languages_have_the_same_keys():
    assert set(i18n.catalog("ru")) == set(i18n.catalog("en"))


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_no_key_is_defined_in_two_area_files(lang):
    keys: Counter[str] = Counter()
    for path in (i18n.LOCALE_DIR / lang).glob("*.toml"):
        for section, values in tomllib.loads(path.read_text(encoding="utf-8")).items():
            keys.update(f"{section}.{key}" for key in values)
    assert [k for k, n in keys.items() if n > 1] == []


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"{(\w+)(?::[^}]*)?}", text))


@pytest.mark.parametrize("area", sorted({key.split(".")[0] for key in i18n.catalog("ru")}))
def test_placeholders_agree(area):
    ru, en = i18n.catalog("ru"), i18n.catalog("en")
    differ = [
        key
        for key in sorted(ru)
        if key.split(".")[0] == area and _placeholders(ru[key]) != _placeholders(en[key])
    ]
    assert differ == []


def test_language_switch():
    i18n.set_language("en")
    assert i18n.t("search.nothing").startswith("Nothing found")
    i18n.set_language(None)
    assert i18n.t("search.nothing").startswith("Ничего не найдено")
    with pytest.raises(ValueError):
        i18n.set_language("de")


@pytest.mark.parametrize(
    ("count", "ru", "en"),
    [
        (0, "0 записей", "0 records"),
        (1, "1 запись", "1 record"),
        (2, "2 записи", "2 records"),
        (4, "4 записи", "4 records"),
        (5, "5 записей", "5 records"),
        (11, "11 записей", "11 records"),
        (12, "12 записей", "12 records"),
        (21, "21 запись", "21 records"),
        (22, "22 записи", "22 records"),
        (111, "111 записей", "111 records"),
        (1001, "1001 запись", "1001 records"),
    ],
)
def test_plural_forms_agree_with_the_number(count, ru, en):
    assert f"{count} {i18n.plural(count, 'запись|записи|записей', 'ru')}" == ru
    assert f"{count} {i18n.plural(count, 'record|records', 'en')}" == en


def test_plural_forms_in_a_message_format_spec():
    text = "{count} {count:запись|записи|записей} в «{name}»"
    assert i18n._FORMATTER.format(text, count=3, name="Дроби") == "3 записи в «Дроби»"


@pytest.mark.parametrize(
    ("lang", "value", "date", "number"),
    [
        ("ru", 5.0, "27.11.2026", "5"),
        ("ru", 0.25, "27.11.2026", "0,25"),
        ("en", 0.25, "2026-11-27", "0.25"),
        ("en", 1.0, "2026-11-27", "1"),
    ],
)
def test_dates_and_numbers_as_the_language_writes_them(lang, value, date, number):
    i18n.set_language(lang)
    assert i18n.date_text("2026-11-27") == date
    assert i18n.date_text("2026-11-27T07:47:11+00:00") == date
    assert i18n.number_text(value) == number
    assert i18n.date_text(None) == "" and i18n.number_text(None) == ""


def test_moments_are_local_time_to_the_minute(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Europe/Moscow")
    time.tzset()
    try:
        i18n.set_language("ru")
        assert i18n.moment_text("2026-11-27T07:47:11+00:00") == "27.11.2026 10:47"
        i18n.set_language("en")
        assert i18n.moment_text("2026-11-27T07:47:11+00:00") == "2026-11-27 10:47"
    finally:
        monkeypatch.undo()
        time.tzset()
