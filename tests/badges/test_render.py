"""Badge PDFs from WeasyPrint, checked with the tools a print shop would use: poppler
(pdffonts, pdftotext, pdfinfo, pdfimages, pdftoppm) and a QR scanner (zbarimg)."""
from __future__ import annotations

import base64
import http.server
import io
import logging
import math
import os
import pickle
import re
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
import unicodedata
from itertools import pairwise
from pathlib import Path

import pytest
import weasyprint
from PIL import Image, ImageChops

from summit.models import BadgeSize
from summit.services.badges import (
    design as bd,
    limits as template_limits,
    qr as bq,
    render as br,
    tokens as bt,
)
from summit.services.core import fonts, pdf
from tests.support.pdf import (
    all_content,
    image_count,
    page_count,
    page_size,
    pdf_fonts,
    pdf_text,
    run,
    save,
    scan,
    squash,
    to_png,
    words,
)
from tests.support.plugin import FONT_CACHE

KEY = bt.Ed25519PrivateKey.generate()
DESIGNS = {"delegate": bd.Design()}
TIBETAN = "བཀྲ་ཤིས་བདེ་ལེགས"
MM = 72 / 25.4  # points per millimetre


@pytest.fixture(scope="module", autouse=True)
def fast_font():
    pdf.configure(str(FONT_CACHE))
    yield


# --- helpers --------------------------------------------------------------------------------

def token(version: int = 1) -> str:
    return bt.sign(KEY, bt.new_badge_ref(), version)


def face(name: str, design: str = "delegate", **fields) -> bd.BadgeFace:
    return bd.BadgeFace(design=design, token=fields.pop("token", None) or token(), name=name,
                        **fields)


# --- scripts and fonts ----------------------------------------------------------------------

def test_chinese_and_tibetan_names_print_with_embedded_fonts(tmp_path):
    faces = [face("趙波"), face("赵波"), face("扎西德勒", name_native=TIBETAN)]

    path = save(br.render_pdf(faces, DESIGNS, BadgeSize.A6), tmp_path)

    used = pdf_fonts(path)
    assert used and all(emb == "yes" for _name, emb in used), used
    names = " | ".join(name for name, _emb in used)
    assert "Summit Sans CJK" in names
    assert "Summit Tibetan" in names  # the cut (issue 23), not the 4.5 MB full font
    assert page_count(path) == 3
    assert squash(pdf_text(path, 1)) == "趙波"
    assert squash(pdf_text(path, 2)) == "赵波"
    # Tibetan comes back byte for byte (already NFC; NFC of both sides is checked too, so a
    # different but canonically equal encoding of the stacks would also pass).
    third = squash(pdf_text(path, 3))
    assert third == TIBETAN + "扎西德勒"
    assert unicodedata.normalize("NFC", third) == unicodedata.normalize("NFC",
                                                                        TIBETAN + "扎西德勒")


def test_common_names_need_only_the_fast_font(tmp_path):
    faces = [face("趙波"), face("赵波", organisation="四川大学"), face("Anna Schmidt")]

    path = save(br.render_pdf(faces, DESIGNS, BadgeSize.A6), tmp_path)

    assert [name for name, _emb in pdf_fonts(path)] == ["Summit Sans CJK Bold"]


def test_a_rare_character_falls_back_to_the_full_noto_font(tmp_path):
    fast = fonts.fast_font_chars()
    rare = next(c for c in "喆堃" if ord(c) not in fast)
    assert ord("赵") in fast and ord(rare) not in fast
    name = f"赵{rare}"

    path = save(br.render_pdf([face(name)], DESIGNS, BadgeSize.A6), tmp_path)

    assert squash(pdf_text(path)) == name
    used = pdf_fonts(path)
    assert all(emb == "yes" for _name, emb in used), used
    names = [n for n, _emb in used]
    assert any(n.startswith("Summit Sans CJK") for n in names), names
    assert any(n.startswith("Noto Sans CJK") for n in names), names


def differing_pixels(first: Path, second: Path) -> int:
    """Pixels of two same-sized renders more than a quarter of the grey scale apart."""
    one, two = Image.open(first).convert("L"), Image.open(second).convert("L")
    assert one.size == two.size
    return sum(ImageChops.difference(one, two).histogram()[64:])


