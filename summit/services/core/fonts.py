"""The fonts badges and printed documents need, and a fast CJK font made from them.

Debian's Noto Sans CJK is a 20 MB collection of 65,000 glyphs; WeasyPrint subsets the fonts
it embeds for every document, and with the full collection that costs more than the rest of a
badge. So the first time it is needed we cut, once, a "Summit Sans CJK" font holding the
3,755 most common simplified characters (GB 2312 level 1), their traditional forms, Latin and
punctuation: about 5,400 glyphs. Printing names falls back to the full Noto font for any
character that is not in it, so nothing ever prints as an empty box that Noto could print.
"""
from __future__ import annotations

import fcntl
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from fontTools import subset
from fontTools.ttLib import TTFont

from summit.services.core.names import to_traditional

log = logging.getLogger(__name__)

SYSTEM_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
FAST_FAMILY = "Summit Sans CJK"
# Bump when the glyph set or the build changes: old cached files are then ignored.
FAST_VERSION = 2
WEIGHTS = {"Regular": 400, "Bold": 700}


@dataclass(frozen=True)
class FontNeed:
    script: str
    label: object
    sample: str
    files: tuple[str, ...]
    family: str
    package: str


NEEDS = (
    FontNeed("zh_hans", _l("Simplified Chinese"), "赵波", ("NotoSansCJK-Regular.ttc",
             "NotoSansCJK-Bold.ttc"), "Noto Sans CJK SC", "fonts-noto-cjk"),
    FontNeed("zh_hant", _l("Traditional Chinese"), "趙波", ("NotoSansCJK-Regular.ttc",
             "NotoSansCJK-Bold.ttc"), "Noto Sans CJK TC", "fonts-noto-cjk"),
    FontNeed("tibetan", _l("Tibetan"), "བཀྲ་ཤིས་བདེ་ལེགས", ("TibetanMachineUni.ttf",),
             "Tibetan Machine Uni", "fonts-tibetan-machine"),
)

# What badge text is set in, in order: the fast font, then the full fonts for the rest.
FAMILY_STACK = (FAST_FAMILY, "Noto Sans CJK SC", "Noto Sans CJK TC", "Tibetan Machine Uni",
                "DejaVu Sans", "sans-serif")


@dataclass(frozen=True)
class ScriptStatus:
    need: FontNeed
    paths: tuple[Path, ...]

    @property
    def ok(self) -> bool:
        return len(self.paths) == len(self.need.files)


def _index(dirs: tuple[str, ...]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in dirs:
        for root, _subdirs, files in os.walk(folder):
            for name in files:
                found.setdefault(name, Path(root) / name)
    return found


@lru_cache(maxsize=8)
def _cached_index(dirs: tuple[str, ...]) -> dict[str, Path]:
    return _index(dirs)


def status(dirs: tuple[str, ...] = SYSTEM_FONT_DIRS) -> list[ScriptStatus]:
    """For each script badges print, the font files found (all of them means it prints)."""
    index = _cached_index(tuple(dirs))
    return [ScriptStatus(need, tuple(index[f] for f in need.files if f in index))
            for need in NEEDS]


def missing_scripts(dirs: tuple[str, ...] = SYSTEM_FONT_DIRS) -> list[ScriptStatus]:
    return [s for s in status(dirs) if not s.ok]


# --- the fast CJK font ------------------------------------------------------------------------

def fast_font_chars() -> set[int]:
    """Latin, punctuation, GB 2312 level 1 and the traditional forms of those characters."""

    # Latin with pinyin's tone marks (Latin Extended-A and B, combining accents) included.
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x250)) | set(range(0x300, 0x370))
    chars |= set(range(0x2010, 0x2030))
    chars |= set(range(0x3000, 0x3020)) | set(range(0xFF01, 0xFF5F)) | {0x00B7, 0x30FB}
    level1 = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                level1.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    simplified = "".join(level1)
    chars |= {ord(c) for c in simplified} | {ord(c) for c in to_traditional(simplified)}
    return chars


def fast_font_paths(cache_dir: Path) -> dict[int, Path]:
    return {weight: cache_dir / f"summit-sans-cjk-v{FAST_VERSION}-{name}.otf"
            for name, weight in WEIGHTS.items()}


def _build_one(source: Path, target: Path, weight_name: str, chars: set[int]) -> None:
    # Index 2 of Debian's collection is the simplified Chinese face (SC).
    font = TTFont(str(source), fontNumber=2)
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "BASE", "VORG", "vhea", "vmtx"]
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=chars)
    subsetter.subset(font)
    names = {1: FAST_FAMILY, 16: FAST_FAMILY, 4: f"{FAST_FAMILY} {weight_name}",
             3: f"SummitSansCJK-{weight_name}-v{FAST_VERSION}",
             6: f"SummitSansCJK-{weight_name}"}
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]
    partial = target.with_suffix(f".{os.getpid()}.part")
    font.save(str(partial))
    partial.replace(target)


def ensure_fast_fonts(cache_dir: Path, dirs: tuple[str, ...] = SYSTEM_FONT_DIRS
                      ) -> dict[int, Path]:
    """The fast CJK font files by weight, built once (about 10 s) when missing.

    Returns an empty mapping when Noto Sans CJK is not installed: text then falls back to
    whatever fontconfig has. Several processes may call this at once; a file lock makes
    one of them build while the others wait.
    """
    paths = fast_font_paths(cache_dir)
    if all(p.exists() for p in paths.values()):
        return paths
    index = _cached_index(tuple(dirs))
    sources = {name: index.get(f"NotoSansCJK-{name}.ttc") for name in WEIGHTS}
    if not all(sources.values()):
        return {}
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        chars = None
        for name, weight in WEIGHTS.items():
            if not paths[weight].exists():
                chars = chars or fast_font_chars()
                log.info("Building %s for fast badge printing", paths[weight].name)
                _build_one(sources[name], paths[weight], name, chars)
    return paths


def font_face_css(paths: dict[int, Path]) -> str:
    return "".join(
        f'@font-face {{ font-family: "{FAST_FAMILY}"; font-weight: {weight}; '
        f'src: url("{path.resolve().as_uri()}"); }}\n'
        for weight, path in sorted(paths.items()))


def family_css() -> str:
    return ", ".join(f'"{f}"' if " " in f else f for f in FAMILY_STACK)
