"""Leaving kiosk mode (docs/desk.md): the kiosk's browser stays on its page until a member of
the summit's desk staff (or an organiser) signs in on it with their email and password. The
sign-in is throttled like the login page's, and audited."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import PrinterPool, Summit, User
from summit.permissions import Permission, can
from summit.services.accounts import users as accounts
from summit.services.core import audit
from summit.services.core.errors import NotAllowed


def sign_in_to_leave(summit: Summit, pool: PrinterPool, email: str, password: str,
                     address: str, now: datetime | None = None) -> User:
    """The staff member whose credentials take this browser out of kiosk mode; wrong ones,
    or someone who is not desk staff of the summit, are refused."""
    user = accounts.authenticate(email or "", password or "", address, now=now)
    if not can(user, Permission.DESK_PRINT, summit):
        raise NotAllowed(_l("Only the summit's desk staff or organisers can leave kiosk "
                            "mode."), "email")
    audit.record(user, "desk.kiosk_exit", pool, summit=summit, now=now,
                 after={"name": pool.name})
    db.session.commit()
    return user