# Every consonant alone and with each vowel sign, with ya-, ra-, la- and wa-subjoined, under
# ra-, la- and sa-heads: the shapes Tibetan names are made of (a cut that renumbered its
# glyphs once drew ཚེ and རི wrong while བཀྲ་ཤིས passed).
CONSONANTS = [chr(c) for c in range(0x0F40, 0x0F6D) if c != 0x0F48]
EVERY_SYLLABLE_KIND = "་".join(
    [c + vowel for c in CONSONANTS for vowel in ("", "\u0F72", "\u0F74", "\u0F7A", "\u0F7C")]
    + [c + sub for c in "ཀགཔབམ" for sub in ("\u0FB1", "\u0FB2", "\u0FB3")]
    + [head + chr(ord(c) + 0x50) for head in "རལས" for c in "ཀགངཏདནབམ"]
    + ["ཚྭ", "ཞྭ", "རྭ", "ལྷ", "སྟོན", "བརྒྱ", "སྐྱེས", "འཇམ་དབྱངས", "ཀླུ", "རྡོ་རྗེ"])


def test_the_tibetan_cut_shapes_stacks_as_the_full_font(tmp_path):
    """Summit Tibetan (issue 23: cheaper to subset per document) makes the same stacks as
    Tibetan Machine Uni: badge text in the badges' font stack with and without the cut,
    drawn at 200 dpi, matches (line height from the stack's first font, as on badges)."""
    stack = fonts.family_css()
    pages = []
    for family in (stack, stack.replace('"Summit Tibetan", ', "")):
        html = (f'<p class="a">{TIBETAN} 扎西</p><p class="b">སྒྲོལ་མ བསོད་ནམས་རྒྱལ་པོ</p>'
                f'<p class="c">ཚེ་རིང་ལྷ་མོ {EVERY_SYLLABLE_KIND}</p>')
        css = (f"@page {{ size: 200mm 240mm; margin: 5mm }} p {{ font-family: {family} }}"
               ".a { font-size: 40pt; font-weight: 700 } .b { font-size: 60pt }"
               ".c { font-size: 24pt }")
        path = save(pdf.render_document(html, css), tmp_path, f"{len(family)}.pdf")
        assert page_count(path) == 1
        pages.append(to_png(path))
        used = {name.removesuffix(" Bold") for name, _ in pdf_fonts(path)}
        assert used == {"Summit Sans CJK", "Summit Tibetan" if len(pages) == 1
                        else "Tibetan Machine Uni"}

    assert differing_pixels(*pages) == 0


def full_stylesheet_pdf(faces, designs, size) -> bytes:
    """``render_pdf`` with WeasyPrint's whole user-agent stylesheet."""
    font_config, fetcher = pdf.weasy()
    sheet = pdf.stylesheet(bd.build_css(designs, size, pdf.font_css()))
    document = weasyprint.HTML(string=bd.build_body(faces, designs, size), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[sheet], font_config=font_config)


LISTS = bd.Design(html='<ol><li>{{ b.name }}</li></ol><p style="display: list-item; '
                       'list-style: decimal inside">{{ b.position }}</p>')


@pytest.mark.parametrize(("designs", "size"), [
    (DESIGNS, BadgeSize.A6), (DESIGNS, BadgeSize.A4_SHEET), (DESIGNS, BadgeSize.CR80),
    ({"delegate": LISTS}, BadgeSize.A6)], ids=["a6", "a4-sheet", "cr80", "lists"])
def test_the_lean_user_agent_stylesheet_draws_badges_the_same(tmp_path, designs, size):
    """Badges render with a lean copy of WeasyPrint's user-agent stylesheet (no footnotes,
    notes or page margin boxes; markers for list items) unless a design mentions lists:
    either way every page looks as with the whole stylesheet."""
    assert pdf.lean_ua_text() is not None  # a WeasyPrint upgrade that breaks it fails here
    faces = [face("扎西德勒", name_native=TIBETAN, position="局长", title="嘉宾",
                  zones=(("MAIN", "主会场"),)), face("趙波", organisation="四川大学"),
             face("Anna Schmidt", title_en="Guest"), face("赵波")]

    lean = save(br.render_pdf(faces, designs, size), tmp_path, "lean.pdf")
    full = save(full_stylesheet_pdf(faces, designs, size), tmp_path, "full.pdf")

    assert page_count(lean) == page_count(full)
    for page in range(1, page_count(lean) + 1):
        assert differing_pixels(to_png(lean, page, dpi=100), to_png(full, page, dpi=100)) == 0
        assert pdf_text(lean, page) == pdf_text(full, page)


def test_the_qr_code_is_a_greyscale_png_of_black_and_white():
    """8-bit grey (issue 23): WeasyPrint takes it as it is, where a 1-bit PNG is turned into
    RGB and encoded twice more per badge."""
    image = Image.open(io.BytesIO(bq.png(bq.matrix(token()))))

    assert image.mode == "L"
    assert sum(image.histogram()[1:255]) == 0


