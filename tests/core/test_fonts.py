"""The fonts badges need, the fast "Summit Sans CJK" font cut from Noto Sans CJK and the
"Summit Tibetan" cut of Tibetan Machine Uni."""
from __future__ import annotations

import time

import pytest
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

from summit.services.core import fonts
from tests.support.plugin import FONT_CACHE

SCRIPTS = {"zh_hans", "zh_hant", "tibetan"}
RARE = "喆堃𠀀"  # in Noto Sans CJK, but not among the common characters of the fast font


@pytest.fixture(scope="module")
def fast_fonts() -> dict[int, object]:
    """The cached fast fonts (built on first use in a checkout, about 10 s)."""
    paths = fonts.ensure_fast_fonts(FONT_CACHE)
    assert set(paths) == {400, 700}
    return paths


def test_every_script_badges_print_has_its_fonts_on_this_machine():
    found = {s.need.script: s for s in fonts.status()}

    assert set(found) == SCRIPTS
    assert all(s.ok for s in found.values()), found
    assert {p.name for p in found["zh_hans"].paths} == {"NotoSansCJK-Regular.ttc",
                                                         "NotoSansCJK-Bold.ttc"}
    assert [p.name for p in found["tibetan"].paths] == ["TibetanMachineUni.ttf"]
    assert all(p.is_file() for s in found.values() for p in s.paths)
    assert fonts.missing_scripts() == []


def test_a_machine_without_fonts_reports_every_script_missing(tmp_path):
    empty = str(tmp_path)

    found = fonts.status(dirs=(empty,))

    assert {s.need.script for s in found} == SCRIPTS
    assert all(not s.ok and s.paths == () for s in found)
    assert {s.need.script for s in fonts.missing_scripts(dirs=(empty,))} == SCRIPTS
    # What the admin is told to install.
    assert {s.need.package for s in found} == {"fonts-noto-cjk", "fonts-tibetan-machine"}


def test_without_noto_no_fast_font_is_built(tmp_path):
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    cache = tmp_path / "cache"

    assert fonts.ensure_fast_fonts(cache, dirs=(str(empty),)) == {}

    assert not cache.exists()  # nothing built, not even the folder or its lock file


def test_an_existing_fast_font_is_reused_not_rebuilt(fast_fonts):
    before = {weight: path.stat().st_mtime_ns for weight, path in fast_fonts.items()}

    started = time.monotonic()
    again = fonts.ensure_fast_fonts(FONT_CACHE)

    assert time.monotonic() - started < 1
    assert again == fast_fonts
    assert {weight: path.stat().st_mtime_ns for weight, path in again.items()} == before
    assert [p.name for p in again.values()] == [
        f"summit-sans-cjk-v{fonts.FAST_VERSION}-Regular.ttf",
        f"summit-sans-cjk-v{fonts.FAST_VERSION}-Bold.ttf"]


def test_the_fast_glyph_set_holds_common_names_but_not_rare_characters():
    chars = fonts.fast_font_chars()

    for char in "赵趙波扎西德勒张張李AzÄ·、。":
        assert ord(char) in chars, char
    for char in RARE + "ཀ":
        assert ord(char) not in chars, char
    # GB 2312 level 1 (3,755) plus their traditional forms, Latin and punctuation.
    assert 5000 < len(chars) < 6000


def test_the_fast_font_is_a_named_subset_of_noto_covering_the_glyph_set(fast_fonts):
    chars = fonts.fast_font_chars()
    [noto_bold] = [p for p in fonts.status()[0].paths if p.name == "NotoSansCJK-Bold.ttc"]
    with TTFont(str(noto_bold), fontNumber=2, lazy=True) as noto_font:
        noto = set(noto_font.getBestCmap())

    for weight, path in fast_fonts.items():
        with TTFont(str(path), lazy=True) as font:
            assert font["name"].getDebugName(1) == fonts.FAST_FAMILY
            assert font["OS/2"].usWeightClass == weight
            cmap = set(font.getBestCmap())
            glyphs = len(font.getGlyphOrder())
            # TrueType outlines: HarfBuzz subsets them twice as fast as CFF (issue 23).
            assert "glyf" in font and "CFF " not in font
        assert cmap <= chars
        assert chars & noto <= cmap  # every wanted character Noto has made it in
        assert not {ord(c) for c in RARE} & cmap
        assert glyphs < 6000


