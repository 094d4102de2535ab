"""Small request helpers shared by the views: safe redirects, page numbers, downloads, and a
form's service call with its confirmation or refusal flashed."""
from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import flash, request, send_file

from summit.extensions import db
from summit.forms import BaseForm, show_domain_error
from summit.services.core.errors import DomainError
from summit.services.core.exports import CSV_MIMETYPE, XLSX_MIMETYPE
from summit.services.core.validation import parse_id

MAX_PAGE = 100_000


def reads_only(view: Callable) -> Callable:
    """For a page that only reads (put it above ``login_required``): its statements, the
    login look-up included, run autocommitted, each its own snapshot as READ COMMITTED gives
    each statement anyway, without the BEGIN and ROLLBACK round trips around them (as the
    API's ``answers_everyone`` reads). A session already in a transaction keeps it."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not db.session().in_transaction():
            db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative paths, so a crafted link cannot send users elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or any(
            ch in target for ch in "\\\r\n\t\x00"):
        return fallback
    try:
        parts = urlsplit(target)
    except ValueError:
        return fallback
    if parts.scheme or parts.netloc:
        return fallback
    return target


def page_arg() -> int:
    """The ?page= number, clamped so huge values cannot reach the database."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def per_page_arg(default: int = 50) -> int:
    return min(max(request.args.get("per_page", default, type=int), 1), 200)


def id_arg(name: str) -> int | None:
    """An id from the query string; anything but a number from 1 to MAX_ID is no id."""
    return parse_id(request.args.get(name))


def back_or(fallback: str) -> str:
    """The page the user came from when it is on this site, else the fallback."""
    referrer = request.referrer or ""
    return referrer if referrer.startswith(request.host_url) else fallback


def download(data: bytes, name: str):
    """An export (written by services/core/exports) as an attachment named `name`."""
    mimetype = CSV_MIMETYPE if name.endswith(".csv") else XLSX_MIMETYPE
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=name)


def attempt(action: Callable[[], object], done: str | None) -> bool:
    """A service call from a view: flash ``done`` (when given) if it succeeds; if the service
    refuses (a DomainError), drop what it may have half-done and flash the rule's own words.
    True when it succeeded."""
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return False
    if done:
        flash(done, "success")
    return True


def attempt_form(form: BaseForm, action: Callable[[], object]) -> bool:
    """A form's service call: on a refusal, drop what it may have half-done and show the
    rule's words next to the field it names (flashed when it names none); True when it
    succeeded, so the view confirms and redirects, or re-renders the form."""
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return False
    return True
