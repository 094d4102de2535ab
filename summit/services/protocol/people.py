"""Leaders on the precedence list who are registered: finding a registration by name in any
script or pinyin (the registration list's search), adding it to the list, linking an entry to
it or unlinking. A registration is on a summit's list at most once."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import (
    HOLDS_PLACE,
    PrecedenceEntry,
    Registration,
    RegistrationStatus,
    Summit,
    User,
)
from summit.permissions import Permission, require
from summit.services.core import audit
from summit.services.core.errors import Conflict, ValidationFailed
from summit.services.protocol import precedence
from summit.services.registration import lists as registration_lists

MAX_RESULTS = 20
LIVE = HOLDS_PLACE + (RegistrationStatus.WAITLISTED,)


def find(actor: User, summit: Summit, q: str) -> list[Registration]:
    """Registrations still holding (or waiting for) a place whose name, in any script or in
    pinyin, or organisation matches ``q``; at most ``MAX_RESULTS``."""
    require(actor, Permission.PROTOCOL_WRITE, summit)
    if not q.strip():
        return []
    query = registration_lists.search_query(summit, q=q).where(Registration.status.in_(LIVE))
    return list(db.session.scalars(query.limit(MAX_RESULTS)))


def linked(summit: Summit) -> dict[int, PrecedenceEntry]:
    """Registration id -> its entry on the summit's list."""
    return {e.registration_id: e for e in precedence.ordered(summit)
            if e.registration_id is not None}


def _registration(summit: Summit, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.summit_id != summit.id:
        raise ValidationFailed(_l("That registration is not at this summit."),
                               "registration_id")
    return registration


def add_from(actor: User, summit: Summit, registration_id: int) -> PrecedenceEntry:
    """A new entry for a registered guest: name, organisation and position copied, linked."""
    require(actor, Permission.PROTOCOL_WRITE, summit)
    registration = _registration(summit, registration_id)
    return precedence.add_entry(actor, summit, precedence.EntryDetails(
        name=registration.name, name_native=registration.name_native,
        organisation=registration.organisation_name, title=registration.position,
        registration_id=registration.id))


def link(actor: User, entry: PrecedenceEntry, registration_id: int | None) -> None:
    """Link an entry to a registration (``None`` unlinks)."""
    summit = entry.summit
    require(actor, Permission.PROTOCOL_WRITE, summit)
    if registration_id is not None:
        _registration(summit, registration_id)
        other = linked(summit).get(registration_id)
        if other is not None and other.id != entry.id:
            raise Conflict(_l("This registration is already linked to %(name)s on the list.",
                              name=other.name), "registration_id")
    before = entry.registration_id
    entry.registration_id = registration_id
    audit.record(actor, "precedence.link", entry, summit=summit,
                 before={"registration_id": before}, after={"registration_id": registration_id})
    db.session.commit()