def test_names_are_escaped_in_the_html():
    html = bd.build_html([face('<img src="file:///etc/passwd">&')], DESIGNS, BadgeSize.A6)

    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;&amp;" in html


# --- the QR code ----------------------------------------------------------------------------

@pytest.mark.parametrize("size", [BadgeSize.A6, BadgeSize.CR80])
def test_the_qr_code_scans_to_the_signed_token(tmp_path, size):
    signed = token(7)
    path = save(br.render_pdf([face("赵波", token=signed)], DESIGNS, size), tmp_path)

    assert scan(to_png(path, dpi=200)) == [signed]
    claims = bt.verify(signed, KEY.public_key())
    assert claims.version == 7


@pytest.fixture(scope="module")
def a4_sheet(tmp_path_factory) -> tuple[Path, list[str]]:
    tokens = [token(n) for n in range(1, 5)]
    faces = [face(f"赵波 {n}", token=t) for n, t in enumerate(tokens)]
    pdf = br.render_pdf(faces, DESIGNS, BadgeSize.A4_SHEET)
    return save(pdf, tmp_path_factory.mktemp("sheet")), tokens


@pytest.mark.parametrize("cell", range(4))
def test_each_cell_of_an_a4_sheet_scans_to_its_own_token(a4_sheet, cell):
    path, tokens = a4_sheet
    dots = 200 / 25.4  # pixels per millimetre
    width, height = math.floor(105 * dots), math.floor(148 * dots)
    left, top = round(105 * dots) * (cell % 2), round(148 * dots) * (cell // 2)

    png = to_png(path, dpi=200, crop=(left, top, width, height))

    assert scan(png) == [tokens[cell]]
    assert bt.verify(tokens[cell], KEY.public_key()).version == cell + 1


def test_the_live_preview_is_the_first_page_and_its_qr_scans(tmp_path):
    signed = token()

    png = br.png_preview([face("赵波", token=signed), face("Other")], DESIGNS, BadgeSize.A6)

    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (round(105 / 25.4 * 110), round(148 / 25.4 * 110))
    # At the default 110 dpi the QR modules are under 4 pixels and zbar misses about a
    # third of codes; at print resolution it must always scan.
    sharp = br.png_preview([face("赵波", token=signed)], DESIGNS, BadgeSize.A6, dpi=200)
    (tmp_path / "preview.png").write_bytes(sharp)
    assert scan(tmp_path / "preview.png") == [signed]


# --- page sizes and counts ------------------------------------------------------------------

@pytest.mark.parametrize("size, badges, pages, points", [
    (BadgeSize.A6, 3, 3, (297.64, 419.53)),       # 105 x 148 mm
    (BadgeSize.CR80, 2, 2, (242.65, 153.07)),     # 85.6 x 54 mm
    (BadgeSize.A4_SHEET, 4, 1, (595.28, 841.89)),
    (BadgeSize.A4_SHEET, 5, 2, (595.28, 841.89)),
    (BadgeSize.A4_SHEET, 8, 2, (595.28, 841.89)),
])
def test_page_size_and_count(tmp_path, size, badges, pages, points):
    faces = [face(f"赵波 {n}") for n in range(badges)]

    path = save(br.render_pdf(faces, DESIGNS, size), tmp_path)

    assert page_count(path) == pages
    assert page_size(path) == pytest.approx(points, abs=0.01)
    text = squash(pdf_text(path))
    assert all(f"赵波{n}" in text for n in range(badges))


# --- long names -----------------------------------------------------------------------------

SURNAMES = ("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金"
            "魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳")
LONG_CHINESE = (SURNAMES * 5)[:300]
LONG_LATIN = " ".join(["Bartholomew", "Featherstonehaugh", "Cholmondeley", "Marjoribanks",
                       "Wolfgang", "Amadeus"] * 10)[:300].strip()
ONE_WORD = ("Wolfeschlegelsteinhausenbergerdorff" * 9)[:300]
MIXED = (LONG_CHINESE[:150] + " " + LONG_LATIN)[:300]
LONG_FACES = [
    dict(name=LONG_CHINESE),
    dict(name=LONG_LATIN),
    dict(name=ONE_WORD),
    dict(name=MIXED),
    dict(name=LONG_LATIN, name_native=LONG_CHINESE, organisation=LONG_CHINESE[:100]),
]
# Where the QR code is (left, top, right, bottom in points from the top-left corner).
QR_BOX = {
    BadgeSize.A6: ((105 - 5 - 42) * MM, (148 - 6 - 42) * MM, (105 - 5) * MM, (148 - 6) * MM),
    BadgeSize.CR80: ((85.6 - 1.5 - 25) * MM, (54 - 1.5 - 25) * MM, (85.6 - 1.5) * MM,
                     (54 - 1.5) * MM),
}


def test_long_names_are_300_characters():
    assert {len(f["name"]) for f in LONG_FACES} == {300}


@pytest.mark.parametrize("size", [BadgeSize.A6, BadgeSize.CR80])
def test_a_300_character_name_fits_one_badge_and_prints_in_full(tmp_path, size):
    faces = [face(**fields) for fields in LONG_FACES]

    path = save(br.render_pdf(faces, DESIGNS, size), tmp_path)

    assert page_count(path) == len(faces)
    width, height = page_size(path)
    left, top, right, bottom = QR_BOX[size]
    for page, fields in enumerate(LONG_FACES, start=1):
        text = squash(pdf_text(path, page))
        for key in ("name_native", "name", "organisation"):
            # All of it, wrapped without hyphens.
            assert squash(fields.get(key, "")) in text, (page, key)
        for x0, y0, x1, y1, word in words(path, page):
            assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height, (page, word)
            assert x1 <= left or x0 >= right or y1 <= top or y0 >= bottom, (
                f"page {page}: {word!r} overlaps the QR code")


def test_300_character_names_on_a4_sheets_keep_four_badges_a_sheet(tmp_path):
    faces = [face(**fields) for fields in LONG_FACES]

    path = save(br.render_pdf(faces, DESIGNS, BadgeSize.A4_SHEET), tmp_path)

    assert page_count(path) == 2
    first, second = squash(pdf_text(path, 1)), squash(pdf_text(path, 2))
    for fields in LONG_FACES[:4]:
        assert squash(fields["name"]) in first
    assert squash(LONG_LATIN) in second and squash(LONG_CHINESE) in second


# --- organisers' designs may not reach outside ----------------------------------------------

@pytest.fixture
def secrets(tmp_path) -> dict[str, object]:
    png = tmp_path / "secret.png"
    Image.new("RGB", (16, 16), (12, 34, 56)).save(png)
    note = tmp_path / "secret.txt"
    note.write_text("SECRET-MARKER-4711\n")
    hostname = Path("/etc/hostname")
    return {"png": png.as_uri(), "png_bytes": png.read_bytes(), "note": note.as_uri(),
            "hostname": hostname.read_text().strip() if hostname.exists() else ""}


def test_design_html_and_css_cannot_embed_local_files(tmp_path, secrets, caplog):
    png, note = secrets["png"], secrets["note"]
    html = (f'<div class="band">{{{{ b.name }}}}</div>'
            f'<img src="file:///etc/passwd"><img src="{png}">'
            f'<svg><image href="{png}" width="9" height="9"/></svg>'
            f'<div class="who" style="background: url({png})">x</div>'
            f'<a rel="attachment" href="{note}">n</a>'
            f'<img class="qr" src="{{{{ b.qr }}}}">')
    css = (".band { background: url(file:///etc/hostname) } "
           f".who {{ background-image: url({png}) }} .qr {{ list-style-image: url({note}) }}")
    design = bd.Design(html=html, css=css)
    bd.validate_design(design, face("赵波"))  # organisers may write it; it just loads nothing

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = br.render_pdf([face("赵波")], {"delegate": design}, BadgeSize.A6)

    path = save(pdf, tmp_path)
    assert image_count(path) == 1  # the QR code only
    assert "0 embedded files" in run("pdfdetach", "-list", str(path))
    assert "root:" not in pdf_text(path)
    content = all_content(pdf)
    assert b"root:" not in content
    assert b"SECRET-MARKER-4711" not in content
    # A short hostname ("vm") can turn up in compressed bytes by chance: only a distinctive one
    # proves anything.
    if len(secrets["hostname"]) >= 6:
        assert secrets["hostname"].encode() not in content
    refused = caplog.text
    assert "badges may not load outside resources" in refused
    for url in ("file:///etc/passwd", png):
        assert url in refused


def test_the_leak_checks_would_see_an_embedded_image_or_file(tmp_path, secrets):
    """The same things as data: URIs (allowed) are found: the checks above can fail."""
    data = "data:image/png;base64," + base64.b64encode(secrets["png_bytes"]).decode()
    design = bd.Design(html=f'<img src="{data}"><img class="qr" src="{{{{ b.qr }}}}">'
                            '<a rel="attachment" href="data:text/plain,SECRET-MARKER-4711">n</a>')

    pdf = br.render_pdf([face("赵波")], {"delegate": design}, BadgeSize.A6)

    path = save(pdf, tmp_path)
    assert image_count(path) == 2
    assert "1 embedded files" in run("pdfdetach", "-list", str(path))
    assert b"SECRET-MARKER-4711" in all_content(pdf)


@pytest.mark.parametrize("markup", [
    '<link rel="stylesheet" href="file:///etc/passwd">', "<style>@page { size: A3 }</style>",
    '<object data="file:///etc/passwd"></object>', '<embed src="file:///etc/passwd">',
    '<iframe src="file:///etc/passwd"></iframe>', "<script>x</script>",
    "{{ '<sty'|safe }}{{ 'le>.band{}</style>'|safe }}",
])
def test_markup_that_acts_on_the_whole_document_is_refused(markup):
    with pytest.raises(bd.DesignError, match="is not allowed in a badge"):
        bd.validate_design(bd.Design(html=markup + "{{ b.name }}"), face("赵波"))


@pytest.mark.parametrize("html", ["{{ 'a' * 10**9 }}", "{{ [1] * 10**9 }}", "{{ 2 ** 100000 }}"])
def test_templates_cannot_build_huge_values(html):
    with pytest.raises(bd.DesignError, match="too large"):
        bd.validate_design(bd.Design(html=html), face("赵波"))


# Templates that burned a minute of CPU or hundreds of MB before the limits, and the ways
# around a check of the two reported ones (other operators, filters, methods, loops, macros).
COSTLY = {
    "power tower": "{{ (((9**64)**64)**64)**64 % 7 }}",
    "ljust": "{{ 'a'.ljust(400000000) }}",
    "center filter": "{{ 'a'|center(400000000) }}",
    "printf width": "{{ '%0400000000d' % 1 }}",
    "format width": "{{ '{:>400000000}'.format(1) }}",
    "format filter": "{{ '%400000000s'|format('a') }}",
    "zfill": "{{ '1'.zfill(400000000) }}",
    "expandtabs": "{{ ('\t' * 1000).expandtabs(400000) }}",
    "replace": "{{ ('a' * 100000).replace('a', 'b' * 100000) }}",
    "replace filter": "{{ ('a' * 100000)|replace('a', 'b' * 100000) }}",
    "join": "{{ (['x' * 400000] * 1000)|join }}",
    "join method": "{{ ''.join(['x' * 400000] * 1000) }}",
    "one argument many times": "{{ ('%s' * 1000) % (('x' * 400000,) * 1000) }}",
    "indent": "{{ ('a\n' * 100000)|indent(1000) }}",
    "doubling by ~": "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
                     "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    "doubling by +": "{% set ns = namespace(s=[1]) %}{% for i in range(40) %}"
                     "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s|length }}",
    "doubling by extend": "{% set ns = namespace(s=[1]) %}{% for i in range(40) %}"
                          "{% set _ = ns.s.extend(ns.s) %}{% endfor %}{{ ns.s|length }}",
    "piling up strings": "{% set ns = namespace(l=[]) %}{% for i in range(100000) %}"
                         "{% set _ = ns.l.append('x' * 50000) %}{% endfor %}",
    "literal text in a loop": "{% set x %}{% for i in range(100000) %}" + "y" * 10_000
                              + "{% endfor %}{% endset %}{{ x|length }}",
    "output in a loop": "{% for i in range(100000) %}{{ 'x' * 50000 }}{% endfor %}",
    "slices in a loop": "{% set s = 'x' * 400000 %}{% set ns = namespace(l=[]) %}"
                        "{% for i in range(100000) %}{% set _ = ns.l.append(s[1:]) %}{% endfor %}",
    "str of a list": "{{ (['x' * 400000] * 1000)|string }}",
    "batch": "{{ [1]|batch(400000000, 'x')|list|length }}",
    "sum of lists": "{{ ([[1]] * 100000)|sum(start=[])|length }}",
    "lipsum": "{{ lipsum(100000) }}",
    "nested loops": "{% for i in range(100000) %}{% for j in range(100000) %}"
                    "{% endfor %}{% endfor %}",
    "exponential macro": "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}"
                         "{% endmacro %}{{ f(60) }}",
    "big multiplication": "{% set ns = namespace(n=3) %}{% for i in range(64) %}"
                          "{% set ns.n = ns.n * ns.n %}{% endfor %}{{ ns.n % 7 }}",
}


@pytest.mark.parametrize("html", COSTLY.values(), ids=COSTLY.keys())
def test_templates_that_burn_cpu_or_memory_are_stopped_quickly_and_small(html):
    tracemalloc.start()
    started = time.thread_time()  # this thread's CPU: what the limit counts
    try:
        with pytest.raises(bd.TooCostly) as stopped:
            bd.validate_design(bd.Design(html=html), SAMPLE)
        seconds = time.thread_time() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert stopped.value.limit in ("time", "size") and stopped.value.name == "Zhao Bo"
    assert seconds < template_limits.SECONDS + 1.5  # tracemalloc makes Python slower
    assert peak < 30_000_000


def test_a_template_can_still_loop_format_and_join():
    html = ("{% for code, words in b.zones %}<i>{{ code|lower }}:{{ '%-3s'|format(words) }}"
            "</i>{% endfor %}{{ b.name ~ '/' ~ b.pinyin }} {{ '{:>6}'.format(b.name) }} "
            "{{ ['a', 'b']|join('+') }} {{ (b.name * 2)|center(12) }} {{ 2 ** 10 }} "
            "{{ '%05d' % 42 }} {{ range(3)|map('string')|join }} {{ b.name.ljust(8, '.') }}")
    face = bd.BadgeFace(design="delegate", token="t", name="赵波", pinyin="ZHAO Bo",
                        zones=(("MAIN", "主会场"), ("VIP", "贵宾")))

    body = bd.build_body([face], {"delegate": bd.Design(html=html)}, BadgeSize.A6)

    for shown in ("<i>main:主会场</i><i>vip:贵宾 </i>", "赵波/ZHAO Bo", "    赵波",
                  "a+b", "    赵波赵波    ", "1024", "00042", "012", "赵波......"):
        assert shown in body, shown


SLOW_FOR_ONE = ("{% if b.name == '钱伟' %}{% for i in range(100000) %}{% for j in range(100000) %}"
                "{% endfor %}{% endfor %}{% endif %}{{ b.name }}")


def test_a_template_slow_for_one_name_only_stops_at_that_badge():
    design = {"delegate": bd.Design(html=SLOW_FOR_ONE)}
    bd.validate_design(design["delegate"], SAMPLE)  # saved: fine for the sample
    started = time.thread_time()

    with pytest.raises(bd.TooCostly) as stopped:
        bd.build_body([face("赵波"), face("钱伟"), face("孙丽")], design, BadgeSize.A6)

    assert (stopped.value.limit, stopped.value.name) == ("time", "钱伟")
    assert time.thread_time() - started < template_limits.SECONDS + 1
    assert pickle.loads(pickle.dumps(stopped.value)).name == "钱伟"  # crosses processes


def test_a_batch_stopped_by_a_slow_badge_leaves_its_render_processes_working(tmp_path):
    slow = {"delegate": bd.Design(html=SLOW_FOR_ONE)}
    faces = [face(f"赵波{n}") for n in range(12)]
    faces[9] = face("钱伟")
    try:
        started = time.perf_counter()
        with pytest.raises(bd.TooCostly) as stopped:
            br.render_batch(faces, slow, BadgeSize.A6, processes=2, chunk_size=2)
        assert stopped.value.name == "钱伟"
        assert time.perf_counter() - started < 60  # starting the processes included

        pdf = br.render_batch(faces, DESIGNS, BadgeSize.A6, processes=2, chunk_size=2)
    finally:
        br.shutdown_pool()

    assert page_count(save(pdf, tmp_path)) == 12


def test_designs_make_no_network_requests(caplog):
    hits: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        html = (f'<div class="band">{{{{ b.name }}}}</div><img src="{base}/img">'
                f'<div class="who" style="background: url({base}/inline)">x</div>')
        design = bd.Design(html=html, css=f".band {{ background: url({base}/css) }}")
        with caplog.at_level(logging.WARNING, logger="weasyprint"):
            pdf = br.render_pdf([face("赵波")], {"delegate": design}, BadgeSize.A6)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)

    assert pdf.startswith(b"%PDF-")
    assert hits == []
    assert f"{base}/img" in caplog.text and f"{base}/css" in caplog.text


