"""Holders as a gate's screen shows them, for press badges too: name, category, zones,
outlet and the photo (served to check-in staff of the badge's summit only)."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import Badge, PressPerson, Summit
from summit.services import press_badges, press_files
from summit.services.errors import NotFound


def photo_url(slug: str, badge_id: int) -> str:
    return url_for("checkin.holder_photo", slug=slug, badge_id=badge_id)


def press_holder(badge: Badge, slug: str) -> dict:
    """``press_badges.holder_of`` with the outlet named and the photo's address."""
    holder = press_badges.holder_of(badge)
    holder["outlet"] = badge.press_person.application.outlet_name
    holder["photo_url"] = photo_url(slug, badge.id) if badge.press_person.photo_token else None
    return holder


def photo_of(summit: Summit, badge_id: int) -> bytes:
    person = db.session.scalar(
        db.select(PressPerson).join(Badge, Badge.press_person_id == PressPerson.id)
        .where(Badge.id == badge_id, Badge.summit_id == summit.id))
    if person is None or not person.photo_token:
        raise NotFound(_l("This badge has no photo."))
    try:
        return press_files.load(person.photo_token)[0]
    except NotFound:
        raise NotFound(_l("This badge has no photo.")) from None
