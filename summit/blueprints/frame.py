"""The page frame every organiser's page repeats: base.html's header and the summit's
navigation with its staff menu, drawn once per app for everything they show and kept.

Drawing them cost a page about twenty ``url_for``, as many translations and ``current_user``
look-ups through Jinja. Each is now drawn by its template (``_partials/header.html``,
``_partials/summit_nav_drawn.html``, so the HTML is the templates' own) the first time a
combination is seen, and kept in the app under a key holding everything it shows: the
language, the script root, who is logged in (name, administrator or not) and, for the
summit's navigation, the summit's slug, title and press switch and the person's permission
set there. A key changes when any of it changes (a role removed gives another permission
set at once), so nothing needs invalidating; the store is emptied when it grows past
``_KEPT_MAX``. Only the per-request values are put in per request: the CSRF token and the
language form's "next" (the page's own path).
"""
from __future__ import annotations

import re

from flask import current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from summit.blueprints.console.menu import WHENS
from summit.i18n import language
from summit.permissions import permissions_at

_KEPT_MAX = 512
# Stand-ins drawn in place of the per-request values, then cut out (NUL never occurs in a
# template or in escaped text).
_CSRF, _NEXT, _SPLIT = "\x00csrf\x00", "\x00next\x00", "\x00split\x00"
_HOLES = re.compile("(\x00(?:csrf|next|split)\x00)")
SPLIT = Markup(_SPLIT)  # where a kept drawing is cut in two (see ``kept_halves``)


def _kept() -> dict:
    kept = current_app.extensions.get("summit.frame")
    if kept is None or len(kept) >= _KEPT_MAX:
        kept = current_app.extensions["summit.frame"] = {}
    return kept


def _header_parts() -> tuple[tuple[str, ...], tuple[str, ...]]:
    user = current_user._get_current_object()
    signed_in = bool(user.is_authenticated)
    key = ("header", str(get_locale()), request.script_root, signed_in,
           signed_in and bool(user.is_admin), signed_in and user.name)
    kept = _kept()
    parts = kept.get(key)
    if parts is None:
        drawn = render_template("_partials/header.html", frame_csrf=Markup(_CSRF),
                                frame_next=Markup(_NEXT), frame_split=Markup(_SPLIT))
        pieces = _HOLES.split(drawn)
        cut = pieces.index(_SPLIT)
        parts = kept[key] = (tuple(pieces[:cut]), tuple(pieces[cut + 1:]))
    return parts


def page_header(half: int) -> Markup:
    """base.html's header: the part before its ``summit_nav`` block (0) or after (1)."""
    values = {}
    out = []
    for piece in _header_parts()[half]:
        if piece == _CSRF:
            piece = values.get(_CSRF) or values.setdefault(_CSRF, escape(generate_csrf()))
        elif piece == _NEXT:
            piece = escape(request.full_path if request.query_string else request.path)
        out.append(piece)
    return Markup("".join(out))


def kept_halves(key: tuple, template: str, csrf_field: Markup, **context
                ) -> tuple[Markup, Markup]:
    """``template`` drawn once per ``key`` (which must hold everything the drawing shows) and
    kept, cut in two where it prints ``frame_split`` (the page's own part goes between), with
    ``frame_csrf_field`` (a form's ``hidden_tag()``: its CSRF token) put in per request."""
    kept = _kept()
    parts = kept.get(key)
    if parts is None:
        drawn = render_template(template, frame_split=SPLIT,
                                frame_csrf_field=Markup(_CSRF), **context)
        pieces = _HOLES.split(drawn)
        cut = pieces.index(_SPLIT) if _SPLIT in pieces else len(pieces)
        parts = kept[key] = (tuple(pieces[:cut]), tuple(pieces[cut + 1:]))
    return tuple(Markup("".join(csrf_field if piece == _CSRF else piece for piece in half))
                 for half in parts)  # type: ignore[return-value]


def summit_nav(summit) -> Markup:
    """_partials/summit_nav_drawn.html for this summit and person, drawn once and kept."""
    user = current_user._get_current_object()
    key = ("summit nav", str(get_locale()), request.script_root, summit.slug,
           summit.title(language()), bool(summit.press_enabled),
           tuple(bool(getattr(summit, when)) for when in WHENS),
           bool(user.is_authenticated), permissions_at(user, summit))
    kept = _kept()
    drawn = kept.get(key)
    if drawn is None:
        drawn = kept[key] = Markup(render_template("_partials/summit_nav_drawn.html",
                                                   summit=summit))
    return drawn