@pytest.mark.parametrize("css, reason", [
    ("@import url(other.css);", "@import is not allowed"),
    ('@font-face { font-family: x; src: url(file:///etc/passwd) }', "@font-face is not allowed"),
    ("@page { size: A3 }", "@page is not allowed"),
    ("@media print { .name { color: red } }", "@media is not allowed"),
    (".name { color: red } @namespace x url(y);", "@namespace is not allowed"),
    (".name color: red }", "CSS line 1"),
    (".name { color: red }\n.org { color: blue } junk", "CSS line 2"),
    ("}", "CSS line 1"),
    ("{ color: red }", "empty selector"),
    (".name, { color: red }", "empty selector"),
])
def test_scope_css_refuses_at_rules_and_broken_css(css, reason):
    with pytest.raises(bd.DesignError, match=re.escape(reason)):
        bd.scope_css(css, 0)


def test_scope_css_limits_every_selector_to_its_category():
    scoped = bd.scope_css("/* hi */ .name, .org > b { color: #ff0000 }\n.band{font-size:9pt}", 3)

    assert scoped == (".design-3 .name, .design-3 .org > b { color: #ff0000 }\n"
                      ".design-3 .band {font-size:9pt}")


def band_colour(path: Path, page: int) -> tuple[int, int, int]:
    """The colour just inside the top-left corner of a badge's band."""
    image = Image.open(to_png(path, page=page, dpi=40)).convert("RGB")
    return image.getpixel((5, 5))


