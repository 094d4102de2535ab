"""Names: national-style pinyin, search keys that fold every script, pinyin sort order."""
from __future__ import annotations

import pytest

from summit.services.core import names

STORED = "趙波"  # a name registered in traditional characters


# --- pinyin_name --------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "expected"), [
    ("赵波", "ZHAO Bo"),
    ("趙波", "ZHAO Bo"),                 # traditional gives the same romanisation
    ("  赵波 ", "ZHAO Bo"),              # trimmed
    ("单雄信", "SHAN Xiongxin"),         # 单 as a surname reads shan, not dan
    ("曾国藩", "ZENG Guofan"),           # 曾 as a surname reads zeng, not ceng
    ("欧阳娜娜", "OUYANG Nana"),         # compound surname
    ("歐陽娜娜", "OUYANG Nana"),         # compound surname in traditional characters
    ("司马光", "SIMA Guang"),
    ("李", "LI"),                        # a surname alone
])
def test_pinyin_name_is_surname_in_capitals_then_given_name(name, expected):
    assert names.pinyin_name(name) == expected


def test_tibetan_name_in_chinese_characters_has_no_surname():
    assert names.pinyin_name("泽仁拉姆", no_surname=True) == "Zeren Lamu"
    assert names.pinyin_name("澤仁拉姆", no_surname=True) == "Zeren Lamu"
    # Without the flag the first character would wrongly become a surname.
    assert names.pinyin_name("泽仁拉姆") == "ZE Renlamu"


@pytest.mark.parametrize("name", ["John Smith", "Tashi Dorje", "བཀྲ་ཤིས་རྡོ་རྗེ", "Müller"])
def test_non_chinese_names_are_kept_as_written(name):
    assert names.pinyin_name(name) == name
    assert names.pinyin_name(f"  {name}  ") == name


def test_empty_name_gives_empty_pinyin():
    assert names.pinyin_name("") == ""
    assert names.pinyin_name("   ") == ""


def test_script_detection():
    assert names.has_han("趙波") and names.has_han("Tashi 扎西")
    assert not names.has_han("Tashi Dorje")
    assert names.has_tibetan("བཀྲ་ཤིས")
    assert not names.has_tibetan("泽仁拉姆")
    assert names.to_simplified("趙波") == "赵波"
    assert names.to_traditional("赵波") == "趙波"


# --- search_key / search_terms ------------------------------------------------------------

def finds(stored_key: str, query: str) -> bool:
    return any(term in stored_key for term in names.search_terms(query))


@pytest.mark.parametrize("query", ["趙波", "赵波", "zhaobo", "zhao bo", "Zhao", "ZHAO BO",
                                   "ZhaoBo", " zhao  bo ", "赵", "波"])
def test_a_name_stored_in_traditional_is_found_whatever_form_is_typed(query):
    assert finds(names.search_key(STORED), query)


@pytest.mark.parametrize("query", ["钱波", "qian", "zhaobi", "bozhao", "李"])
def test_other_names_do_not_match(query):
    assert not finds(names.search_key(STORED), query)


def test_search_key_holds_every_form_lower_case():
    key = names.search_key(STORED).split("|")
    assert {"趙波", "赵波", "zhaobo", "zhao bo", "zb"} <= set(key)
    assert len(key) == len(set(key))  # no repeated forms


def test_search_key_of_a_surname_with_a_special_reading_has_both_readings():
    key = names.search_key("单雄信")
    assert finds(key, "shan xiongxin")
    assert finds(key, "單雄信")


def test_search_key_includes_native_and_pinyin_parts():
    key = names.search_key("泽仁拉姆", "ཚེ་རིང་ལྷ་མོ", "Zeren Lamu")
    for query in ("ཚེ་རིང་ལྷ་མོ", "zeren lamu", "Zeren", "澤仁拉姆", "泽仁"):
        assert finds(key, query), query


def test_search_key_of_a_latin_name_is_folded():
    key = names.search_key("José Müller")
    assert finds(key, "jose muller")
    assert finds(key, "JoséMüller")


def test_search_terms_of_an_empty_query_is_empty():
    assert names.search_terms("") == []
    assert names.search_terms("   ") == []


# --- sort_key -----------------------------------------------------------------------------

def test_sort_key_gives_pinyin_order():
    unsorted = ["赵波", "白雪", "安然", "欧阳娜娜", "单雄信"]
    assert sorted(unsorted, key=names.sort_key) == ["安然", "白雪", "欧阳娜娜", "单雄信", "赵波"]


def test_sort_key_is_the_same_for_simplified_and_traditional():
    assert names.sort_key("趙波") == names.sort_key("赵波") == "zhaobo"


def test_sort_key_follows_an_overridden_pinyin():
    assert names.sort_key("赵波", "Chao Po") == "chaopo"


def test_latin_names_sort_among_pinyin_names():
    unsorted = ["赵波", "Zoe Adams", "白雪", "Bob Wang"]
    assert sorted(unsorted, key=names.sort_key) == ["白雪", "Bob Wang", "赵波", "Zoe Adams"]
