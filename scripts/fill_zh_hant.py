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


def convert(value):
    if isinstance(value, (tuple, list)):
        return tuple(converter.convert(v) for v in value)
    return converter.convert(value) if value else value


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