def test_a_categorys_css_changes_its_own_badges_only(tmp_path):
    designs = {"a": bd.Design(band_colour="#00ff00", css=".band { background: #ff0000 }"),
               "b": bd.Design(band_colour="#0000ff")}

    path = save(br.render_pdf([face("A", "a"), face("B", "b")], designs, BadgeSize.A6),
                tmp_path)

    assert band_colour(path, 1) == (255, 0, 0)
    assert band_colour(path, 2) == (0, 0, 255)


def test_a_selector_starting_with_a_combinator_cannot_reach_other_categories(tmp_path):
    designs = {"a": bd.Design(band_colour="#00ff00", css="~ .badge .band { background: #f00 }"),
               "b": bd.Design(band_colour="#0000ff")}
    try:
        bd.validate_design(designs["a"], face("A", "a"))
    except bd.DesignError:
        return  # refusing it is fine too

    path = save(br.render_pdf([face("A", "a"), face("B", "b")], designs, BadgeSize.A6),
                tmp_path)

    assert band_colour(path, 2) == (0, 0, 255)


def test_a_style_element_in_the_html_cannot_change_other_categories_or_the_page(tmp_path):
    html = ('<style>.band { background: #ff0000 !important } @page { size: A3 }</style>'
            '<div class="band">{{ b.name }}</div>')
    designs = {"a": bd.Design(html=html), "b": bd.Design(band_colour="#0000ff")}
    try:
        bd.validate_design(designs["a"], face("A", "a"))
    except bd.DesignError:
        return  # refusing it is fine too

    path = save(br.render_pdf([face("A", "a"), face("B", "b")], designs, BadgeSize.A6),
                tmp_path)

    assert page_size(path) == pytest.approx((297.64, 419.53), abs=0.01)
    assert band_colour(path, 2) == (0, 0, 255)


