"""Derive the Traditional Chinese catalog from the Simplified one with OpenCC.

Run by `make extract-messages`. An entry whose zh_Hant translation carries the translator
comment "manual" is left as a person wrote it.
"""
from pathlib import Path

import opencc
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "summit" / "translations"
# Taiwan characters and wording (峰會, 為, 登入): what readers of Traditional Chinese expect.
converter = opencc.OpenCC("s2twp")
# s2twp's phrase table is written for software manuals: it turns 发布 into 釋出 and 类型 into
# 型別. An official event's reader in Taiwan or Hong Kong expects the general words
# (docs/glossary.md, "Traditional Chinese"); tests/app/test_glossary.py holds the catalog to them.
CORRECTIONS = {
    "釋出": "發布",      # 发布 publish
    "型別": "類型",      # 类型 type, kind
    "稽核": "審核",      # 审核 review (稽核 is an auditor's inspection)
    "專案": "項目",      # 项目 item, project (签约项目)
    "物件": "對象",      # 对象 the subject of an audit entry
    "支援": "支持",      # 支持单位 supporting organisation
    "程式碼": "代碼",    # 代码 a category's or an invitation's code
    "跟蹤": "追蹤",      # 跟踪 follow up (an agreement)
}


def convert_text(text: str) -> str:
    text = converter.convert(text)
    for wrong, right in CORRECTIONS.items():
        text = text.replace(wrong, right)
    return text


def convert(value):
    if isinstance(value, (tuple, list)):
        return tuple(convert_text(v) for v in value)
    return convert_text(value) if value else value


def main() -> None:
    with open(ROOT / "zh_Hans/LC_MESSAGES/messages.po", "rb") as source:
        simplified = read_po(source, locale="zh_Hans")
    target_path = ROOT / "zh_Hant/LC_MESSAGES/messages.po"
    with open(target_path, "rb") as target:
        traditional = read_po(target, locale="zh_Hant")
    changed = 0
    for message in traditional:
        if not message.id or "manual" in message.user_comments:
            continue
        origin = simplified.get(message.id, message.context)
        if origin is None or not origin.string:
            continue
        new = convert(origin.string)
        if message.string != new:
            message.string = new
            changed += 1
        message.flags.discard("fuzzy")
    with open(target_path, "wb") as target:
        write_po(target, traditional, width=100)
    print(f"zh_Hant: {changed} entries derived from zh_Hans")


if __name__ == "__main__":
    main()
