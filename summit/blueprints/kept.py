"""Kept organiser pages: a busy page (the registration list, the console) drawn once for
everything it shows and served again, byte for byte but for its CSRF token, until any of
that changes (issue 23).

A page is kept under a key read in ONE statement before the view runs
(``logins.page_state``): the login (not ended or expired, its user active), the user's name,
language, administrator flag and every membership, and the summit's id, ``setup_version``
(the summit, its organisations, zones and categories) and data version (its registrations,
delegations, press applications, agreements and badge jobs: raised by database triggers,
``models/data_version.py``); with the URL and query string, the language chosen for the
request and the script root, and whatever else the view names (``extra``: the console's
figures, kept for a few seconds, and today's date). A change to any of it gives another key,
so the next page is drawn afresh: nothing is invalidated and nothing is ever shown stale.

Only a plain GET is kept or served from the store: no flashed message waiting, the session
cookie's login (a remember-me cookie alone takes the ordinary path) and Flask-Login's
session protection satisfied, and the view's answer a 200 HTML page that did not change the
session. Everything else, and every first sight of a key, is the view's own answer. The
store holds ``KEPT_MAX`` pages per app process and is emptied beyond.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import wraps

from flask import current_app, g, request, session
from flask_wtf.csrf import generate_csrf

from summit.i18n import locale_for
from summit.models import Role
from summit.permissions import Permission, permissions_held
from summit.services.accounts import logins
from summit.services.accounts.logins import PageState

KEPT_MAX = 128  # pages of 50-300 KB: at most some tens of MB a process
STORE = "summit.kept_pages"


def kept_page(extra: Callable[[PageState, str], Hashable | None] | None = None) -> Callable:
    """Keep the decorated GET view's page (put it above ``reads_only`` and
    ``login_required``; the view takes the summit's ``slug``). ``extra`` gives more of the
    key from the page state and the request's locale, or None when the page must not be
    kept or served now."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(**kwargs):
            key = _key(kwargs, extra)
            if key is None:
                return view(**kwargs)
            store: dict = current_app.extensions.setdefault(STORE, {})
            parts = store.get(key)
            if parts is not None:
                return _answer(parts)
            response = view(**kwargs)
            parts = _parts(response)
            if parts is not None:
                if len(store) >= KEPT_MAX:
                    store.clear()
                store[key] = parts
            return response

        return wrapped

    return decorate


def _key(kwargs: dict, extra) -> tuple | None:
    if not current_app.config["KEPT_PAGES"] or request.method != "GET":
        return None
    raw = session.get("_user_id")
    if not raw or "_flashes" in session or not isinstance(raw, str):
        return None
    manager = current_app.login_manager  # type: ignore[attr-defined]
    if manager.session_protection and \
            session.get("_id") != manager._session_identifier_generator():
        return None  # Flask-Login's own path marks the session (basic protection)
    state = logins.page_state(raw, kwargs.get("slug", ""))
    if state is None or state.summit_id is None:
        return None
    locale = locale_for(lambda: state.locale)
    more = extra(state, locale) if extra is not None else ()
    if more is None:
        return None
    return (request.endpoint, tuple(sorted(kwargs.items())), request.full_path,
            request.script_root, locale, state, more)


def permissions(state: PageState) -> frozenset[Permission] | None:
    """The person's permissions at the page's summit (``permissions_at``), from the state;
    None for a role this code does not know."""
    held = []
    for entry in state.memberships:
        summit_id, _, role = entry.partition(":")
        try:
            held.append((int(summit_id), Role(role)))
        except ValueError:
            return None
    return permissions_held(state.is_admin, held, state.summit_id)


def _csrf_field() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def _parts(answer) -> tuple[str, ...] | None:
    """The page cut around this request's CSRF token, or None when it may not be kept: only
    a page the view returned as text (Flask makes it a 200 HTML answer), which changed
    nothing in the session (no flash, no first CSRF secret)."""
    if not isinstance(answer, str) or session.modified:
        return None
    token = g.get(_csrf_field())
    return tuple(answer.split(token)) if token else (answer,)


def _answer(parts: tuple[str, ...]) -> str:
    """The kept page with this request's CSRF token, as text like the view's own answer."""
    return generate_csrf().join(parts) if len(parts) > 1 else parts[0]