# --- validating designs ---------------------------------------------------------------------

SAMPLE = bd.BadgeFace(design="delegate", token="sample-token", name="Zhao Bo", name_native="赵波")


def test_a_good_design_validates():
    bd.validate_design(bd.Design(band_colour="#AA3300", text_colour="#000000",
                                 html='<div class="band">{{ b.title }}</div>{{ b.name }} '
                                      '{% if size == "a6" %}{{ b.name_native }}{% endif %}'
                                      '<img class="qr" src="{{ b.qr }}">',
                                 css=".name { letter-spacing: 0.1em }"), SAMPLE)


@pytest.mark.parametrize("colours", [
    ("red", "#ffffff"), ("#fff", "#ffffff"), ("#1f6feb", "#12345g"), ("", "#ffffff"),
    ("#1f6feb; background: url(x)", "#ffffff"), ("#1f6feb", " #ffffff"), ("#1f6feb0", "#fff"),
])
def test_bad_colours_are_refused(colours):
    band, text = colours
    with pytest.raises(bd.DesignError, match="is not a colour like #1f6feb"):
        bd.validate_design(bd.Design(band_colour=band, text_colour=text), SAMPLE)


def test_a_colour_with_a_trailing_newline_is_refused():
    with pytest.raises(bd.DesignError):
        bd.validate_design(bd.Design(band_colour="#1f6feb\n"), SAMPLE)


