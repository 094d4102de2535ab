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
from summit.models import (
    HOLDS_PLACE,
    AttendeeCategory,
    Registration,
    RegistrationStatus,
    Summit,
    User,
)
from summit.permissions import Permission, can, require
from summit.services.core import audit
from summit.services.core.errors import Conflict, NotAllowed, ValidationFailed
from summit.services.desk import walkins
from summit.services.registration import submission
from summit.services.registration.submission import STATUS_LABELS
from summit.services.summits import settings as summits

ROLE_LABELS = {"aide": _l("Aide"), "driver": _l("Driver"), "interpreter": _l("Interpreter")}


def aides_of(principal: Registration) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(
        Registration.principal_id == principal.id).order_by(Registration.id)))


def registrar_category(summit: Summit) -> AttendeeCategory | None:
    """The category of aides a delegation's registrar adds (the organisers' choice)."""
    code = summit.registrar_aide_category_code
    return next((c for c in summit.categories if c.code == code), None) if code else None


def registrar_may_add(actor: User | None, principal: Registration) -> bool:
    """Whether ``actor`` adds aides to ``principal`` as its delegation's registrar: only
    when the organisers allow it (a number per principal and a category)."""
    delegation = principal.delegation
    return (actor is not None and getattr(actor, "id", None) is not None
            and delegation is not None and delegation.registrar_id == actor.id
            and principal.summit.registrar_aides > 0
            and registrar_category(principal.summit) is not None)


def set_registrar_limits(actor: User, summit: Summit, *, per_principal: int,
                         category: AttendeeCategory | None,
                         now: datetime | None = None) -> None:
    """Organisers let delegation registrars add up to ``per_principal`` aides to each of
    their members, in ``category`` (0: only staff add aides)."""
    require(actor, Permission.REGISTRATIONS_MANAGE, summit)
    if not 0 <= per_principal <= 10:
        raise ValidationFailed(_l("Give a number from 0 to 10."), "per_principal")
    if per_principal and (category is None or category.summit_id != summit.id):
        raise ValidationFailed(_l("Choose the category of the aides registrars add."),
                               "category")
    before = {"registrar_aides": summit.registrar_aides,
              "registrar_aide_category": summit.registrar_aide_category_code}
    summit.registrar_aides = per_principal
    summit.registrar_aide_category_code = category.code if category and per_principal else ""
    audit.record(actor, "summit.registrar_aides", summit, summit=summit, now=now,
                 before=before, after={"registrar_aides": summit.registrar_aides,
                                       "registrar_aide_category":
                                       summit.registrar_aide_category_code})
    db.session.commit()


def add_aide(actor: User, principal: Registration, *, name: str, role: str,
             category: AttendeeCategory | None, phone: str = "",
             now: datetime | None = None) -> Registration:
    """Staff add aides in any category; a delegation's registrar within the organisers'
    limits, always in the organisers' category."""
    summit = principal.summit
    staff = can(actor, Permission.REGISTRATIONS_MANAGE, summit)
    if not staff:
        delegation = principal.delegation
        if delegation is None or delegation.registrar_id != getattr(actor, "id", None):
            require(actor, Permission.REGISTRATIONS_MANAGE, summit)  # refused: not theirs
        if not registrar_may_add(actor, principal):
            raise NotAllowed(_l("The organisers have not let registrars add accompanying "
                                "persons: ask them."))
        category = registrar_category(summit)
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
    if not staff and submission.count_where(
            Registration.principal_id == principal.id,
            Registration.status.in_(HOLDS_PLACE + (RegistrationStatus.WAITLISTED,))
    ) >= summit.registrar_aides:
        db.session.rollback()
        raise Conflict(_l("%(name)s already brings %(count)d accompanying persons, as many as "
                          "the organisers allow.", name=principal.name,
                          count=summit.registrar_aides), "principal")
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
