"""The fonts badges need, and the fast "Summit Sans CJK" font cut from Noto Sans CJK."""
from __future__ import annotations

import time

import pytest
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
        f"summit-sans-cjk-v{fonts.FAST_VERSION}-Regular.otf",
        f"summit-sans-cjk-v{fonts.FAST_VERSION}-Bold.otf"]


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
        assert cmap <= chars
        assert chars & noto <= cmap  # every wanted character Noto has made it in
        assert not {ord(c) for c in RARE} & cmap
        assert glyphs < 6000


def test_font_face_css_names_the_fast_family_by_weight(fast_fonts):
    css = fonts.font_face_css(fast_fonts)

    assert css.count("@font-face") == 2
    assert 'font-family: "Summit Sans CJK"; font-weight: 400;' in css
    assert 'font-family: "Summit Sans CJK"; font-weight: 700;' in css
    for path in fast_fonts.values():
        assert f'url("{path.resolve().as_uri()}")' in css
    assert fonts.font_face_css({}) == ""


def test_badge_text_tries_the_fast_font_first_then_the_full_fonts():
    stack = fonts.family_css()

    assert stack.startswith('"Summit Sans CJK", "Noto Sans CJK SC", "Noto Sans CJK TC", '
                            '"Tibetan Machine Uni"')
    assert stack.endswith("sans-serif")
