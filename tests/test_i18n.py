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


@pytest.mark.parametrize("key", sorted(i18n.catalog("ru")))
def test_placeholders_agree(key):
    def names(text):
        return set(re.findall(r"{(\w+)}", text))

    assert names(i18n.catalog("ru")[key]) == names(i18n.catalog("en")[key])


def test_language_switch():
    i18n.set_language("en")
    assert i18n.t("search.nothing").startswith("Nothing found")
    i18n.set_language(None)
    assert i18n.t("search.nothing").startswith("Ничего не найдено")
    with pytest.raises(ValueError):
        i18n.set_language("de")
