"""Objects for tests, with sensible defaults. Each commits, like a finished use case."""
from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time

from summit.extensions import db
from summit.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaParticipant,
    AgreementKind,
    AttendeeCategory,
    Membership,
    ParticipantRole,
    PartySide,
    Role,
    Room,
    Summit,
    User,
    Zone,
)
from summit.services.accounts import users as accounts
from summit.services.agreements import signing as agreements
from summit.services.registration import review as registration_review, submission as registrations
from summit.services.registration.submission import RegistrationDetails

PASSWORD = "correct-horse-9"
_counter = itertools.count(1)


def make_user(email: str | None = None, *, name: str = "赵波", password: str = PASSWORD,
              admin: bool = False, verified: bool = True, locale: str | None = None) -> User:
    email = email or f"user{next(_counter)}@example.com"
    user = accounts.create_user(email, name, password, verified=verified, is_admin=admin,
                                locale=locale)
    db.session.commit()
    return user


def make_summit(slug: str | None = None, *, organiser: User | None = None, **overrides) -> Summit:
    values = dict(slug=slug or f"summit-{next(_counter)}", title_zh="测试峰会",
                  title_en="Test Summit", theme_zh="融合共享", city="康定", venue="会议中心",
                  starts_on=date(2027, 8, 3), ends_on=date(2027, 8, 4))
    values.update(overrides)
    summit = Summit(**values)
    db.session.add(summit)
    if organiser is not None:
        summit.memberships.append(Membership(user=organiser, role=Role.ORGANISER))
    db.session.commit()
    return summit


def grant(user: User, summit: Summit, role: Role) -> Membership:
    membership = Membership(user=user, summit=summit, role=role)
    db.session.add(membership)
    db.session.commit()
    return membership


def make_zone(summit: Summit, code: str = "MAIN", label_zh: str = "主会场") -> Zone:
    zone = Zone(summit=summit, code=code, label_zh=label_zh, label_en=code.title())
    db.session.add(zone)
    db.session.commit()
    return zone


def make_category(summit: Summit, code: str = "delegate", label_zh: str = "代表",
                  zones: list[Zone] | None = None, public: bool = True) -> AttendeeCategory:
    category = AttendeeCategory(summit=summit, code=code, label_zh=label_zh,
                                label_en=code.title(), colour="#1f5fbf", public=public,
                                zones=list(zones or []))
    db.session.add(category)
    db.session.commit()
    return category


def make_registration(summit: Summit, name: str = "赵波", email: str | None = None, *,
                      category: str = "delegate", approve_as: User | None = None,
                      phone: str = "13900001111"):
    """A registration through the real service (pinyin, search keys), approved when
    ``approve_as`` is given."""
    registration = registrations.register_delegate(summit, RegistrationDetails(
        name=name, email=email or f"person{next(_counter)}@example.com", category=category,
        organisation_name="丹巴县人民政府", position="县长", phone=phone, locale="en"),
        notify=False)
    if approve_as is not None:
        registration_review.approve_registration(approve_as, registration)
    return registration


def make_member(summit: Summit, role: Role, email: str | None = None, *,
                name: str = "赵波") -> User:
    """An account holding ``role`` at ``summit``."""
    user = make_user(email, name=name)
    grant(user, summit, role)
    return user


def make_room(summit: Summit, name_zh: str = "主会场", name_en: str = "Main hall",
              capacity: int = 300, position: int = 0):

    room = Room(summit=summit, name_zh=name_zh, name_en=name_en, capacity=capacity,
                position=position)
    db.session.add(room)
    db.session.commit()
    return room


def make_item(summit: Summit, start: str = "09:00", end: str = "09:30", *, room=None,
              day: date | None = None, title_zh: str = "欢迎致辞", title_en: str = "Welcome",
              kind: str = "address", participants=(), **values):
    """A draft agenda item; ``participants`` are (role, registration or guest name) pairs."""
    item = AgendaItem(summit=summit, day=day or summit.starts_on,
                      start=time.fromisoformat(start), end=time.fromisoformat(end), room=room,
                      kind=AgendaItemKind(kind), title_zh=title_zh, title_en=title_en, **values)
    for position, (role, who) in enumerate(participants):
        if isinstance(who, str):
            item.participants.append(AgendaParticipant(role=ParticipantRole(role),
                                                       guest_name=who, position=position))
        else:
            item.participants.append(AgendaParticipant(role=ParticipantRole(role),
                                                       registration=who, position=position))
    db.session.add(item)
    db.session.commit()
    return item
def make_agreement(summit: Summit, officer: User, title: str = "农村电商战略合作协议", *,
                   amount: str = "50000000.00", county: str = "康定市", sector: str = "农村电商",
                   signed_at=None, predecessor=None, **overrides):
    """An agreement through the real service, signed by the prefecture and a company."""
    now = overrides.pop("now", None) or datetime(2017, 8, 3, 4, 0, tzinfo=UTC)
    details = agreements.AgreementDetails(
        title=title, kind=overrides.pop("kind", AgreementKind.STRATEGIC), county=county,
        sector=sector, amount=amount,
        signed_at=signed_at or datetime(2017, 8, 3, 3, 0, tzinfo=UTC),
        parties=[
            agreements.PartyDetails(PartySide.A, "甘孜藏族自治州人民政府", "李兴文", "副州长"),
            agreements.PartyDetails(PartySide.B, "四川川藏云商科技有限公司", "王海", "董事长")],
        predecessor_id=predecessor.id if predecessor is not None else None, **overrides)
    return agreements.record_agreement(officer, summit, details, now=now)
