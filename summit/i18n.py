"""Language and time zone choice, and the helpers templates use for both."""
from __future__ import annotations

import json
from collections.abc import Callable

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations, lazy_gettext as _l
from flask_login import current_user

from summit.services.core.timezones import zone_label

LOGIN_REQUIRED_MESSAGE = _l("Please log in to see this page.")


def supported() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def select_locale() -> str:
    """Explicit choice (session, then account), then the browser's, then zh_Hans."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return locale_for(lambda: current_user.locale if current_user and
                      current_user.is_authenticated else None)


def locale_for(account_locale: Callable[[], str | None]) -> str:
    """``select_locale`` with the account's language from ``account_locale`` (asked only
    when the session holds no choice)."""
    choice = session.get("lang")
    if choice in supported():
        return choice
    chosen = account_locale()
    if chosen in supported():
        return chosen
    return from_accept_language() or current_app.config["BABEL_DEFAULT_LOCALE"]


def from_accept_language() -> str | None:
    for value, _quality in request.accept_languages:
        tag = value.lower().replace("_", "-")
        if tag.startswith("en"):
            return "en"
        if tag in {"zh-hant", "zh-tw", "zh-hk", "zh-mo"} or tag.startswith("zh-hant"):
            return "zh_Hant"
        if tag.startswith("zh"):
            return "zh_Hans"
    return None


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def language() -> str:
    """The current language as the short form models use: 'zh' or 'en'."""
    return "en" if str(get_locale()) == "en" else "zh"


def html_lang() -> str:
    return {"zh_Hans": "zh-Hans", "zh_Hant": "zh-Hant", "en": "en"}.get(str(get_locale()), "zh")


def json_text(value: object) -> str:
    """JSON for people to read (the audit log): Chinese stays Chinese, not \\u escapes.
    Autoescaping still applies, unlike with ``tojson``."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def current_translations():
    """The request's translations, found once per request and locale. Flask-Babel's own
    template callables look up the domain, the locale and its name on every ``_()`` call (a
    list page makes hundreds); ``force_locale`` sets a new locale object, so it is seen."""
    try:
        context = g._flask_babel
    except (AttributeError, RuntimeError):
        return get_translations()
    cached = getattr(context, "summit_translations", None)
    if cached is not None and cached[0] is getattr(context, "babel_locale", None):
        return cached[1]
    translations = get_translations()
    context.summit_translations = (getattr(context, "babel_locale", None), translations)
    return translations


def register(app: Flask) -> None:
    app.add_template_filter(json_text, "json_text")
    app.add_template_global(zone_label, "zone_label")
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current_translations().ugettext(s),
        ngettext=lambda s, p, n: current_translations().ungettext(s, p, n),
        pgettext=lambda c, s: current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_translations().unpgettext(c, s, p, n),
        newstyle=True)

    @app.context_processor
    def language_context() -> dict:
        return {"language": language(), "html_lang": html_lang(),
                "current_locale": str(get_locale()), "languages": app.config["LANGUAGES"]}
