"""What a badge shows and how it is laid out: the data, the organisers' designs, the HTML.

Everything here is plain data and text (``BadgeFace`` and ``Design`` in, HTML and CSS out),
never the database and never WeasyPrint: ``badges.render`` turns the result into PDF.
Organisers' Jinja runs in a sandbox with limits on time and memory (``badges.sandbox``,
``badges.limits``), and their CSS is scoped to their category.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import tinycss2
from jinja2 import StrictUndefined, TemplateError

from summit.models import BadgeSize
from summit.services.badges import limits as template_limits, qr, sandbox
from summit.services.core import fonts

PRINT_DIR = Path(__file__).resolve().parents[2] / "templates" / "badges" / "print"
COLOUR = re.compile(r"#[0-9a-fA-F]{6}\Z")
MAX_TEMPLATE = 20_000

PAGE_CSS = {
    BadgeSize.A6: "@page { size: 105mm 148mm; margin: 0 } .badge + .badge { break-before: page }",
    BadgeSize.CR80: "@page { size: 85.6mm 54mm; margin: 0 } .badge + .badge { break-before: page }",
    BadgeSize.A4_SHEET: """@page { size: 210mm 297mm; margin: 0 }
.sheet { position: relative; width: 210mm; height: 297mm; overflow: hidden }
.sheet + .sheet { break-before: page }
.sheet .badge { position: absolute }
.cell-0 { left: 0; top: 0 } .cell-1 { left: 105mm; top: 0 }
.cell-2 { left: 0; top: 148mm } .cell-3 { left: 105mm; top: 148mm }
.mark { position: absolute; background: #000 }
.mark.v { width: 0.2mm; height: 4mm } .mark.h { width: 4mm; height: 0.2mm }""",
}
# Cut marks of an A4 sheet of four A6 badges: at the edges on the cut lines, and a centre cross.
SHEET_MARKS = "".join(
    f'<i class="mark {kind}" style="left:{x}mm;top:{y}mm"></i>' for kind, x, y in (
        ("v", 104.9, 0), ("v", 104.9, 293), ("h", 0, 147.9), ("h", 206, 147.9),
        ("v", 104.9, 146), ("h", 103, 147.9)))
BADGES_PER_SHEET = 4


class DesignError(ValueError):
    """A template that cannot be used: the message says why, ``part`` where (html or css)."""

    def __init__(self, message: str, part: str = "html") -> None:
        super().__init__(message)
        self.part = part


class TooCostly(DesignError):
    """A template that went over a limit drawing the badge of ``name``: ``limit`` is "time"
    (more than ``limits.SECONDS``) or "size" (a value or output too large). Crosses process
    boundaries intact (a batch renders in worker processes)."""

    def __init__(self, limit: str, name: str = "", detail: str = "") -> None:
        what = (f"took more than {template_limits.SECONDS} s" if limit == "time"
                else f"built a value too large ({detail})")
        super().__init__(f"drawing the badge of {name} {what}")
        self.limit, self.name, self.detail = limit, name, detail

    def __reduce__(self):
        return type(self), (self.limit, self.name, self.detail)


# What the parsers raise, instead of a parse error, on some hostile input: a number thousands
# of digits long (ValueError), nesting deeper than Python's recursion limit, huge ranges.
UNREADABLE = (ValueError, RecursionError, OverflowError, MemoryError)


@dataclass(frozen=True)
class Design:
    """One category's look. Empty html/css mean the built-in design."""

    band_colour: str = "#1f6feb"
    text_colour: str = "#ffffff"
    html: str = ""
    css: str = ""


@dataclass(frozen=True)
class BadgeFace:
    """What one printed badge shows; plain data so worker processes can take it."""

    design: str  # key into the designs mapping (the category code)
    token: str
    name: str
    name_native: str = ""
    pinyin: str = ""
    organisation: str = ""
    position: str = ""
    title: str = ""
    title_en: str = ""
    zones: tuple[tuple[str, str], ...] = ()
    footer: str = ""
    summit: str = ""
    photo: str = ""  # a data: URI, for press badges


# --- building the HTML --------------------------------------------------------------------

def display_width(text: str) -> int:
    """Columns a text takes: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _length_class(text: str, limits: tuple[int, int, int]) -> str:
    width = display_width(text)
    for limit, name in zip(limits, ("", "long", "longer"), strict=True):
        if width <= limit:
            return name
    return "longest"


# Line breaks and indentation after a tag or a Jinja tag of the built-in design: text nodes
# between blocks that WeasyPrint would only drop again (a deliberate inline space is never a
# line break in that file).
LAYOUT_WHITESPACE = re.compile(r"([>}])[ \t]*\n\s*")


@lru_cache(maxsize=1)
def _builtin() -> tuple[str, str]:
    html = (PRINT_DIR / "badge.html").read_text(encoding="utf-8")
    return (LAYOUT_WHITESPACE.sub(r"\1", html),
            (PRINT_DIR / "badge.css").read_text(encoding="utf-8"))


MAX_OUTPUT = 50_000  # characters one badge's HTML may come to
# Markup that would escape a badge's box: styles and links act on the whole document.
FORBIDDEN_TAGS = re.compile(r"<\s*/?\s*(style|link|script|meta|base|iframe|object|embed|frame)\b",
                            re.IGNORECASE)


_sandbox = sandbox.BadgeSandbox(autoescape=True, undefined=StrictUndefined)


@lru_cache(maxsize=64)
def _template(source: str):
    return _sandbox.from_string(source)


@lru_cache(maxsize=4096)
def qr_data_uri(token: str) -> str:
    return qr.png_data_uri(token)


def _context(face: BadgeFace) -> dict:
    longest = max(face.name, face.name_native, key=display_width)
    return {
        "name": face.name, "name_native": face.name_native, "pinyin": face.pinyin,
        "organisation": face.organisation, "position": face.position,
        "title": face.title, "title_en": face.title_en, "zones": list(face.zones),
        "footer": face.footer, "summit": face.summit, "photo": face.photo,
        "qr": qr_data_uri(face.token),
        "name_class": _length_class(longest, (12, 24, 80)),
        "org_class": "long" if display_width(face.organisation) > 48 else "",
    }


def _badge_html(face: BadgeFace, design: Design, key: int, size: BadgeSize,
                cell: int | None = None) -> str:
    source = design.html or _builtin()[0]
    try:
        template = _template(source)
        with template_limits.limits():
            inner = template.render(b=_context(face), size=size.value)
    except template_limits.TemplateLimit as error:
        raise TooCostly(error.kind, face.name, str(error).partition(": ")[2]) from None
    except (TemplateError, ArithmeticError, TypeError, LookupError, *UNREADABLE) as error:
        raise DesignError(f"{type(error).__name__}: {error}") from None
    # A press photo is data, not the template's output: it counts once at most.
    photo = len(face.photo) if face.photo and face.photo in inner else 0
    if len(inner) - photo > MAX_OUTPUT:
        raise DesignError(f"a badge may come to at most {MAX_OUTPUT} characters of HTML")
    tag = FORBIDDEN_TAGS.search(inner)
    if tag:
        raise DesignError(f"<{tag.group(1).lower()}> is not allowed in a badge; "
                          "put styles in the CSS field")
    card = "cr80" if size is BadgeSize.CR80 else "a6"
    classes = f"badge {card} design-{key}" + (f" cell-{cell}" if cell is not None else "")
    return f'<section class="{classes}">{inner}</section>'


def _selectors(prelude: list) -> list[str]:
    """Split a selector list at its top-level commas (not those inside :is(...) and the like)."""
    groups: list[list] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            groups.append([])
        else:
            groups[-1].append(token)
    return [tinycss2.serialize(group) for group in groups]


def scope_css(css: str, key: int) -> str:
    """An organiser's CSS with every selector limited to their category's badges.

    Only plain style rules are accepted: @import, @font-face, @page and friends are refused,
    so a template cannot pull in files or change other categories.
    """
    try:
        return _scope_css(css, key)
    except DesignError:
        raise
    except UNREADABLE as error:
        raise DesignError(f"CSS cannot be read ({type(error).__name__})", "css") from None


def _scope_css(css: str, key: int) -> str:
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    out = []
    for rule in rules:
        if rule.type == "error":
            raise DesignError(f"CSS line {rule.source_line}: {rule.message}", "css")
        if rule.type == "at-rule":
            raise DesignError(f"CSS line {rule.source_line}: @{rule.at_keyword} is not allowed",
                              "css")
        selectors = _selectors(rule.prelude)
        if any(not s.strip() for s in selectors):
            raise DesignError(f"CSS line {rule.source_line}: empty selector", "css")
        if any(s.strip()[0] in ">+~|" for s in selectors):
            raise DesignError(f"CSS line {rule.source_line}: a selector may not start with a "
                              "combinator", "css")
        for token in tinycss2.parse_blocks_contents(rule.content):
            if token.type == "error":
                raise DesignError(f"CSS line {token.source_line}: {token.message}", "css")
        scoped = ", ".join(f".design-{key} {s.strip()}" for s in selectors)
        out.append(f"{scoped} {{{tinycss2.serialize(rule.content)}}}")
    return "\n".join(out)


def _keys(designs: dict[str, Design]) -> dict[str, int]:
    return {code: number for number, code in enumerate(sorted(designs))}


def build_css(designs: dict[str, Design], size: BadgeSize, font_css: str = "") -> str:
    keys = _keys(designs)
    parts = [font_css, f"body {{ margin: 0; font-family: {fonts.family_css()} }}",
             PAGE_CSS[size], _builtin()[1]]
    for code in sorted(designs):
        design = designs[code]
        parts.append(f".design-{keys[code]} .band {{ background: {design.band_colour}; "
                     f"color: {design.text_colour} }}")
        if design.css:
            parts.append(scope_css(design.css, keys[code]))
    return "\n".join(parts)


def build_body(faces: Sequence[BadgeFace], designs: dict[str, Design], size: BadgeSize) -> str:
    keys = _keys(designs)
    parts = ['<!doctype html><html lang="zh"><head><meta charset="utf-8"></head><body>']
    if size is BadgeSize.A4_SHEET:
        for start in range(0, len(faces), BADGES_PER_SHEET):
            cells = "".join(
                _badge_html(face, designs[face.design], keys[face.design], size, cell)
                for cell, face in enumerate(faces[start:start + BADGES_PER_SHEET]))
            parts.append(f'<div class="sheet">{cells}{SHEET_MARKS}</div>')
    else:
        parts += [_badge_html(face, designs[face.design], keys[face.design], size)
                  for face in faces]
    parts.append("</body></html>")
    return "".join(parts)


def build_html(faces: Sequence[BadgeFace], designs: dict[str, Design], size: BadgeSize,
               font_css: str = "") -> str:
    """The whole document as one HTML string (styles inline): for checks and references."""
    body = build_body(faces, designs, size)
    return body.replace("</head>", f"<style>{build_css(designs, size, font_css)}</style></head>",
                        1)


def validate_design(design: Design, sample: BadgeFace) -> None:
    """Refuse a design that would not render: bad colours, Jinja or CSS (with the reason)."""
    for colour in (design.band_colour, design.text_colour):
        if not COLOUR.match(colour or ""):
            raise DesignError(f"{colour!r} is not a colour like #1f6feb", "colour")
    for part in ("html", "css"):
        if len(getattr(design, part)) > MAX_TEMPLATE:
            raise DesignError(f"a template may hold at most {MAX_TEMPLATE} characters", part)
    if design.html:
        try:
            _sandbox.parse(design.html)
        except TemplateError as error:
            line = getattr(error, "lineno", None)
            raise DesignError(f"Jinja line {line}: {error}" if line else str(error)) from None
        except UNREADABLE as error:
            raise DesignError(f"the HTML cannot be read ({type(error).__name__})") from None
    scope_css(design.css, 0)
    # A trial render catches what parsing cannot (an unknown variable, a forbidden attribute).
    build_html([sample], {sample.design: design}, BadgeSize.A6)
