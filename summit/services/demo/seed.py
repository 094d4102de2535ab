"""The demo summit: the 2017 Kangding e-commerce conference from ``shared/seed``.

``seed_demo`` only adds what is missing, so running it twice changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    AgendaItem,
    AgendaItemStatus,
    AttendeeCategory,
    BadgeSize,
    Delegation,
    Gate,
    IdDocumentType,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationRole,
    Printer,
    PrinterPool,
    Registration,
    RegistrationStatus,
    Role,
    SeatBooking,
    Summit,
    SummitOrganisation,
    User,
    Zone,
)
from summit.services.accounts import users as accounts
from summit.services.bookings import booking as bookings
from summit.services.core import audit, names
from summit.services.core.errors import DomainError
from summit.services.demo import agenda as agenda_demo, press as demo_press
from summit.services.demo.agreements import seed_agreements
from summit.services.demo.protocol import seed_protocol
from summit.services.demo.reception import VEHICLES, seed_reception

DEMO_SLUG = "kangding-2017"
DEMO_PASSWORD = "summit-demo-2017"


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: Role | None  # None: global administrator
    delegation: str | None = None


DEMO_USERS = (
    DemoUser("admin@example.com", "系统管理员", None),
    DemoUser("organiser@example.com", "甘孜州商务局 会务组", Role.ORGANISER),
    DemoUser("registrar@example.com", "康定市 联络员", Role.REGISTRAR, "康定市代表团"),
    DemoUser("delegate@example.com", "泽仁拉姆", Role.DELEGATE),
    DemoUser("press@example.com", "四川电视台 记者", Role.PRESS),
    DemoUser("media@example.com", "宣传部 媒体审核", Role.MEDIA_OFFICER),
    DemoUser("agreements@example.com", "招商局 协议专员", Role.AGREEMENTS_OFFICER),
    DemoUser("official@example.com", "州政府 领导", Role.OFFICIAL),
    DemoUser("checkin@example.com", "签到台 工作人员", Role.CHECKIN_STAFF),
    DemoUser("desk@example.com", "报到处 工作人员", Role.DESK_STAFF),
    DemoUser("reception@example.com", "接待组 工作人员", Role.RECEPTION_STAFF),
    DemoUser("privacy@example.com", "个人信息保护 负责人", Role.PRIVACY_OFFICER),
    DemoUser("protocol@example.com", "州政府办 礼宾专员", Role.PROTOCOL_OFFICER),
)

ORGANISATIONS = (
    (OrganisationRole.HOST, "四川省商务厅", OrganisationKind.GOVERNMENT),
    (OrganisationRole.ORGANISER, "甘孜藏族自治州人民政府", OrganisationKind.GOVERNMENT),
    (OrganisationRole.SUPPORTER, "广东援川工作组", OrganisationKind.GOVERNMENT),
    (OrganisationRole.SUPPORTER, "四川省电子商务行业协会", OrganisationKind.ASSOCIATION),
)

ZONES = (
    ("MAIN", "主会场", "Main hall"),
    ("SALON", "电商沙龙", "E-commerce salon"),
    ("VIP", "贵宾室", "VIP lounge"),
    ("PRESS", "媒体区", "Press area"),
    ("BACK", "工作区", "Back office"),
)

CATEGORIES = (
    ("guest", "嘉宾", "Guest", "#b42318", False, ("MAIN", "SALON", "VIP")),
    ("delegate", "代表", "Delegate", "#1f5fbf", True, ("MAIN", "SALON")),
    ("enterprise", "企业", "Enterprise", "#2e7d32", True, ("MAIN", "SALON")),
    ("media", "媒体", "Media", "#b54708", False, ("MAIN", "PRESS")),
    ("staff", "工作人员", "Staff", "#475467", False, ("MAIN", "SALON", "VIP", "PRESS", "BACK")),
)

# Counties of Ganzi the report names, each with its delegation.
DELEGATIONS = (
    ("康定市代表团", "康定市", 15),
    ("泸定县代表团", "泸定县", 10),
    ("乡城县代表团", "乡城县", 10),
    ("理塘县代表团", "理塘县", 10),
    ("丹巴县代表团", "丹巴县", 10),
    ("甘孜县代表团", "甘孜县", 10),
    ("稻城县代表团", "稻城县", 10),
)


def _summit(now: datetime) -> Summit:
    summit = db.session.scalar(db.select(Summit).where(Summit.slug == DEMO_SLUG))
    if summit is not None:
        return summit
    summit = Summit(
        slug=DEMO_SLUG,
        title_zh="四川藏区电子商务精准扶贫发展大会",
        title_en="Sichuan Tibetan Areas E-commerce Poverty Alleviation Conference",
        theme_zh="融合共享·创新发展",
        theme_en="Integration and Sharing · Innovation and Development",
        description_zh=("加强四川藏区电子商务行业交流合作，整合民族地区电子商务产业链资源，"
                        "破解发展瓶颈，推动区域电子商务产业升级发展。"),
        description_en=("Bringing together the e-commerce trade of Sichuan's Tibetan areas to "
                        "share experience, remove bottlenecks and upgrade the regional industry."),
        city="康定市",
        venue="跑马山下",
        timezone="Asia/Shanghai",
        starts_on=date(2017, 8, 3),
        # The conference day, then the second day of the programme (see demo/agenda.py).
        ends_on=date(2017, 8, 4),
        created_at=now,
    )
    db.session.add(summit)
    db.session.flush()
    audit.record(None, "summit.create", summit, summit=summit, now=now,
                 after={"slug": DEMO_SLUG, "source": "seed-demo"})
    return summit


def _organisations(summit: Summit) -> None:
    for position, (role, name, kind) in enumerate(ORGANISATIONS):
        organisation = db.session.scalar(db.select(Organisation).where(Organisation.name == name))
        if organisation is None:
            organisation = Organisation(name=name, kind=kind)
            db.session.add(organisation)
        if not any(link.organisation is organisation and link.role is role
                   for link in summit.organisations):
            summit.organisations.append(
                SummitOrganisation(organisation=organisation, role=role, position=position))


def _zones_and_categories(summit: Summit) -> None:
    zones = {zone.code: zone for zone in summit.zones}
    for code, label_zh, label_en in ZONES:
        if code not in zones:
            zones[code] = Zone(code=code, label_zh=label_zh, label_en=label_en)
            summit.zones.append(zones[code])
    existing = {category.code for category in summit.categories}
    for position, (code, label_zh, label_en, colour, public, zone_codes) in enumerate(CATEGORIES):
        if code not in existing:
            summit.categories.append(AttendeeCategory(
                code=code, label_zh=label_zh, label_en=label_en, colour=colour, public=public,
                position=position, zones=[zones[c] for c in zone_codes],
                # Guests enter the VIP zone: the form says why it asks their ID number.
                id_required=code == "guest",
                id_reason="安保部门在贵宾区入口核验身份证件" if code == "guest" else ""))
    if not summit.registrar_aide_category_code:
        # Registrars may bring one aide per member, on a staff badge (the desks page).
        summit.registrar_aides, summit.registrar_aide_category_code = 1, "staff"


def _delegations(summit: Summit) -> dict[str, Delegation]:
    by_name = {delegation.name: delegation for delegation in summit.delegations}
    for name, county, quota in DELEGATIONS:
        if name not in by_name:
            by_name[name] = Delegation(name=name, county=county, quota=quota)
            summit.delegations.append(by_name[name])
    return by_name


def _users(summit: Summit, delegations: dict[str, Delegation], now: datetime) -> None:
    for demo in DEMO_USERS:
        user = accounts.find_user(demo.email)
        if user is None:
            user = accounts.create_user(demo.email, demo.name, DEMO_PASSWORD, verified=True,
                                        is_admin=demo.role is None, now=now)
            db.session.flush()
        if demo.role is not None and not any(
                m.summit_id == summit.id and m.role is demo.role for m in user.memberships):
            membership = Membership(user=user, summit=summit, role=demo.role)
            db.session.add(membership)
            db.session.flush()
            audit.record(None, "membership.grant", membership, summit=summit, now=now,
                         after={"user": user.email, "role": demo.role.value})
        if demo.delegation and delegations[demo.delegation].registrar is None:
            delegations[demo.delegation].registrar = user


# (name, native name, category, delegation, organisation, position, email, status, account)
PEOPLE = (
    ("趙波", "", "guest", None, "广东援川工作组", "组长", "zhao.bo@example.com", "approved", None),
    ("泽仁拉姆", "ཚེ་རིང་ལྷ་མོ", "delegate", "康定市代表团", "康定市商务局", "科长",
     "delegate@example.com", "approved", "delegate@example.com"),
    ("扎西德勒", "བཀྲ་ཤིས་བདེ་ལེགས", "enterprise", None, "理塘县电子商务服务中心", "主任",
     "zhaxi@example.com", "approved", None),
    ("李明", "", "delegate", "康定市代表团", "康定市人民政府", "副市长", "li.ming@example.com",
     "approved", None),
    ("Anna Schmidt", "", "guest", None, "Example Trade GmbH", "Director",
     "anna@example.com", "approved", None),
    ("王芳", "", "enterprise", None, "四川省电子商务行业协会", "秘书长", "wang.fang@example.com",
     "pending", None),
    ("陈建国", "", "delegate", "泸定县代表团", "泸定县商务局", "局长", "chen.jg@example.com",
     "pending", None),
)


# Resident ID numbers (made up, valid check digits): sealed in the database, masked on
# pages and in logs (docs/privacy.md); the privacy tests look for them in dumps and logs.
DEMO_ID_NUMBERS = {"zhao.bo@example.com": "51330019700101123X",
                   "zhaxi@example.com": "513322197503152348",
                   "li.ming@example.com": "513301198005203459",
                   "delegate@example.com": "510122196811054565"}


def _people(summit: Summit, delegations: dict[str, Delegation], now: datetime) -> None:
    """A few registrations, approved and pending, in every script badges must print."""
    known = {r.email for r in db.session.scalars(
        select(Registration).where(Registration.summit_id == summit.id))}
    categories = {c.code: c for c in summit.categories}
    for (name, native, category, delegation, organisation, position, email, status,
         account) in PEOPLE:
        if email in known:
            continue
        pinyin = names.pinyin_name(name, no_surname=names.has_tibetan(native))
        db.session.add(Registration(
            summit=summit, category=categories[category],
            delegation=delegations[delegation] if delegation else None,
            user=accounts.find_user(account) if account else None,
            name=name, name_native=native, name_pinyin=pinyin,
            search_key=names.search_key(name, native, pinyin)[:1000],
            sort_key=names.sort_key(name, pinyin)[:100], organisation_name=organisation,
            position=position, email=email, phone="13800138000",
            id_type=IdDocumentType.RESIDENT_ID if email in DEMO_ID_NUMBERS else None,
            id_number=DEMO_ID_NUMBERS.get(email, ""),
            status=RegistrationStatus(status), created_at=now,
            decided_at=now if status == "approved" else None))


def personal_values() -> set[str]:
    """The demo's ID numbers, phones and email addresses: what no log may hold (the test run
    scans its logs for them, tests/support/logscan.py)."""
    values = {user.email for user in DEMO_USERS} | {person[6] for person in PEOPLE}
    values |= set(DEMO_ID_NUMBERS.values()) | {"13800138000"}
    return values | {vehicle[4] for vehicle in VEHICLES}


# Approved demo people who hold salon seats; delegate@example.com is left free to book.
SEAT_HOLDERS = ("zhao.bo@example.com", "zhaxi@example.com", "li.ming@example.com")


def _seat_bookings(summit: Summit, now: datetime) -> None:
    """A few bookings at the demo summit's bookable items (made by the agenda step, when
    there are any), booked by the organiser through the real service."""
    items = db.session.scalars(select(AgendaItem).where(
        AgendaItem.summit_id == summit.id, AgendaItem.bookable.is_(True),
        AgendaItem.capacity.is_not(None), AgendaItem.status == AgendaItemStatus.SCHEDULED)
        .order_by(AgendaItem.day, AgendaItem.start)).all()
    organiser = accounts.find_user("organiser@example.com")
    people = db.session.scalars(select(Registration).where(
        Registration.summit_id == summit.id, Registration.email.in_(SEAT_HOLDERS))
        .order_by(Registration.id)).all()
    for item in items:
        if db.session.scalar(select(SeatBooking.id).where(SeatBooking.item_id == item.id)
                             .limit(1)) is not None:
            continue  # booked before: running the demo again changes nothing
        for registration in people:
            try:
                bookings.book_seat(organiser, item, registration, now=now)
            except DomainError:
                db.session.rollback()  # e.g. an overlapping seat: leave that one out
# The gates check-in staff choose from on their phones (organisers add more, e.g. a
# salon's door once the programme has its salon).
GATES = ("东门", "西门", "媒体通道")


def _gates(summit: Summit) -> None:
    known = {g.name for g in db.session.scalars(select(Gate).where(Gate.summit_id == summit.id))}
    for position, name in enumerate(GATES, start=1):
        if name not in known:
            db.session.add(Gate(summit_id=summit.id, name=name, position=position))


# Two desks with their printers described (IPP addresses on the venue's network; nothing
# needs to answer there for the demo: without a printer, badges download as PDF). Desk A
# registers walk-ins as delegates and approves them; the kiosk prints from entry codes.
DESKS = (
    ("报到处 A", False, True, (("A6 标签打印机", "ipp://192.168.10.21:631/ipp/print", BadgeSize.A6),
                             ("备用 A4 打印机", "ipp://192.168.10.22:631/ipp/print",
                              BadgeSize.A4_SHEET))),
    ("自助机 1", True, False, (("证卡打印机", "ipps://192.168.10.31:631/ipp/print",
                               BadgeSize.CR80),)),
)


def _desks(summit: Summit) -> None:
    known = set(db.session.scalars(select(PrinterPool.name).where(
        PrinterPool.summit_id == summit.id)))
    delegate = next((c for c in summit.categories if c.code == "delegate"), None)
    for name, kiosk, walk_ins, printers in DESKS:
        if name in known:
            continue
        pool = PrinterPool(summit=summit, name=name, kiosk=kiosk, walk_in_approve=walk_ins,
                           walk_in_category_ids=[delegate.id] if walk_ins and delegate else [])
        db.session.add(pool)
        for position, (printer, uri, paper) in enumerate(printers):
            db.session.add(Printer(summit=summit, pool=pool, name=printer, uri=uri,
                                   paper=paper, position=position))


def seed_demo(now: datetime | None = None) -> Summit:
    now = now or utcnow()
    summit = _summit(now)
    _organisations(summit)
    _zones_and_categories(summit)
    delegations = _delegations(summit)
    db.session.flush()
    _users(summit, delegations, now)
    _people(summit, delegations, now)

    demo_press.seed_press(summit, now)
    _gates(summit)
    _desks(summit)
    db.session.commit()

    agenda_demo.seed_programme(summit, now)
    _seat_bookings(summit, now)

    seed_agreements(summit)
    seed_reception(summit)
    seed_protocol(summit)
    return summit


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, email, password) for printing after the demo is loaded."""
    return [(demo.role.value if demo.role else "admin", demo.email, DEMO_PASSWORD)
            for demo in DEMO_USERS]


__all__ = ["DEMO_SLUG", "DEMO_PASSWORD", "seed_demo", "demo_logins", "User"]
