"""Holders as a gate's screen shows them: name, category, zones and, for press badges, the
outlet and the photo (served to check-in staff of the badge's summit only). No phone, no ID
number, no email.

``holder_json`` is the one place a holder's JSON is built: from the ORM on the portable path
(``holder_of``), and from the statement's row on the fast path (``holder_of_row``).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import url_for
from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import AttendeeCategory, Badge, PressPerson, Summit
from summit.services.core.errors import NotFound
from summit.services.press import badges as press_badges, files as press_files


def holder_json(*, name: str, name_native: str | None, pinyin: str | None,
                organisation: str | None, category: dict | None,
                zones: Iterable[tuple[str, str]], photo_url: str | None,
                outlet: str | None = None) -> dict:
    holder = {"name": name, "name_native": name_native or "", "pinyin": pinyin or "",
              "organisation": organisation or "", "category": category,
              "zones": [{"code": code, "label": label} for code, label in zones],
              "photo_url": photo_url}
    if outlet is not None:
        holder["outlet"] = outlet
    return holder


def category_json(code: str, label_zh: str, label_en: str, colour: str) -> dict:
    return {"code": code, "label": label_zh, "label_en": label_en, "colour": colour}


def _category(category: AttendeeCategory | None) -> dict | None:
    if category is None:
        return None
    return category_json(category.code, category.label_zh, category.label_en, category.colour)


def photo_url(slug: str, badge_id: int) -> str:
    return url_for("checkin.holder_photo", slug=slug, badge_id=badge_id)


def holder_of(badge: Badge) -> dict:
    """The holder of a registration's or a press person's badge."""
    person = badge.press_person
    if person is not None:
        application = person.application
        return holder_json(
            name=person.name, name_native=person.name_native, pinyin=person.name_pinyin,
            organisation=application.outlet_name,
            category=_category(press_badges.press_category(application.summit)),
            zones=[(z.code, z.label_zh) for z in application.approved_zones],
            photo_url=photo_url(badge.summit.slug, badge.id) if person.photo_token else None,
            outlet=application.outlet_name)
    registration = badge.registration
    category = registration.category
    return holder_json(
        name=registration.name, name_native=registration.name_native,
        pinyin=registration.name_pinyin, organisation=registration.organisation_name,
        category=_category(category), zones=[(z.code, z.label_zh) for z in category.zones],
        photo_url=None)


def holder_of_row(row, photo_url: Callable[[int], str]) -> dict | None:
    """The holder of the fast path's statement row (``fastpath.statement.Row``)."""
    if row.badge_id is None or row.name is None:
        return None
    category = category_json(row.code, row.label_zh, row.label_en, row.colour) \
        if row.code is not None else None
    press = row.press_person_id is not None
    return holder_json(
        name=row.name, name_native=row.native, pinyin=row.pinyin,
        organisation=row.organisation, category=category,
        zones=zip(row.zone_codes or (), row.zone_labels or (), strict=True),
        photo_url=photo_url(row.badge_id) if row.photo_token else None,
        outlet=(row.organisation or "") if press else None)


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
