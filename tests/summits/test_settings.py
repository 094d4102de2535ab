"""Summits: creation, editing, zones and attendee categories, and who may do each."""
from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    AuditEntry,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationRole,
    Role,
    Summit,
    Zone,
)
from summit.services.core.errors import Conflict, NotAllowed, ValidationFailed
from summit.services.summits import settings as summits
from summit.services.summits.settings import CategoryDetails, SummitDetails
from tests.support import factories

NOW = datetime(2027, 7, 1, 9, 0, tzinfo=UTC)
HOST = "四川省商务厅"
ORGANISER = "甘孜藏族自治州人民政府"
SUPPORTERS = ["四川省电子商务行业协会", "广东援川工作组"]  # not in sort order on purpose


pytestmark = pytest.mark.usefixtures("english")


def details(**overrides) -> SummitDetails:
    values = dict(slug="kangding-2027", title_zh="四川藏区电子商务发展大会",
                  title_en="E-commerce Conference", theme_zh="融合共享·创新发展",
                  city="康定市", venue="跑马山下", starts_on=date(2027, 8, 3),
                  ends_on=date(2027, 8, 4), hosts=[HOST], organisers=[ORGANISER],
                  supporters=list(SUPPORTERS))
    values.update(overrides)
    return SummitDetails(**values)


def names(summit: Summit, role: OrganisationRole) -> list[str]:
    return [organisation.name for organisation in summit.organisations_in(role)]


def entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def summit_count() -> int:
    return db.session.scalar(db.select(db.func.count(Summit.id)))


# --- create_summit ------------------------------------------------------------------------

def test_create_summit_stores_the_details_and_makes_the_creator_organiser(admin):
    summit = summits.create_summit(admin, details(timezone="Asia/Chongqing"), now=NOW)
    db.session.expire_all()

    stored = summits.get_by_slug("kangding-2027")
    assert stored.id == summit.id
    assert (stored.title_zh, stored.title_en, stored.city, stored.timezone) == (
        "四川藏区电子商务发展大会", "E-commerce Conference", "康定市", "Asia/Chongqing")
    assert (stored.starts_on, stored.ends_on) == (date(2027, 8, 3), date(2027, 8, 4))
    [membership] = stored.memberships
    assert (membership.user_id, membership.role, membership.granted_by_id) == (
        admin.id, Role.ORGANISER, admin.id)


def test_create_summit_keeps_organisations_by_role_in_the_order_given(admin):
    summit = summits.create_summit(admin, details(
        hosts=[HOST, " ", HOST], supporters=[*SUPPORTERS, f" {SUPPORTERS[0]} "]))
    db.session.expire_all()

    assert names(summit, OrganisationRole.HOST) == [HOST]
    assert names(summit, OrganisationRole.ORGANISER) == [ORGANISER]
    assert names(summit, OrganisationRole.SUPPORTER) == SUPPORTERS
    kinds = {o.name: o.kind for o in db.session.scalars(db.select(Organisation))}
    assert kinds == {HOST: OrganisationKind.GOVERNMENT, ORGANISER: OrganisationKind.GOVERNMENT,
                     SUPPORTERS[0]: OrganisationKind.OTHER,
                     SUPPORTERS[1]: OrganisationKind.OTHER}


def test_summits_share_organisations_by_name(admin):
    first = summits.create_summit(admin, details(slug="first"))
    second = summits.create_summit(admin, details(slug="second", hosts=[ORGANISER],
                                                  organisers=[HOST], supporters=[]))

    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 4
    assert names(first, OrganisationRole.HOST) == names(second, OrganisationRole.ORGANISER)


def test_create_summit_is_audited(admin):
    summit = summits.create_summit(admin, details(), now=NOW)

    [entry] = entries("summit.create")
    assert (entry.actor_id, entry.summit_id, entry.object_type, entry.object_id, entry.at) == (
        admin.id, summit.id, "summits", str(summit.id), NOW)
    assert entry.after["slug"] == "kangding-2027"
    assert entry.after["starts_on"] == "2027-08-03"
    assert entry.after["timezone"] == "Asia/Shanghai"
    assert entry.after["host"] == [HOST]
    assert entry.after["supporter"] == SUPPORTERS


def test_organisers_of_any_summit_may_create_one(summit, organiser):
    created = summits.create_summit(organiser, details())

    assert {(m.user_id, m.role) for m in created.memberships} == {(organiser.id, Role.ORGANISER)}


@pytest.mark.parametrize("role", [None, Role.DELEGATE, Role.OFFICIAL, Role.MEDIA_OFFICER])
def test_others_may_not_create_summits(summit, role):
    user = factories.make_user("someone@example.com")
    if role is not None:
        factories.grant(user, summit, role)

    with pytest.raises(NotAllowed):
        summits.create_summit(user, details())

    assert summit_count() == 1


