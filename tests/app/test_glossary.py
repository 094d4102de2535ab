"""The words of docs/glossary.md hold in the code and the catalogs: a short word with two
meanings is always used with a message context (and `make extract-messages` keeps it), each
meaning is translated as the glossary says, no translation uses a word the glossary rules
out, and the glossary names the terms a Chinese government event uses."""
from __future__ import annotations

import importlib.util
import re
import shlex
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
CATALOGS = ROOT / "summit" / "translations"

# What the issue asks the glossary to name (issue 17, "Words").
REQUIRED_TERMS = ("主办单位", "承办单位", "协办单位", "支持单位", "北京时间", "已到", "应到",
                  "实到", "嘉宾", "代表团", "發布", "類型")


def table(heading: str) -> list[list[str]]:
    """The rows of the Markdown table under ``## heading`` in the glossary."""
    text = GLOSSARY.read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip().strip("|").split("|") for line in section.splitlines()
            if line.startswith("|")]
    return [[cell.strip() for cell in row] for row in rows[2:]]


def contexts() -> list[dict]:
    return [{"msgid": r[0], "context": r[1], "zh_Hans": r[2], "zh_Hant": r[3],
             "never": [w.strip() for w in r[4].split("/") if w.strip()]}
            for r in table("Words with a context")]


@cache
def extracted() -> dict[tuple[str | None, str], list[str]]:
    """Every message of the code as `make extract-messages` reads it (its keywords)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    line = next(ln for ln in makefile.splitlines() if "pybabel extract" in ln)
    words = shlex.split(line)
    keywords = dict(DEFAULT_KEYWORDS)
    keywords.update(parse_keywords([words[i + 1] for i, w in enumerate(words) if w == "-k"]))
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[tuple[str | None, str], list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=keywords):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault((context, msgid), []).append(f"{filename}:{lineno}")
    return found


@cache
def catalog(language: str):
    with open(CATALOGS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


def translations(language: str):
    for message in catalog(language):
        if message.id:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            yield message, [s for s in strings if s]


def test_every_use_of_an_ambiguous_word_carries_its_context():
    found = extracted()
    for row in contexts():
        assert (row["context"], row["msgid"]) in found, \
            f"{row['msgid']!r} ({row['context']}) is in the glossary but not in the code"
        bare = found.get((None, row["msgid"]), [])
        assert not bare, f"{row['msgid']!r} used without a context at {bare}"


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_each_meaning_is_translated_as_the_glossary_says(language):
    for row in contexts():
        message = catalog(language).get(row["msgid"], row["context"])
        assert message is not None, f"{row['msgid']!r} ({row['context']}) missing in {language}"
        assert message.string == row[language], (row, message.string)
        if language == "zh_Hans":
            for word in row["never"]:
                assert word not in message.string, (row, message.string)


def test_no_translation_uses_a_word_the_glossary_rules_out():
    ruled_out = [r[1] for r in table("Traditional Chinese")]
    assert {"釋出", "型別"} <= set(ruled_out)
    for message, strings in translations("zh_Hant"):
        for text in strings:
            bad = [word for word in ruled_out if word in text]
            assert not bad, f"{message.id!r}: {text!r} uses {bad}"
    # A zone id is not a name: 北京时间, not "Asia/Shanghai 时区".
    for language in ("zh_Hans", "zh_Hant"):
        for message, strings in translations(language):
            for text in strings:
                assert not re.search(r"%\((tz|zone)\)s\s*(时区|時區)", text), (message.id, text)
                assert "Asia/Shanghai" not in text, (message.id, text)


def test_the_traditional_catalog_is_derived_with_the_general_words():

    spec = importlib.util.spec_from_file_location("fill_zh_hant",
                                                  ROOT / "scripts" / "fill_zh_hant.py")
    fill = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fill)
    assert fill.convert("议程已发布，请选择媒体类型。") == "議程已發布，請選擇媒體類型。"
    assert fill.convert("审核记录") == "審核記錄"
    assert fill.convert("邀请码代码") == "邀請碼代碼"
    # What s2twp gets right stays: Taiwan characters and words.
    assert fill.convert("登录峰会并打印") == "登入峰會並列印"


def test_the_glossary_names_the_terms_of_a_chinese_government_event():
    text = GLOSSARY.read_text(encoding="utf-8")
    missing = [term for term in REQUIRED_TERMS if term not in text]
    assert not missing, f"docs/glossary.md lacks {missing}"
    # Each term an event's pages use is in the catalog with that meaning.
    simplified = " ".join(s for _m, strings in translations("zh_Hans") for s in strings)
    for term in ("主办单位", "承办单位", "支持单位", "北京时间", "应到", "实到", "代表团"):
        assert term in simplified, term