@pytest.mark.parametrize("html, reason", [
    ("{% if %}x{% endif %}", "Jinja line 1"),
    ("<b>\n{% if b.name %}", "Jinja line 2"),
    ("{{ b.name ", "Jinja line 1"),
    ("{% for x in b.zones %}", "endfor"),
    ("{{ nope }}", "UndefinedError: 'nope' is undefined"),
    ("{{ b.nope }}", "UndefinedError"),
    ("{{ b.name|nofilter }}", "nofilter"),
])
def test_broken_jinja_and_unknown_variables_are_refused(html, reason):
    with pytest.raises(bd.DesignError, match=re.escape(reason)):
        bd.validate_design(bd.Design(html=html), SAMPLE)


@pytest.mark.parametrize("html", [
    "{{ b.__class__.__mro__ }}",
    "{{ ''.__class__.__subclasses__() }}",
    "{{ b.__class__ }}",
    "{{ b.name|attr('__class__') }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ b.name.__class__.__base__.__subclasses__() }}",
    "{% set x = b.items().__class__ %}{{ x }}",
])
def test_sandbox_escapes_are_refused(html):
    with pytest.raises(bd.DesignError, match="SecurityError"):
        bd.validate_design(bd.Design(html=html), SAMPLE)


def test_a_huge_range_is_refused_as_a_design_error():
    with pytest.raises(bd.DesignError):
        bd.validate_design(bd.Design(html="{% for i in range(10**9) %}{% endfor %}"), SAMPLE)


