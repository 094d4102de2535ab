"""The desk's look-up for people without their badge: by name (simplified, traditional or
pinyin, through the registration search) or by exactly the last four digits of a phone.

Only four: the answer shows the masked phone, and when longer endings were accepted, adding
one guessed digit at a time and watching for a match gave the whole number away."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from summit.extensions import db
from summit.models import (
    Badge,
    PersonStatus,
    PressApplication,
    PressPerson,
    PressStatus,
    Registration,
    Summit,
    User,
)
from summit.models.checkin import Arrival
from summit.permissions import Permission, require
from summit.services.core.errors import ValidationFailed
from summit.services.core.validation import mask_phone
from summit.services.registration import lists as registration_lists
from summit.services.registration.submission import STATUS_LABELS

PHONE_DIGITS = re.compile(r"[0-9]{4}\Z")
# Phones' IMEs often type full-width digits; they mean the same.
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
LIMIT = 20


def look_up(actor: User, summit: Summit, query: str,
            permission: Permission = Permission.CHECKIN_SCAN) -> list[dict]:
    """At most 20 people; the phone shows masked (the desk checks the last digits with the
    person, it never reads the number out). The printing desk asks with its own
    ``permission``."""
    require(actor, permission, summit)
    query = " ".join((query or "").split()).translate(FULL_WIDTH_DIGITS)
    if len(query) > 100:
        raise ValidationFailed(_l("At most %(count)d characters.", count=100), "q")
    if not query:
        return []
    if any(c.isdigit() for c in query) and not PHONE_DIGITS.match(query):
        # Names have no digits; digits anywhere else would probe phones (or e-mail addresses
        # made of them) a digit at a time through the name search.
        raise ValidationFailed(_l("To find someone by phone, type exactly the last four "
                                  "digits of the number."), "q")
    if PHONE_DIGITS.match(query):
        statement = select(Registration).where(Registration.summit_id == summit.id,
                                               Registration.phone.endswith(query,
                                                                           autoescape=True))
    else:
        statement = registration_lists.search_query(summit, q=query)
    statement = statement.order_by(None).order_by(Registration.sort_key, Registration.id) \
        .options(db.joinedload(Registration.category), db.joinedload(Registration.delegation))
    people = list(db.session.scalars(statement.limit(LIMIT)).unique())
    press = [] if PHONE_DIGITS.match(query) else _press(summit, query, LIMIT - len(people))
    arrivals = {registration_id: (at, gate) for registration_id, at, gate in db.session.execute(
        select(Badge.registration_id, Arrival.arrived_at, Arrival.gate)
        .join(Badge, Arrival.badge_id == Badge.id)
        .where(Badge.registration_id.in_([p.id for p in people])))} if people else {}

    found = []
    for person in people:
        arrived = arrivals.get(person.id)
        found.append({
            "id": person.id, "name": person.name, "name_native": person.name_native,
            "pinyin": person.name_pinyin, "organisation": person.organisation_name,
            "category": person.category.label_zh,
            "delegation": person.delegation.name if person.delegation else "",
            "phone": mask_phone(person.phone), "status": person.status.value,
            "status_label": str(STATUS_LABELS[person.status]),
            "arrived_at": arrived[0].isoformat() if arrived else None,
            "arrived_gate": arrived[1] if arrived else None,
        })
    return found + press


def _press(summit: Summit, query: str, limit: int) -> list[dict]:
    """Accredited journalists by name, native name, pinyin (any case, spaces or not) or
    outlet; they have no registration, so the desk checks them in by ``press_person_id``."""
    if limit <= 0:
        return []
    needle = query.lower()
    squeezed = needle.replace(" ", "")
    rows = db.session.execute(
        select(PressPerson, PressApplication.outlet_name, Arrival.arrived_at, Arrival.gate)
        .join(PressApplication, PressPerson.application_id == PressApplication.id)
        .outerjoin(Badge, Badge.press_person_id == PressPerson.id)
        .outerjoin(Arrival, Arrival.badge_id == Badge.id)
        .where(PressApplication.summit_id == summit.id,
               PressApplication.status == PressStatus.APPROVED,
               PressPerson.status == PersonStatus.APPROVED,
               or_(PressPerson.name.contains(query, autoescape=True),
                   PressPerson.name_native.contains(query, autoescape=True),
                   func.replace(func.lower(PressPerson.name_pinyin), " ", "").contains(
                       squeezed, autoescape=True),
                   func.lower(PressApplication.outlet_name).contains(needle, autoescape=True)))
        .order_by(PressPerson.name_pinyin, PressPerson.id).limit(limit)).all()
    return [{"id": None, "press_person_id": person.id, "name": person.name,
             "name_native": person.name_native, "pinyin": person.name_pinyin,
             "organisation": outlet, "category": str(_l("Press")), "delegation": "",
             "phone": "", "status": "approved", "status_label": str(_l("Accredited media")),
             "arrived_at": arrived_at.isoformat() if arrived_at else None,
             "arrived_gate": gate}
            for person, outlet, arrived_at, gate in rows]