@pytest.mark.parametrize("slug", ["Kangding", "kangding_2027", "-kangding", "kangding-",
                                  "", "a" * 65, "康定", "kangding 2027"])
def test_slugs_must_be_lower_case_words_and_hyphens(admin, slug):
    with pytest.raises(ValidationFailed) as error:
        summits.create_summit(admin, details(slug=slug))

    assert error.value.field == "slug"
    db.session.rollback()
    assert summit_count() == 0


def test_slug_limits_that_are_accepted(admin):
    summits.create_summit(admin, details(slug="a"))
    summits.create_summit(admin, details(slug="b" * 64))

    assert sorted(s.slug for s in summits.list_summits()) == ["a", "b" * 64]


def test_reserved_slug_is_refused(admin):
    with pytest.raises(Conflict) as error:
        summits.create_summit(admin, details(slug="new"))

    assert error.value.field == "slug"
    assert str(error.value) == "This address is reserved; choose another."


def test_duplicate_slug_is_a_conflict_on_slug(admin, summit):
    with pytest.raises(Conflict) as error:
        summits.create_summit(admin, details(slug="kangding-test"))

    assert error.value.field == "slug"
    assert str(error.value) == "Another summit already uses this address."
    db.session.rollback()
    assert summit_count() == 1


def test_a_summit_cannot_end_before_it_starts(admin):
    with pytest.raises(ValidationFailed) as error:
        summits.create_summit(admin, details(starts_on=date(2027, 8, 3),
                                             ends_on=date(2027, 8, 2)))

    assert error.value.field == "ends_on"
    db.session.rollback()
    one_day = summits.create_summit(admin, details(starts_on=date(2027, 8, 3),
                                                   ends_on=date(2027, 8, 3)))
    assert one_day.starts_on == one_day.ends_on


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "asia/shanghai", "", "../etc/passwd",
                                  "/etc/localtime"])
def test_unknown_time_zones_are_refused(admin, zone):
    with pytest.raises(ValidationFailed) as error:
        summits.create_summit(admin, details(timezone=zone))

    assert error.value.field == "timezone"
    assert str(error.value) == "Unknown time zone."
    db.session.rollback()
    assert summit_count() == 0


# --- update_summit ------------------------------------------------------------------------

def test_update_summit_audits_only_what_changed(admin):
    summit = summits.create_summit(admin, details())
    changed = dataclasses.replace(summits.details_of(summit), title_en="Kangding Conference",
                                  supporters=[SUPPORTERS[1]])

    summits.update_summit(admin, summit, changed, now=NOW)

    db.session.expire_all()
    assert summit.title_en == "Kangding Conference"
    assert names(summit, OrganisationRole.SUPPORTER) == [SUPPORTERS[1]]
    assert names(summit, OrganisationRole.HOST) == [HOST]
    [entry] = entries("summit.update")
    assert (entry.actor_id, entry.summit_id, entry.at) == (admin.id, summit.id, NOW)
    assert entry.before == {"title_en": "E-commerce Conference", "supporter": SUPPORTERS}
    assert entry.after == {"title_en": "Kangding Conference", "supporter": [SUPPORTERS[1]]}


def test_update_summit_without_changes_writes_no_audit_entry(admin):
    summit = summits.create_summit(admin, details())

    summits.update_summit(admin, summit, summits.details_of(summit))

    assert entries("summit.update") == []
    assert names(summit, OrganisationRole.SUPPORTER) == SUPPORTERS


def test_update_summit_applies_the_same_rules(admin, summit):
    mine = summits.create_summit(admin, details())

    with pytest.raises(Conflict) as error:
        summits.update_summit(admin, mine, details(slug="kangding-test"))
    assert error.value.field == "slug"
    with pytest.raises(ValidationFailed) as error:
        summits.update_summit(admin, mine, details(ends_on=date(2027, 8, 1)))
    assert error.value.field == "ends_on"

    db.session.expire_all()
    assert (mine.slug, mine.ends_on) == ("kangding-2027", date(2027, 8, 4))
    assert entries("summit.update") == []


def test_only_the_summits_organisers_may_update_it(summit, organiser):
    other = factories.make_summit("chengdu-2027")
    delegate = factories.make_user("delegate@example.com")
    factories.grant(delegate, summit, Role.DELEGATE)
    outsider = factories.make_user("outsider@example.com")
    factories.grant(outsider, other, Role.ORGANISER)
    wanted = dataclasses.replace(summits.details_of(summit), title_zh="改名")

    for user in (delegate, outsider):
        with pytest.raises(NotAllowed):
            summits.update_summit(user, summit, wanted)

    db.session.expire_all()
    assert summit.title_zh == "测试峰会"
    summits.update_summit(organiser, summit, wanted)
    assert summit.title_zh == "改名"


