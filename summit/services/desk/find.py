"""Finding the person in front of the desk: by name in any script or pinyin, by the last four
digits of a phone (check-in's look-up), or by the entry code their phone shows (the badge's
signed token, scanned)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from summit.extensions import db
from summit.models import Badge, Registration, Summit, User
from summit.permissions import Permission, require
from summit.services.badges import issuing as badges
from summit.services.checkin import lookup
from summit.services.core.errors import ValidationFailed

# An entry code is the badge token: base64url parts joined by dots, far longer than a name.
TOKEN_MIN_LENGTH = 40


def looks_like_token(query: str) -> bool:
    query = query.strip()
    return len(query) >= TOKEN_MIN_LENGTH and "." in query and " " not in query


def by_entry_code(actor: User, summit: Summit, token: str) -> Registration:
    """The registration whose badge the scanned code names; refused when the code is not a
    current badge of this summit (an old print of a reissued badge included)."""
    require(actor, Permission.DESK_PRINT, summit)
    check = badges.check_token(summit, token.strip())
    if check.result in ("invalid", "wrong_summit") or check.badge is None \
            or check.badge.registration is None:
        raise ValidationFailed(_l("This entry code is not one of this summit's badges."), "q")
    if check.result == "revoked":
        raise ValidationFailed(_l("This entry code has been replaced or revoked: ask at the "
                                  "desk."), "q")
    return check.badge.registration


def find(actor: User, summit: Summit, query: str) -> list[dict]:
    """The people matching ``query``, each with whether their badge was printed."""
    require(actor, Permission.DESK_PRINT, summit)
    if looks_like_token(query):
        person = by_entry_code(actor, summit, query)
        query = person.name
        found = [p for p in lookup.look_up(actor, summit, query, Permission.DESK_PRINT)
                 if p["id"] == person.id]
    else:
        found = lookup.look_up(actor, summit, query, Permission.DESK_PRINT)
    # The check-in look-up also finds accredited journalists (no registration: their badges
    # are printed by the press office); the desk prints registrations only.
    found = [p for p in found if p["id"] is not None]
    printed = dict(db.session.execute(select(Badge.registration_id, Badge.printed_at).where(
        Badge.registration_id.in_([p["id"] for p in found]))).all()) if found else {}
    for person in found:
        at = printed.get(person["id"])
        person["printed_at"] = at.isoformat() if at else None
    return found
