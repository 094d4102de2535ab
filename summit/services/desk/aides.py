"""Accompanying persons (随行人员): aides, drivers and interpreters who come with a principal.
Each has a name and a badge of their own, in a category organisers choose (usually with fewer
zones); they count against the principal's delegation quota and are cancelled with the
principal (``registration.review.cancel_registration``). An aide brings no aide."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from summit.database import utcnow
from summit.extensions import db
from summit.models import HOLDS_PLACE, AttendeeCategory, Registration, RegistrationStatus, User
from summit.permissions import Permission, require
from summit.services.core import audit
from summit.services.core.errors import Conflict, ValidationFailed
from summit.services.desk import walkins
from summit.services.registration import submission
from summit.services.registration.submission import STATUS_LABELS
from summit.services.summits import settings as summits

ROLE_LABELS = {"aide": _l("Aide"), "driver": _l("Driver"), "interpreter": _l("Interpreter")}


def aides_of(principal: Registration) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(
        Registration.principal_id == principal.id).order_by(Registration.id)))


def add_aide(actor: User, principal: Registration, *, name: str, role: str,
             category: AttendeeCategory | None, phone: str = "",
             now: datetime | None = None) -> Registration:
    summit = principal.summit
    require(actor, Permission.REGISTRATIONS_MANAGE, summit)
    if principal.principal_id is not None:
        raise Conflict(_l("An aide cannot bring an aide of their own."), "principal")
    if principal.status not in HOLDS_PLACE:
        raise Conflict(_l("A registration that is %(status)s cannot bring anyone.",
                          status=STATUS_LABELS[principal.status]), "status")
    if role not in ROLE_LABELS:
        raise ValidationFailed(_l("Choose aide, driver or interpreter."), "role")
    if category is None or category.summit_id != summit.id:
        raise ValidationFailed(_l("Choose one of the summit's categories."), "category")
    name, organisation, phone = walkins.check_person(name, principal.organisation_name, phone)
    now = now or utcnow()
    summits.lock_summit(summit)
    delegation = principal.delegation
    if delegation is not None and submission.count_where(
            Registration.delegation_id == delegation.id,
            Registration.status.in_(HOLDS_PLACE + (RegistrationStatus.WAITLISTED,))
    ) >= delegation.quota:
        db.session.rollback()
        raise Conflict(_l("The delegation %(name)s has used all %(quota)d of its places.",
                          name=delegation.name, quota=delegation.quota), "delegation")
    aide = walkins.new_person(summit, category, name, organisation, phone, principal.status,
                              now, delegation=delegation, principal_id=principal.id,
                              aide_role=role, locale=principal.locale)
    audit.record(actor, "registration.add_aide", aide, summit=summit, now=now,
                 after={"name": name, "role": role, "principal": principal.id,
                        "category": category.code})
    db.session.commit()
    return aide
