"""The demo summit: the 2017 Kangding conference, loaded once however often it is seeded."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from summit.extensions import db
from summit.models import (
    AuditEntry,
    OrganisationKind,
    OrganisationRole,
    PrinterPool,
    Role,
    Summit,
    User,
)
from summit.services.accounts import users as accounts
from summit.services.checkin import gates as checkin_gates
from summit.services.demo import seed as demo
from summit.services.summits import settings as summits
from tests.support import factories

NOW = datetime(2027, 7, 1, 9, 0, tzinfo=UTC)
LATER = datetime(2027, 7, 2, 9, 0, tzinfo=UTC)
COUNTIES = ["康定市", "泸定县", "乡城县", "理塘县", "丹巴县", "甘孜县", "稻城县"]


pytestmark = pytest.mark.usefixtures("english")


def row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def names(summit: Summit, role: OrganisationRole) -> list[str]:
    return [organisation.name for organisation in summit.organisations_in(role)]


def test_seed_demo_creates_the_kangding_summit(app):
    demo.seed_demo(now=NOW)
    db.session.expire_all()

    summit = summits.get_by_slug("kangding-2017")
    assert summit.title_zh == "四川藏区电子商务精准扶贫发展大会"
    assert summit.theme_zh == "融合共享·创新发展"
    assert (summit.city, summit.timezone) == ("康定市", "Asia/Shanghai")
    assert (summit.starts_on, summit.ends_on) == (date(2017, 8, 3), date(2017, 8, 4))
    assert names(summit, OrganisationRole.HOST) == ["四川省商务厅"]
    assert names(summit, OrganisationRole.ORGANISER) == ["甘孜藏族自治州人民政府"]
    assert names(summit, OrganisationRole.SUPPORTER) == ["广东援川工作组", "四川省电子商务行业协会"]
    kinds = {link.organisation.name: link.organisation.kind for link in summit.organisations}
    assert kinds["四川省电子商务行业协会"] is OrganisationKind.ASSOCIATION
    assert kinds["四川省商务厅"] is OrganisationKind.GOVERNMENT


def test_seed_demo_creates_categories_zones_and_county_delegations(app):
    summit = demo.seed_demo(now=NOW)
    db.session.expire_all()

    assert [c.code for c in summit.categories] == [
        "guest", "delegate", "enterprise", "media", "staff"]
    by_code = {c.code: c for c in summit.categories}
    assert [z.code for z in by_code["media"].zones] == ["MAIN", "PRESS"]
    assert [z.code for z in by_code["staff"].zones] == ["BACK", "MAIN", "PRESS", "SALON", "VIP"]
    assert (by_code["delegate"].public, by_code["guest"].public) == (True, False)
    # Colour is never the only signal: every category has words in both languages.
    assert all(c.label_zh and c.label_en for c in summit.categories)
    assert sorted(d.county for d in summit.delegations) == sorted(COUNTIES)
    assert all(d.name == f"{d.county}代表团" for d in summit.delegations)
    kangding = next(d for d in summit.delegations if d.county == "康定市")
    assert (kangding.quota, kangding.registrar.email) == (15, "registrar@example.com")


def test_seed_demo_creates_one_user_per_role_who_can_log_in(app):
    summit = demo.seed_demo(now=NOW)

    logins = demo.demo_logins()
    assert sorted(role for role, _, _ in logins) == sorted(["admin", *(r.value for r in Role)])
    for role, email, password in logins:
        assert password == demo.DEMO_PASSWORD
        user = accounts.authenticate(email, password, "127.0.0.1", now=NOW)
        held = {m.role.value for m in user.memberships if m.summit_id == summit.id}
        if role == "admin":
            assert (user.is_admin, held) == (True, set())
        else:
            assert (user.is_admin, held) == (False, {role})


def test_seed_demo_audits_what_it_creates(app):
    summit = demo.seed_demo(now=NOW)

    actions = db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.at == NOW)).all()
    assert actions.count("summit.create") == 1
    assert actions.count("user.create") == len(demo.DEMO_USERS)
    assert actions.count("membership.grant") == len(Role)
    grants = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "membership.grant")).all()
    assert {entry.summit_id for entry in grants} == {summit.id}


def test_seeding_twice_changes_nothing(app):
    demo.seed_demo(now=NOW)
    first = row_counts()

    again = demo.seed_demo(now=LATER)

    assert again.slug == "kangding-2017"
    assert row_counts() == first
    assert first["users"] == len(demo.DEMO_USERS)
    assert first["summits"] == 1
    assert first["delegations"] == len(COUNTIES)
    assert first["attendee_categories"] == 5
    assert first["summit_organisations"] == 4
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))
                             .where(AuditEntry.at == LATER)) == 0


def test_seeding_fills_in_what_was_removed(app):
    summit = demo.seed_demo(now=NOW)
    complete = row_counts()
    media = next(c for c in summit.categories if c.code == "media")
    db.session.delete(media)
    db.session.commit()

    demo.seed_demo(now=LATER)

    assert row_counts() == complete
    db.session.expire_all()
    assert [c.code for c in summit.categories] == [
        "guest", "delegate", "enterprise", "media", "staff"]


def test_seeding_keeps_an_existing_account_as_it_is(app):
    existing = factories.make_user("organiser@example.com", name="张三")

    summit = demo.seed_demo(now=NOW)

    user = db.session.get(User, existing.id)
    assert user.name == "张三"
    assert accounts.authenticate("organiser@example.com", factories.PASSWORD, "127.0.0.1").id \
        == existing.id
    assert {m.role for m in user.memberships if m.summit_id == summit.id} == {Role.ORGANISER}


def test_the_demo_has_gates_for_the_scanner(app):
    demo.seed_demo(now=NOW)
    demo.seed_demo(now=LATER)

    assert checkin_gates.gate_names(summits.get_by_slug("kangding-2017")) == [
        "东门", "西门", "媒体通道"]


def test_the_demo_has_two_desks_with_printers_described(app):
    summit = demo.seed_demo()
    demo.seed_demo()  # again: nothing doubled
    desks = db.session.scalars(db.select(PrinterPool).where(
        PrinterPool.summit_id == summit.id).order_by(PrinterPool.name)).all()
    assert [(d.name, d.kiosk, len(d.printers)) for d in desks] == [
        ("报到处 A", False, 2), ("自助机 1", True, 1)]
