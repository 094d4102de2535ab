"""The fonts badges and printed documents need, and a fast CJK font made from them.

Debian's Noto Sans CJK is a 20 MB collection of 65,000 glyphs; WeasyPrint subsets the fonts
it embeds for every document, and with the full collection that costs more than the rest of a
badge. So the first time it is needed we cut, once, a "Summit Sans CJK" font holding the
3,755 most common simplified characters (GB 2312 level 1), their traditional forms, Latin and
punctuation: about 5,400 glyphs, with TrueType outlines (HarfBuzz subsets TrueType about
twice as fast as CFF, and the PDF is smaller). Printing names falls back to the full Noto font
for any character that is not in it, so nothing ever prints as an empty box that Noto could
print. Tibetan Machine Uni (4.5 MB, hinted) is cut the same way into "Summit Tibetan": the
Tibetan block with every stack its shaping rules make, without hinting.
"""
from __future__ import annotations

import fcntl
import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.reorderGlyphs import reorderGlyphs

from summit.services.core.names import to_traditional

log = logging.getLogger(__name__)

SYSTEM_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
FAST_FAMILY = "Summit Sans CJK"
TIBETAN_FAMILY = "Summit Tibetan"
TIBETAN_SOURCE = "TibetanMachineUni.ttf"
# Bump when the glyph set or the build changes: old cached files are then ignored.
FAST_VERSION = 3
# The Tibetan cut's own: 3 was renumbered in a way that broke some stacks (ཚེ, རི), 4 was
# not renumbered.
TIBETAN_VERSION = 5
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
FAMILY_STACK = (FAST_FAMILY, TIBETAN_FAMILY, "Noto Sans CJK SC", "Noto Sans CJK TC",
                "Tibetan Machine Uni", "DejaVu Sans", "sans-serif")


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
    return {weight: cache_dir / f"summit-sans-cjk-v{FAST_VERSION}-{name}.ttf"
            for name, weight in WEIGHTS.items()}


def tibetan_cut_path(cache_dir: Path) -> Path:
    return cache_dir / f"summit-tibetan-v{TIBETAN_VERSION}.ttf"


def _to_truetype(font: TTFont) -> None:
    """CFF outlines to TrueType quadratic ones (within 1 unit of 1,000 per em: the same
    shapes at any print size)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    outlines = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        outlines[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, outlines
    del font["CFF "]
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"


def _save(font: TTFont, target: Path) -> None:
    partial = target.with_suffix(f".{os.getpid()}.part")
    font.save(str(partial))
    partial.replace(target)


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
    _to_truetype(font)
    _save(font, target)


# Spaces and joiners within Tibetan text are set in its font (text keeps the font it is in
# for a character that font has), and shaping may insert a dotted circle.
TIBETAN_COMPANIONS = {0x20, 0xA0, *range(0x2000, 0x2010), 0x202F, 0x25CC, 0xFEFF}


def _build_tibetan(source: Path, target: Path) -> None:
    """The Tibetan block and every glyph its shaping rules reach (GSUB kept: the stacks are
    made at layout), without hinting and its device tables, nor glyph names."""
    font = TTFont(str(source))
    options = subset.Options()
    options.layout_features = ["*"]
    options.legacy_kern = True
    options.hinting = False
    options.drop_tables += ["LTSH", "hdmx", "VDMX"]
    options.glyph_names = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for c in font.getBestCmap() if 0x0F00 <= c <= 0x0FFF
                                 or c in TIBETAN_COMPANIONS])
    subsetter.subset(font)
    names = {1: TIBETAN_FAMILY, 16: TIBETAN_FAMILY, 4: TIBETAN_FAMILY,
             3: f"SummitTibetan-v{TIBETAN_VERSION}", 6: "SummitTibetan"}
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]
    # Common glyphs numbered low: WeasyPrint keeps every glyph number up to the highest one a
    # document uses, so each document's font is smaller and cheaper to subset. The order is
    # worked out while the glyphs' names (uni0F400FB2: a stack's parts) are known, and
    # applied to the font as saved: renumbering the subsetter's font in memory left some
    # stacking rules pointing at the wrong glyphs (ཚེ, རི printed as other stacks).
    position = {name: index for index, name in enumerate(font.getGlyphOrder())}
    ranked = [position[name] for name in _common_first(font)]
    _save(font, target)
    saved = TTFont(str(target))
    numbered = saved.getGlyphOrder()
    reorderGlyphs(saved, [numbered[index] for index in ranked])
    _save(saved, target)


TIBETAN_PART = re.compile(r"0F[0-9A-F]{2}")


def _common_first(font: TTFont) -> list[str]:
    """Glyph order with the characters first, then stacks of two parts, three parts and so
    on (their names spell their parts: uni0F400FB2)."""
    order = font.getGlyphOrder()
    first = {name: code for code, name in sorted(font.getBestCmap().items(), reverse=True)}
    rank = {name: index for index, name in enumerate(order)}

    def key(name: str) -> tuple[int, int]:
        if name in first:
            return (0, first[name])
        return (len(TIBETAN_PART.findall(name)) or 99, rank[name])

    return [order[0], *sorted(order[1:], key=key)]


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


def ensure_tibetan_cut(cache_dir: Path, dirs: tuple[str, ...] = SYSTEM_FONT_DIRS
                       ) -> Path | None:
    """The "Summit Tibetan" cut of Tibetan Machine Uni, built once (about 2 s) when missing;
    None without Tibetan Machine Uni (Tibetan then prints in whatever fontconfig has)."""
    target = tibetan_cut_path(cache_dir)
    if target.exists():
        return target
    source = _cached_index(tuple(dirs)).get(TIBETAN_SOURCE)
    if source is None:
        return None
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            log.info("Building %s for fast badge printing", target.name)
            _build_tibetan(source, target)
    return target


def font_face_css(paths: dict[int, Path], tibetan: Path | None = None) -> str:
    faces = [(FAST_FAMILY, f"font-weight: {weight}; ", path)
             for weight, path in sorted(paths.items())]
    if tibetan is not None:  # one weight, like its source: bold is drawn as before
        faces.append((TIBETAN_FAMILY, "", tibetan))
    return "".join(f'@font-face {{ font-family: "{family}"; {weight}'
                   f'src: url("{path.resolve().as_uri()}"); }}\n'
                   for family, weight, path in faces)


def family_css() -> str:
    return ", ".join(f'"{f}"' if " " in f else f for f in FAMILY_STACK)
