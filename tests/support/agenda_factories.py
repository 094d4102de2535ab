"""Rooms, agenda items and many approved delegates for the salon-seat tests.

Made with the models directly rather than through the agenda services. Each commits.
"""
from __future__ import annotations

import hashlib
import itertools
import secrets
from datetime import date, time

from werkzeug.security import generate_password_hash

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    AgendaItem,
    AgendaItemKind,
    ApiToken,
    AttendeeCategory,
    Registration,
    RegistrationStatus,
    Room,
    Summit,
    User,
)
from summit.services.core import names
from tests.support.factories import PASSWORD

_counter = itertools.count(1)


def make_room(summit: Summit, name_zh: str = "沙龙厅", *, capacity: int = 60,
              name_en: str = "Salon hall") -> Room:
    room = Room(summit=summit, name_zh=name_zh, name_en=name_en, capacity=capacity)
    db.session.add(room)
    db.session.commit()
    return room


def make_agenda_item(summit: Summit, title_zh: str = "电子商务沙龙", *,
                     title_en: str = "E-commerce salon", day: date | None = None,
                     start: time = time(14, 0), end: time = time(15, 30),
                     room: Room | None = None, kind: AgendaItemKind = AgendaItemKind.SALON,
                     capacity: int | None = None, claim_window_hours: int = 12,
                     **overrides) -> AgendaItem:
    """A scheduled item; bookable when a capacity is given."""
    item = AgendaItem(summit=summit, title_zh=title_zh, title_en=title_en,
                      day=day or summit.starts_on, start=start, end=end, room=room, kind=kind,
                      bookable=capacity is not None, capacity=capacity,
                      claim_window_hours=claim_window_hours, **overrides)
    db.session.add(item)
    db.session.commit()
    return item


def category_of(summit: Summit, code: str = "delegate") -> AttendeeCategory:
    found = db.session.scalar(db.select(AttendeeCategory).where(
        AttendeeCategory.summit_id == summit.id, AttendeeCategory.code == code))
    if found is not None:
        return found
    category = AttendeeCategory(summit=summit, code=code, label_zh="代表", label_en="Delegate",
                                colour="#1f5fbf")
    db.session.add(category)
    db.session.commit()
    return category


def make_delegate(summit: Summit, name: str = "赵波", email: str | None = None, *,
                  status: RegistrationStatus = RegistrationStatus.APPROVED,
                  locale: str = "en") -> tuple[User, Registration]:
    """An account and its registration at the summit (approved unless told otherwise)."""
    email = email or f"delegate{next(_counter)}@example.com"
    user = User(email=email, name=name, password_hash=_password_hash(), locale=locale,
                email_verified_at=utcnow())
    registration = _registration(summit, category_of(summit), name, email, status, locale)
    registration.user = user
    db.session.add_all([user, registration])
    db.session.commit()
    return user, registration


_HASH: dict[str, str] = {}


def _password_hash() -> str:
    if "hash" not in _HASH:
        _HASH["hash"] = generate_password_hash(PASSWORD, "scrypt:1024:8:1")
    return _HASH["hash"]


def _registration(summit: Summit, category: AttendeeCategory, name: str, email: str,
                  status: RegistrationStatus, locale: str) -> Registration:
    pinyin = names.pinyin_name(name)
    return Registration(summit=summit, category=category, name=name, email=email,
                        name_pinyin=pinyin, search_key=names.search_key(name, "", pinyin),
                        sort_key=names.sort_key(name, pinyin), organisation_name="丹巴县商务局",
                        position="科员", phone="13900001111", status=status, locale=locale,
                        decided_at=utcnow())


def bulk_delegates_with_tokens(summit: Summit, count: int) -> list[tuple[int, str]]:
    """``count`` approved registrations, each with its own account and bearer token, written
    in three bulk INSERTs. Returns (registration id, raw token) pairs."""
    category = category_of(summit)
    now = utcnow()
    password_hash = _password_hash()
    start = next(_counter) * 100_000
    emails = [f"bulk{start + n}@example.com" for n in range(count)]
    db.session.execute(db.insert(User), [
        {"email": email, "name": f"代表{n}", "password_hash": password_hash, "locale": "en",
         "email_verified_at": now, "created_at": now, "is_admin": False, "active": True}
        for n, email in enumerate(emails)])
    user_ids = dict(db.session.execute(
        db.select(User.email, User.id).where(User.email.in_(emails))).all())
    raws = ["smt_" + secrets.token_urlsafe(32) for _ in emails]
    db.session.execute(db.insert(ApiToken), [
        {"user_id": user_ids[email], "token_hash": hashlib.sha256(raw.encode()).hexdigest(),
         "prefix": raw[:8], "created_at": now, "last_used_at": now}
        for email, raw in zip(emails, raws, strict=True)])
    db.session.execute(db.insert(Registration), [
        {"summit_id": summit.id, "category_id": category.id, "user_id": user_ids[email],
         "name": f"代表{n}", "name_pinyin": f"DAI Biao{n}", "search_key": f"代表{n}",
         "sort_key": f"daibiao{n:05d}", "email": email, "organisation_name": "甘孜州商务局",
         "position": "科员", "phone": "13900001111", "status": RegistrationStatus.APPROVED,
         "locale": "en", "created_at": now, "decided_at": now}
        for n, email in enumerate(emails)])
    db.session.commit()
    registration_ids = dict(db.session.execute(
        db.select(Registration.email, Registration.id).where(Registration.email.in_(emails))
    ).all())
    return [(registration_ids[email], raw) for email, raw in zip(emails, raws, strict=True)]