# --- zones --------------------------------------------------------------------------------

def test_add_zone_upper_cases_the_code_and_audits(summit, organiser):
    zone = summits.add_zone(organiser, summit, " vip ", " 贵宾室 ", "VIP lounge", now=NOW)

    assert (zone.code, zone.label_zh, zone.label_en) == ("VIP", "贵宾室", "VIP lounge")
    [entry] = entries("zone.create")
    assert (entry.summit_id, entry.object_type, entry.object_id, entry.at) == (
        summit.id, "zones", str(zone.id), NOW)
    assert entry.after == {"code": "VIP", "label_zh": "贵宾室", "label_en": "VIP lounge"}


def test_zone_codes_are_unique_per_summit(summit, organiser):
    summits.add_zone(organiser, summit, "MAIN", "主会场")

    with pytest.raises(Conflict) as error:
        summits.add_zone(organiser, summit, "main", "又一个")
    assert error.value.field == "code"

    other = factories.make_summit("chengdu-2027", organiser=organiser)
    summits.add_zone(organiser, other, "MAIN", "主会场")
    assert db.session.scalar(db.select(db.func.count(Zone.id))) == 2


@pytest.mark.parametrize("code", ["", "VIP LOUNGE", "A" * 17, "贵宾", "VIP!"])
def test_zone_codes_follow_the_pattern(summit, organiser, code):
    with pytest.raises(ValidationFailed) as error:
        summits.add_zone(organiser, summit, code, "区")

    assert error.value.field == "code"
    assert db.session.scalar(db.select(db.func.count(Zone.id))) == 0


def test_delete_zone_is_audited_and_unlinks_categories(summit, organiser):
    main = factories.make_zone(summit, "MAIN")
    vip = factories.make_zone(summit, "VIP", "贵宾室")
    category = factories.make_category(summit, "guest", zones=[main, vip])

    summits.delete_zone(organiser, vip, now=NOW)

    db.session.expire_all()
    assert [zone.code for zone in summit.zones] == ["MAIN"]
    assert [zone.code for zone in db.session.get(AttendeeCategory, category.id).zones] == ["MAIN"]
    [entry] = entries("zone.delete")
    assert entry.before == {"code": "VIP", "label_zh": "贵宾室", "label_en": "Vip"}
    assert entry.summit_id == summit.id


# --- attendee categories ------------------------------------------------------------------

@pytest.fixture
def zones(summit) -> None:
    for code in ("MAIN", "SALON", "VIP"):
        factories.make_zone(summit, code, code.lower())


def guest(**overrides) -> CategoryDetails:
    values = dict(code="guest", label_zh="嘉宾", label_en="Guest", colour="#B42318",
                  public=False, zone_codes=["VIP", "MAIN", "VIP"])
    values.update(overrides)
    return CategoryDetails(**values)


def test_add_category_stores_it_with_its_zones_and_audits(summit, organiser, zones):
    category = summits.add_category(organiser, summit, guest(code=" Guest "), now=NOW)
    db.session.expire_all()

    stored = db.session.get(AttendeeCategory, category.id)
    assert (stored.code, stored.label_zh, stored.colour, stored.public, stored.position) == (
        "guest", "嘉宾", "#b42318", False, 0)
    assert [zone.code for zone in stored.zones] == ["MAIN", "VIP"]
    [entry] = entries("category.create")
    assert (entry.summit_id, entry.object_id, entry.at) == (summit.id, str(category.id), NOW)
    assert entry.after == {"code": "guest", "label_zh": "嘉宾", "label_en": "Guest",
                           "colour": "#b42318", "public": False, "capacity": None,
                           "id_required": False, "id_reason": "",
                           "zones": ["MAIN", "VIP"]}


def test_categories_keep_the_order_they_were_added_in(summit, organiser, zones):
    for code in ("staff", "delegate", "media"):
        summits.add_category(organiser, summit, guest(code=code, zone_codes=[]))
    db.session.expire_all()

    assert [(c.code, c.position) for c in summit.categories] == [
        ("staff", 0), ("delegate", 1), ("media", 2)]


@pytest.mark.parametrize("code", ["", "guest list", "嘉宾", "a" * 33, "guest!"])
def test_category_codes_follow_the_pattern(summit, organiser, zones, code):
    with pytest.raises(ValidationFailed) as error:
        summits.add_category(organiser, summit, guest(code=code))

    assert error.value.field == "code"


