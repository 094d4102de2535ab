"""Names in Chinese (simplified and traditional), Tibetan and Latin script.

Conversion between simplified and traditional uses OpenCC; pinyin uses pypinyin. Search keys
fold every form of a name to the same strings, so 趙波, 赵波, "zhaobo", "zhao bo" and "Zhao" all
find one person.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

# Surnames of two characters, and single-character surnames read differently from the
# character's most common reading. pypinyin has no surname mode; this is the small set of
# exceptions that name lists need, not a pinyin table.
COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "令狐", "慕容", "司徒",
    "夏侯", "宇文", "长孙", "轩辕", "端木", "南宫", "呼延", "澹台", "万俟", "申屠", "独孤",
})
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "区": "ou", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha",
    "盖": "ge", "尉": "yu", "员": "yun", "秘": "bi", "缪": "miao", "繁": "po", "翟": "zhai",
    "乐": "yue", "华": "hua", "纪": "ji", "覃": "qin", "洗": "xian", "冼": "xian", "种": "chong",
    "长孙": "zhangsun", "万俟": "moqi", "尉迟": "yuchi",
}

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_TIBETAN = re.compile(r"[\u0f00-\u0fff]")
_SEPARATORS = re.compile(r"[\s·•・.\-_'’]+")


@lru_cache(maxsize=2)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text) if text else text


@lru_cache(maxsize=65536)
def to_traditional(text: str) -> str:
    return _converter("s2t").convert(text) if text else text


def has_han(text: str) -> bool:
    return bool(_HAN.search(text or ""))


def has_tibetan(text: str) -> bool:
    return bool(_TIBETAN.search(text or ""))


def split_surname(name: str) -> tuple[str, str]:
    """(surname, given name) of a Chinese name written surname first, without spaces."""
    simplified = to_simplified(name)
    if len(simplified) > 2 and simplified[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def _syllables(text: str) -> list[str]:
    return list(_cached_syllables(text))


@lru_cache(maxsize=65536)
def _cached_syllables(text: str) -> tuple[str, ...]:
    return tuple(s for s in lazy_pinyin(to_simplified(text), style=Style.NORMAL, v_to_u=True,
                                        errors="default") if s.strip())


def pinyin_name(name: str, *, no_surname: bool = False) -> str:
    """The national romanisation of a Chinese name: surname in capitals first, ``ZHAO Bo``.

    ``no_surname`` is for names without a family name, such as Tibetan names written in
    Chinese characters (泽仁拉姆 -> ``Zeren Lamu``): the parts are romanised in pairs.
    Non-Chinese names are returned trimmed, as written.
    """
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not has_han(name):
        return name
    compact = _SEPARATORS.sub("", name)
    dotted = [part for part in re.split(r"[·•・.]", name) if part.strip()]
    if len(dotted) > 1 and all(has_han(part) for part in dotted):
        # Transliterated names (扎西·多吉) have no family name: each part stands alone.
        return " ".join("".join(_syllables(part)).capitalize() for part in dotted)
    if not all(_HAN.match(ch) for ch in compact):
        # Mixed scripts: romanise the Han parts, keep the rest.
        return " ".join(s.capitalize() for s in _syllables(name))
    if no_surname:
        syllables = _syllables(compact)
        pairs = ["".join(syllables[i:i + 2]) for i in range(0, len(syllables), 2)]
        return " ".join(p.capitalize() for p in pairs)
    surname, given = split_surname(compact)
    simplified_surname = to_simplified(surname)
    surname_py = SURNAME_READINGS.get(simplified_surname) or "".join(_syllables(surname))
    given_py = "".join(_syllables(given))
    return f"{surname_py.upper()} {given_py.capitalize()}".strip()


def fold(text: str) -> str:
    """Lower-case, accent-free, separator-free form for comparisons."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SEPARATORS.sub("", text).lower()


def search_key(*parts: str | None) -> str:
    """One string holding every searchable form of a name: simplified, traditional, pinyin
    joined and spaced, initials. Stored on the row so a LIKE query can find any of them."""
    forms: list[str] = []
    for part in parts:
        if not part:
            continue
        part = unicodedata.normalize("NFC", part.strip())
        forms += [part, to_simplified(part), to_traditional(part)]
        if has_han(part):
            syllables = _syllables(part)
            forms += ["".join(syllables), " ".join(syllables),
                      "".join(s[0] for s in syllables if s)]
            surname, _given = split_surname(_SEPARATORS.sub("", part))
            reading = SURNAME_READINGS.get(to_simplified(surname))
            if reading:
                forms.append(reading + "".join(_syllables(_given)))
        else:
            forms.append(fold(part))
    seen: dict[str, None] = {}
    for form in forms:
        lowered = form.lower()
        if lowered:
            seen.setdefault(lowered, None)
    return "|".join(seen)


def search_terms(query: str) -> list[str]:
    """The LIKE fragments a query must match (any of them): the query in each script and
    its pinyin with spaces and apostrophes removed."""
    query = unicodedata.normalize("NFC", (query or "").strip())[:100]
    if not query:
        return []
    terms = {query.lower(), to_simplified(query).lower(), to_traditional(query).lower()}
    folded = fold(query)
    if folded:
        terms.add(folded)
    if has_han(query):
        terms.add("".join(_syllables(query)))
    return sorted(t for t in terms if t)


def sort_key(name: str, pinyin: str | None = None) -> str:
    """Pinyin order for names: Chinese names sort by their pinyin, others by themselves."""
    basis = pinyin or (pinyin_name(name) if has_han(name) else name)
    return fold(basis)