def test_the_fast_fonts_draw_the_same_shapes_as_noto(fast_fonts):
    """TrueType quadratics within one unit (of 1,000 per em) of Noto's cubic outlines."""
    [noto_bold] = [p for p in fonts.status()[0].paths if p.name == "NotoSansCJK-Bold.ttc"]
    with TTFont(str(noto_bold), fontNumber=2, lazy=True) as noto, \
            TTFont(str(fast_fonts[700]), lazy=True) as fast:
        for char in "赵趙波བA":
            names = noto.getBestCmap().get(ord(char)), fast.getBestCmap().get(ord(char))
            if names[0] is None:
                assert names[1] is None
                continue
            bounds = []
            for font, name in zip((noto, fast), names, strict=True):
                pen = BoundsPen(font.getGlyphSet())
                font.getGlyphSet()[name].draw(pen)
                bounds.append(pen.bounds)
            assert all(abs(a - b) <= 1 for a, b in zip(*bounds, strict=True)), (char, bounds)


@pytest.fixture(scope="module")
def tibetan_cut():
    path = fonts.ensure_tibetan_cut(FONT_CACHE)
    assert path is not None and path.name == f"summit-tibetan-v{fonts.TIBETAN_VERSION}.ttf"
    return path


def test_the_tibetan_cut_keeps_every_tibetan_character_and_its_stacks(tibetan_cut):
    [source] = [p for p in fonts.status()[2].paths]
    with TTFont(str(source), lazy=True) as full:
        tibetan = {c for c in full.getBestCmap()
                   if 0x0F00 <= c <= 0x0FFF or c in fonts.TIBETAN_COMPANIONS}
        assert {0x20, 0x0F40, 0x0F0B} <= tibetan
        full_gsub = len(full["GSUB"].table.LookupList.Lookup)
    with TTFont(str(tibetan_cut), lazy=True) as cut:
        assert set(cut.getBestCmap()) == tibetan
        assert cut["name"].getDebugName(1) == fonts.TIBETAN_FAMILY
        # Shaping rules kept (the stacks are made at layout); hinting and its tables gone.
        assert len(cut["GSUB"].table.LookupList.Lookup) == full_gsub
        assert not {"fpgm", "prep", "cvt ", "hdmx", "VDMX", "LTSH"} & set(cut.keys())
    assert tibetan_cut.stat().st_size < source.stat().st_size / 2


def test_without_tibetan_machine_uni_no_cut_is_built(tmp_path):
    empty = tmp_path / "no-fonts"
    empty.mkdir()

    assert fonts.ensure_tibetan_cut(tmp_path / "cache", dirs=(str(empty),)) is None
    assert not (tmp_path / "cache").exists()


def test_font_face_css_names_the_fast_families(fast_fonts, tibetan_cut):
    css = fonts.font_face_css(fast_fonts, tibetan_cut)

    assert css.count("@font-face") == 3
    assert 'font-family: "Summit Sans CJK"; font-weight: 400;' in css
    assert 'font-family: "Summit Sans CJK"; font-weight: 700;' in css
    assert 'font-family: "Summit Tibetan"; src:' in css  # one weight, like its source
    for path in (*fast_fonts.values(), tibetan_cut):
        assert f'url("{path.resolve().as_uri()}")' in css
    assert fonts.font_face_css({}) == ""


def test_badge_text_tries_the_fast_fonts_first_then_the_full_fonts():
    stack = fonts.family_css()

    assert stack.startswith('"Summit Sans CJK", "Summit Tibetan", "Noto Sans CJK SC", '
                            '"Noto Sans CJK TC", "Tibetan Machine Uni"')
    assert stack.endswith("sans-serif")