def test_category_codes_are_unique_per_summit(summit, organiser, zones):
    summits.add_category(organiser, summit, guest())

    with pytest.raises(Conflict) as error:
        summits.add_category(organiser, summit, guest(code="GUEST", label_zh="另一个"))

    assert error.value.field == "code"
    db.session.rollback()
    assert [c.label_zh for c in summit.categories] == ["嘉宾"]


@pytest.mark.parametrize("colour", ["red", "#abc", "#12345g", "b42318", "#b423180"])
def test_category_colour_must_be_hex_rrggbb(summit, organiser, zones, colour):
    with pytest.raises(ValidationFailed) as error:
        summits.add_category(organiser, summit, guest(colour=colour))

    assert error.value.field == "colour"
    assert str(error.value) == "Give the colour as #RRGGBB."


def test_category_zones_must_exist_at_the_summit(summit, organiser, zones):
    other = factories.make_summit("chengdu-2027")
    factories.make_zone(other, "PRESS")

    with pytest.raises(ValidationFailed) as error:
        summits.add_category(organiser, summit, guest(zone_codes=["MAIN", "PRESS", "BACK"]))

    assert error.value.field == "zones"
    assert str(error.value) == "Unknown zones: PRESS, BACK"
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(AttendeeCategory.id))) == 0


def test_update_category_changes_it_and_audits_before_and_after(summit, organiser, zones):
    category = summits.add_category(organiser, summit, guest())

    summits.update_category(organiser, category, guest(
        label_en="Honoured guest", colour="#000000", zone_codes=["SALON"]), now=NOW)

    db.session.expire_all()
    stored = db.session.get(AttendeeCategory, category.id)
    assert (stored.label_en, stored.colour) == ("Honoured guest", "#000000")
    assert [zone.code for zone in stored.zones] == ["SALON"]
    [entry] = entries("category.update")
    assert entry.at == NOW
    assert entry.before["zones"] == ["MAIN", "VIP"]
    assert entry.after["zones"] == ["SALON"]
    assert (entry.before["colour"], entry.after["colour"]) == ("#b42318", "#000000")


def test_update_category_may_keep_its_code_but_not_take_anothers(summit, organiser, zones):
    first = summits.add_category(organiser, summit, guest())
    summits.add_category(organiser, summit, guest(code="media"))

    summits.update_category(organiser, first, guest(label_zh="贵宾"))
    with pytest.raises(Conflict) as error:
        summits.update_category(organiser, first, guest(code="media"))

    assert error.value.field == "code"
    db.session.expire_all()
    assert (first.code, first.label_zh) == ("guest", "贵宾")


def test_delete_category_is_audited(summit, organiser, zones):
    category = summits.add_category(organiser, summit, guest())
    category_id = category.id

    summits.delete_category(organiser, category, now=NOW)

    assert db.session.get(AttendeeCategory, category_id) is None
    assert db.session.scalar(db.select(db.func.count(Zone.id))) == 3  # zones stay
    [entry] = entries("category.delete")
    assert (entry.object_id, entry.summit_id, entry.at) == (str(category_id), summit.id, NOW)
    assert entry.before["code"] == "guest"
    assert entry.after is None


def test_non_organisers_may_not_change_zones_or_categories(summit, organiser, zones):
    category = factories.make_category(summit, "delegate")
    main = db.session.scalar(db.select(Zone).where(Zone.code == "MAIN"))
    other = factories.make_summit("chengdu-2027")
    outsider = factories.make_user("outsider@example.com")
    factories.grant(outsider, other, Role.ORGANISER)
    staff = factories.make_user("media@example.com")
    for role in (Role.MEDIA_OFFICER, Role.CHECKIN_STAFF, Role.OFFICIAL):
        factories.grant(staff, summit, role)
    audit_before = db.session.scalar(db.select(db.func.count(AuditEntry.id)))

    for user in (outsider, staff):
        attempts = [
            lambda user=user: summits.add_zone(user, summit, "PRESS", "媒体区"),
            lambda user=user: summits.delete_zone(user, main),
            lambda user=user: summits.add_category(user, summit, guest()),
            lambda user=user: summits.update_category(user, category, guest(code="delegate")),
            lambda user=user: summits.delete_category(user, category),
        ]
        for attempt in attempts:
            with pytest.raises(NotAllowed):
                attempt()

    db.session.expire_all()
    assert [zone.code for zone in summit.zones] == ["MAIN", "SALON", "VIP"]
    assert [(c.code, c.label_zh) for c in summit.categories] == [("delegate", "代表")]
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == audit_before
    assert db.session.scalar(db.select(db.func.count(Membership.id))) == 5
