"""Press badges: one per accredited person (applicant and each crew member), drawn by the
shared badge renderer with the summit's press category, the outlet, the approved zones and the
person's photo. Tokens, revocation and check-in answers are the badges service's.

The press category is the summit's category whose code is ``Summit.press_category_code``
(default ``press``; organisers pick another in the summit's settings, the demo uses ``media``).
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    Badge,
    BadgeSize,
    PersonStatus,
    PressApplication,
    PressPerson,
    PressStatus,
    Summit,
    User,
)
from summit.services.badges import issuing as badges
from summit.services.badges.design import BadgeFace
from summit.services.core.errors import Conflict, NotFound
from summit.services.core.names import has_han
from summit.services.press import (
    access as press_access,
    files as press_files,
    labels as press_labels,
)


def press_category(summit: Summit) -> AttendeeCategory | None:
    return next((c for c in summit.categories if c.code == summit.press_category_code), None)


def require_press_category(summit: Summit) -> AttendeeCategory:
    category = press_category(summit)
    if category is None:
        raise Conflict(_l("The summit has no press category (code %(code)s): choose one in the "
                          "summit's settings before approving.", code=summit.press_category_code),
                       "press_category_code")
    return category


def accredited(person: PressPerson) -> bool:
    return person.status is PersonStatus.APPROVED and \
        person.application.status is PressStatus.APPROVED


def badge_of(person: PressPerson) -> Badge | None:
    return db.session.scalar(db.select(Badge).where(Badge.press_person_id == person.id))


def ensure_badge(person: PressPerson) -> Badge:
    """The person's badge, created on first need (the caller commits)."""
    badge = badge_of(person)
    if badge is None:
        badge = Badge(summit=person.application.summit, press_person=person,
                      ref=badges.new_ref())
        db.session.add(badge)
        db.session.flush()
    return badge


def revoke_all(application: PressApplication, reason: str, now: datetime | None = None) -> int:
    """Every badge of the application stops opening gates (the caller commits)."""
    now = now or utcnow()
    ids = [p.id for p in application.people]
    count = 0
    for badge in db.session.scalars(db.select(Badge).where(Badge.press_person_id.in_(ids))):
        if not badge.revoked:
            badge.revoked_at = now
            badge.revoked_reason = reason[:200]
            count += 1
    return count


def person_of(application: PressApplication, person_id: int | None) -> PressPerson:
    """The applicant when ``person_id`` is None; otherwise that person of the application."""
    if person_id is None:
        return application.people[0]
    for person in application.people:
        if person.id == person_id:
            return person
    raise NotFound(_l("This person is not part of the application."), "person")


def badge_for_download(actor: User | None, application: PressApplication,
                       person_id: int | None = None) -> Badge:
    press_access.require_view(actor, application)
    if not application.people:
        raise NotFound(_l("This person is not part of the application."), "person")
    person = person_of(application, person_id)
    if application.status is PressStatus.REVOKED:
        raise Conflict(_l("This accreditation has been revoked."), "status")
    if not accredited(person):
        raise Conflict(_l("Badges are printed for accredited people only; %(name)s is not "
                          "accredited.", name=person.name), "status")
    badge = ensure_badge(person)
    db.session.commit()
    if badge.revoked:
        raise Conflict(_l("This badge is revoked: %(reason)s", reason=badge.revoked_reason),
                       "status")
    return badge


def face_of(badge: Badge) -> BadgeFace:
    person = badge.press_person
    application = person.application
    summit = application.summit
    category = require_press_category(summit)
    template = badges.template_of(category)
    return BadgeFace(
        design=category.code, token=badges.token_for(badge), name=person.name,
        name_native=person.name_native,
        pinyin=person.name_pinyin if has_han(person.name) else "",
        organisation=application.outlet_name, position=press_labels.ROLE_WORDS[person.role],
        # The category in words (as for every badge), never only its colour.
        title=template.title_zh or category.label_zh,
        title_en=template.title_en or category.label_en,
        zones=tuple((z.code, z.label_zh) for z in application.approved_zones),
        footer=template.footer or summit.title_zh,
        photo=press_files.photo_data_uri(person.photo_token))


def render_badge(badge: Badge, size: BadgeSize = BadgeSize.A6) -> bytes:
    face = face_of(badge)
    category = require_press_category(badge.summit)
    return badges.render_faces([face], {face.design: badges.design_of(category)}, size)