def test_oversized_templates_are_refused():
    big = "x" * (bd.MAX_TEMPLATE + 1)
    for design in (bd.Design(html=big), bd.Design(css=f".a {{ content: '{big}' }}")):
        with pytest.raises(bd.DesignError, match="at most"):
            bd.validate_design(design, SAMPLE)


# --- batches --------------------------------------------------------------------------------

def test_a_batch_renders_in_worker_processes_in_order_with_progress(tmp_path):
    faces = [face(f"Badge {n:02d} 赵波") for n in range(10)]
    progress: list[int] = []
    try:
        pdf = br.render_batch(faces, DESIGNS, BadgeSize.A6, processes=2, chunk_size=4,
                              progress=progress.append)
    finally:
        br.shutdown_pool()

    path = save(pdf, tmp_path)
    assert page_count(path) == 10
    for n in range(10):
        assert squash(pdf_text(path, n + 1)) == f"Badge{n:02d}赵波"
    assert progress == sorted(set(progress)) and progress[-1] == 10
    assert sorted(b - a for a, b in pairwise([0, *progress])) == [2, 4, 4]


def children_of(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie waits for whoever adopted it to reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_render_processes_end_with_the_process_that_started_them_even_killed():
    """A server killed with -9 cannot stop its render processes: they notice by themselves."""
    script = ("import sys, time; from summit.services.badges import render; "
              "pool = render.pool(2); "
              "[f.result() for f in [pool.submit(time.sleep, 0.5) for _ in range(2)]]; "
              "print('ready', flush=True); sys.stdin.read()")
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).parents[2],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline().strip() == "ready"
        workers = children_of(parent.pid)
        assert len(workers) >= 2  # the render processes (and multiprocessing's helper)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        parent.stdout.close()
        parent.stdin.close()

    deadline = time.monotonic() + 10
    while any(running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in workers if running(pid)]
    for pid in left:  # leave no orphans behind, even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert not left


def test_a_sheet_batch_splits_into_whole_sheets(tmp_path):
    faces = [face(f"Sheet {n:02d}") for n in range(10)]
    progress: list[int] = []

    pdf = br.render_batch(faces, DESIGNS, BadgeSize.A4_SHEET, processes=1, chunk_size=5,
                          progress=progress.append)

    path = save(pdf, tmp_path)
    assert progress == [4, 8, 10]
    assert page_count(path) == 3  # not 4: chunks of 5 would leave half-empty sheets
    assert "Sheet08" in squash(pdf_text(path, 3))


@pytest.mark.parametrize("chunk_size", [1, 3, 4, 5, 7, 8, 50])
def test_sheet_chunks_are_whole_sheets(chunk_size):
    faces = [face(f"{n}", token="t") for n in range(23)]

    parts = br.chunks(faces, BadgeSize.A4_SHEET, chunk_size)

    assert [f for part in parts for f in part] == faces
    assert all(len(part) % 4 == 0 for part in parts[:-1])
    assert all(len(part) <= max(4, chunk_size) for part in parts)


def test_card_chunks_use_the_chunk_size_as_given():
    faces = [face(f"{n}", token="t") for n in range(10)]

    assert [len(p) for p in br.chunks(faces, BadgeSize.A6, 4)] == [4, 4, 2]
    assert [len(p) for p in br.chunks(faces, BadgeSize.CR80, 3)] == [3, 3, 3, 1]


def test_joining_one_pdf_returns_it_unchanged():
    assert br.join_pdfs([b"%PDF-1.7 one"]) == b"%PDF-1.7 one"


def test_the_tracked_category_word_extracts_as_one_word(tmp_path):
    """The English category word is set in spaced capitals: the spacing must stay a
    typographic one, so that pdftotext (and a screen reader) reads GUEST, not G UEST."""
    faces = [face("赵波", title="嘉宾", title_en=word) for word in ("Guest", "Press", "Media",
                                                                    "Expert")]

    path = save(br.render_pdf(faces, DESIGNS, BadgeSize.A6), tmp_path)

    for page, word in enumerate(("GUEST", "PRESS", "MEDIA", "EXPERT"), start=1):
        assert word in pdf_text(path, page).split(), pdf_text(path, page)
