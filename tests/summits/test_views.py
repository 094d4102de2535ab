"""Summit pages: creating and editing a summit, zones and categories, people and roles, the
audit log, and the public page."""
from __future__ import annotations

import html
import re
from datetime import date

import pytest

from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    AuditEntry,
    Membership,
    OrganisationRole,
    Role,
    Summit,
    Zone,
)
from summit.services.summits import settings as summit_service
from tests.support import factories
from tests.support.pages import field_errors, flashes, form_fields, location, text

# Pages: their HTML is the same on either database, and the services and API behind them
# run on both (tests/<area>/test_*.py); a page test runs once, on SQLite.
pytestmark = pytest.mark.sqlite_only

NEW_SUMMIT = {
    "slug": "litang-2028", "title_zh": "理塘电子商务大会",
    "title_en": "Litang E-commerce Conference", "theme_zh": "融合共享·创新发展",
    "theme_en": "Integration, sharing, innovation",
    "description_zh": "高原电商交流。", "description_en": "E-commerce on the plateau.",
    "city": "理塘", "venue": "理塘会议中心", "starts_on": "2028-07-01", "ends_on": "2028-07-02",
    "timezone": "Asia/Shanghai", "hosts": "四川省商务厅",
    "organisers": "甘孜州人民政府",
    "supporters": "广东省对口支援甘孜州工作组\n四川省电子商务协会",
}
AUDIT_ACTION = re.compile(r'<tr data-action="([a-z_.]+)">')
AUDIT_CHANGE = re.compile(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td></tr>')


def fresh(model, object_id):
    db.session.expire_all()
    return db.session.get(model, object_id)


def summit_by_slug(slug: str) -> Summit | None:
    db.session.expire_all()
    return db.session.scalar(db.select(Summit).where(Summit.slug == slug))


def organisation_names(summit: Summit) -> dict[str, list[str]]:
    return {role.value: [o.name for o in summit.organisations_in(role)]
            for role in OrganisationRole}


def audit_actions(page: str) -> list[str]:
    return AUDIT_ACTION.findall(page)


def audit_changes(page: str) -> list[tuple[str, str, str]]:
    """(field, before, after) of each change the page lists, in words."""
    return [tuple(html.unescape(cell) for cell in row) for row in AUDIT_CHANGE.findall(page)]


# --- creating and editing -----------------------------------------------------------------

def test_an_organiser_creates_a_summit(client, signed_in_organiser):
    page = client.get("/summits/new")
    assert page.status_code == 200
    assert form_fields(text(page))["timezone"].selected == ["Asia/Shanghai"]

    response = client.post("/summits/new", data=NEW_SUMMIT)

    assert response.status_code == 302
    assert location(response) == "/summits/litang-2028/categories"
    assert flashes(text(client.get(location(response)))) == [(
        "success", "The summit has been created. Add its zones and categories next.")]
    created = summit_by_slug("litang-2028")
    assert (created.title_zh, created.title_en, created.theme_zh, created.city, created.venue,
            created.starts_on, created.ends_on, created.timezone) == (
        "理塘电子商务大会", "Litang E-commerce Conference", "融合共享·创新发展", "理塘",
        "理塘会议中心", date(2028, 7, 1), date(2028, 7, 2), "Asia/Shanghai")
    assert organisation_names(created) == {
        "host": ["四川省商务厅"], "organiser": ["甘孜州人民政府"],
        "supporter": ["广东省对口支援甘孜州工作组", "四川省电子商务协会"]}
    assert [(m.user_id, m.role) for m in created.memberships] == [
        (signed_in_organiser.id, Role.ORGANISER)]
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "summit.create"))
    assert (entry.actor_id, entry.summit_id, entry.after["slug"]) == (
        signed_in_organiser.id, created.id, "litang-2028")


def test_an_organiser_edits_the_summit_and_the_form_shows_what_is_saved(
        client, signed_in_organiser, summit):
    summit_service.update_summit(signed_in_organiser, summit, summit_service.SummitDetails(
        slug=summit.slug, title_zh="测试峰会", starts_on=date(2027, 8, 3),
        ends_on=date(2027, 8, 4), hosts=["四川省商务厅"], supporters=["甲协会", "乙协会"]))

    fields = form_fields(text(client.get("/summits/kangding-test/edit")))

    assert fields["title_zh"].value == "测试峰会"
    assert fields["starts_on"].value == "2027-08-03"
    assert fields["hosts"].value == "四川省商务厅"
    assert fields["supporters"].value == "甲协会\n乙协会"

    response = client.post("/summits/kangding-test/edit", data={
        **NEW_SUMMIT, "slug": "kangding-test", "title_zh": "康定电商扶贫大会",
        "supporters": "乙协会\n甲协会\n乙协会", "ends_on": "2028-07-03"})

    assert location(response) == "/summits/kangding-test?view=public"
    assert flashes(text(client.get("/summits/kangding-test?view=public"))) == [
        ("success", "The summit has been saved.")]
    saved = summit_by_slug("kangding-test")
    assert (saved.title_zh, saved.ends_on) == ("康定电商扶贫大会", date(2028, 7, 3))
    assert organisation_names(saved)["supporter"] == ["乙协会", "甲协会"]
    entry = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "summit.update").order_by(AuditEntry.id.desc())).first()
    assert entry.before["title_zh"] == "测试峰会"
    assert entry.after["title_zh"] == "康定电商扶贫大会"


def test_an_end_before_the_start_is_shown_on_the_field_and_keeps_the_input(
        client, signed_in_organiser):
    response = client.post("/summits/new", data={
        **NEW_SUMMIT, "starts_on": "2028-07-05", "ends_on": "2028-07-01",
        "hosts": "四川省商务厅\n甘孜州商务局"})

    assert response.status_code == 200
    page = text(response)
    assert field_errors(page) == {"ends_on": ["The summit cannot end before it starts."]}
    fields = form_fields(page)
    assert fields["title_zh"].value == "理塘电子商务大会"
    assert fields["starts_on"].value == "2028-07-05"
    assert fields["ends_on"].value == "2028-07-01"
    assert fields["hosts"].value == "四川省商务厅\n甘孜州商务局"
    assert summit_by_slug("litang-2028") is None


def test_a_slug_already_in_use_is_refused_on_the_slug_field(client, signed_in_organiser, summit):
    response = client.post("/summits/new", data={**NEW_SUMMIT, "slug": "kangding-test"})

    assert response.status_code == 200
    page = text(response)
    assert field_errors(page) == {"slug": ["Another summit already uses this address."]}
    assert form_fields(page)["theme_en"].value == "Integration, sharing, innovation"
    assert db.session.scalar(db.select(db.func.count(Summit.id))) == 1


@pytest.mark.parametrize("changes, errors", [
    ({"slug": "Litang 2028"}, {"slug": ["Use lower-case letters, digits and hyphens only."]}),
    ({"slug": "new"}, {"slug": ["This address is reserved; choose another."]}),
    ({"starts_on": "2028/07/01"}, {"starts_on": ["Not a valid date value."]}),
    ({"ends_on": ""}, {"ends_on": ["This field is required."]}),
    ({"title_zh": ""}, {"title_zh": ["This field is required."]}),
    ({"timezone": "Mars/Olympus"}, {"timezone": ["Not a valid choice."]}),
])
def test_other_bad_input_is_shown_on_its_field(client, signed_in_organiser, changes, errors):
    response = client.post("/summits/new", data={**NEW_SUMMIT, **changes})

    assert response.status_code == 200
    assert field_errors(text(response)) == errors
    [(name, typed)] = changes.items()
    if name != "timezone":  # a select shows the choices, not what was sent
        assert form_fields(text(response))[name].value == typed
    assert summit_by_slug("litang-2028") is None


def test_editing_with_an_end_before_the_start_changes_nothing(client, signed_in_organiser, summit):
    response = client.post("/summits/kangding-test/edit", data={
        **NEW_SUMMIT, "slug": "kangding-test", "title_zh": "不应保存",
        "starts_on": "2027-08-04", "ends_on": "2027-08-03"})

    assert response.status_code == 200
    assert field_errors(text(response)) == {
        "ends_on": ["The summit cannot end before it starts."]}
    assert form_fields(text(response))["title_zh"].value == "不应保存"
    assert summit_by_slug("kangding-test").title_zh == "测试峰会"


# --- zones and categories -----------------------------------------------------------------

def test_zones_are_added_listed_and_deleted(client, signed_in_organiser, summit):
    added = client.post("/summits/kangding-test/zones", data={
        "zone-code": "main", "zone-label_zh": "主会场", "zone-label_en": "Main hall"})

    assert location(added) == "/summits/kangding-test/categories"
    page = text(client.get("/summits/kangding-test/categories"))
    assert flashes(page) == [("success", "Zone MAIN added.")]
    assert "<td><code>MAIN</code></td><td>主会场</td><td>Main hall</td>" in page
    zone = db.session.scalar(db.select(Zone).where(Zone.summit_id == summit.id))
    assert (zone.code, zone.label_zh, zone.label_en) == ("MAIN", "主会场", "Main hall")

    again = client.post("/summits/kangding-test/zones", data={
        "zone-code": "MAIN", "zone-label_zh": "又一个"})

    assert again.status_code == 422
    assert field_errors(text(again)) == {"zone-code": ["This summit already has a zone MAIN."]}
    assert form_fields(text(again))["zone-label_zh"].value == "又一个"

    deleted = client.post(f"/summits/kangding-test/zones/{zone.id}/delete")

    assert location(deleted) == "/summits/kangding-test/categories"
    assert flashes(text(client.get("/summits/kangding-test/categories"))) == [
        ("success", "Zone MAIN deleted.")]
    assert fresh(Zone, zone.id) is None


def test_categories_are_added_edited_and_deleted(client, signed_in_organiser, summit):
    main = factories.make_zone(summit, "MAIN", "主会场")
    factories.make_zone(summit, "PRESS", "媒体区")

    added = client.post("/summits/kangding-test/categories", data={
        "submit": "1", "code": "delegate", "label_zh": "代表", "label_en": "Delegate",
        "colour": "#1F5FBF", "public": "y", "zones": ["MAIN", "PRESS"]})

    assert location(added) == "/summits/kangding-test/categories"
    assert flashes(text(client.get("/summits/kangding-test/categories"))) == [
        ("success", "Category delegate added.")]
    category = db.session.scalar(db.select(AttendeeCategory).where(
        AttendeeCategory.summit_id == summit.id))
    assert (category.code, category.label_zh, category.colour, category.public,
            [z.code for z in category.zones]) == ("delegate", "代表", "#1f5fbf", True,
                                                  ["MAIN", "PRESS"])

    form = form_fields(text(client.get(
        f"/summits/kangding-test/categories/{category.id}/edit")))
    assert form["code"].value == "delegate"
    assert form["public"].checked is True
    assert form["zones"].selected == ["MAIN", "PRESS"]

    edited = client.post(f"/summits/kangding-test/categories/{category.id}/edit", data={
        "code": "delegate", "label_zh": "正式代表", "label_en": "Delegate",
        "colour": "#aa3300", "zones": ["MAIN"]})  # "public" unticked

    assert location(edited) == "/summits/kangding-test/categories"
    assert flashes(text(client.get("/summits/kangding-test/categories"))) == [
        ("success", "Category delegate saved.")]
    category = fresh(AttendeeCategory, category.id)
    assert (category.label_zh, category.colour, category.public,
            [z.code for z in category.zones]) == ("正式代表", "#aa3300", False, [main.code])

    deleted = client.post(f"/summits/kangding-test/categories/{category.id}/delete")

    assert location(deleted) == "/summits/kangding-test/categories"
    assert flashes(text(client.get("/summits/kangding-test/categories"))) == [
        ("success", "Category delegate deleted.")]
    assert fresh(AttendeeCategory, category.id) is None


def test_a_bad_category_is_shown_on_its_fields(client, signed_in_organiser, summit):
    factories.make_category(summit, "delegate")

    response = client.post("/summits/kangding-test/categories", data={
        "submit": "1", "code": "delegate", "label_zh": "重复", "colour": "#123456"})
    colour = client.post("/summits/kangding-test/categories", data={
        "submit": "1", "code": "guest", "label_zh": "嘉宾", "colour": "red"})

    assert response.status_code == 200
    assert field_errors(text(response)) == {
        "code": ["This summit already has a category delegate."]}
    assert form_fields(text(response))["label_zh"].value == "重复"
    assert field_errors(text(colour)) == {"colour": ["Give the colour as #RRGGBB."]}
    assert db.session.scalar(db.select(db.func.count(AttendeeCategory.id))) == 1


def test_a_category_or_zone_of_another_summit_is_not_found_here(client, signed_in_organiser,
                                                                summit):
    other = factories.make_summit("chengdu-2028")
    category = factories.make_category(other, "delegate")
    zone = factories.make_zone(other, "MAIN")

    assert client.get(f"/summits/kangding-test/categories/{category.id}/edit").status_code \
        == 404
    assert client.post(f"/summits/kangding-test/categories/{category.id}/delete").status_code \
        == 404
    assert client.post(f"/summits/kangding-test/zones/{zone.id}/delete").status_code == 404
    assert fresh(AttendeeCategory, category.id) is not None
    assert fresh(Zone, zone.id) is not None
    assert client.get("/summits/kangding-test/categories/999999/edit").status_code == 404


def test_an_unknown_summit_is_a_404_page(client, signed_in_organiser):
    for path in ("/summits/no-such-summit", "/summits/no-such-summit/edit",
                 "/summits/no-such-summit/categories", "/summits/Not_A_Slug"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in text(response)
    assert "There is no summit at this address." in text(client.get("/summits/no-such-summit"))


# --- people and roles ---------------------------------------------------------------------

def test_roles_are_granted_and_removed_on_the_people_page(client, signed_in_organiser, summit):
    official = factories.make_user("official@example.com", name="州领导")

    granted = client.post("/summits/kangding-test/people", data={
        "email": "Official@Example.com", "role": "official"})

    assert location(granted) == "/summits/kangding-test/people"
    page = text(client.get("/summits/kangding-test/people"))
    assert flashes(page) == [("success", "official@example.com is now Official.")]
    assert "<td>州领导</td><td>official@example.com</td><td>Official</td>" in page
    membership = db.session.scalar(db.select(Membership).where(
        Membership.user_id == official.id))
    assert (membership.summit_id, membership.role, membership.granted_by_id) == (
        summit.id, Role.OFFICIAL, signed_in_organiser.id)

    removed = client.post(f"/summits/kangding-test/people/{membership.id}/revoke")

    assert location(removed) == "/summits/kangding-test/people"
    page = text(client.get("/summits/kangding-test/people"))
    assert flashes(page) == [("success", "The role has been removed.")]
    assert "official@example.com" not in page
    assert fresh(Membership, membership.id) is None


def test_granting_to_an_unknown_email_is_shown_on_the_field(client, signed_in_organiser):
    response = client.post("/summits/kangding-test/people", data={
        "email": "stranger@example.com", "role": "press"})

    assert response.status_code == 200
    assert field_errors(text(response)) == {"email": [
        "No account uses this email address. Ask the person to sign up first."]}
    assert form_fields(text(response))["role"].selected == ["press"]


def test_the_last_organiser_cannot_be_removed(client, signed_in_organiser, summit):
    own = db.session.scalar(db.select(Membership).where(
        Membership.user_id == signed_in_organiser.id))

    response = client.post(f"/summits/kangding-test/people/{own.id}/revoke")

    assert location(response) == "/summits/kangding-test/people"
    assert flashes(text(client.get("/summits/kangding-test/people"))) == [(
        "error", "A summit needs at least one organiser. Add another organiser before "
                 "removing this one.")]
    assert fresh(Membership, own.id) is not None


def test_a_membership_of_another_summit_cannot_be_removed_here(client, signed_in_organiser):
    other = factories.make_summit("chengdu-2028")
    membership = factories.grant(factories.make_user("far@example.com"), other, Role.PRESS)

    response = client.post(f"/summits/kangding-test/people/{membership.id}/revoke")

    assert response.status_code == 404
    assert fresh(Membership, membership.id) is not None


# --- the audit log ------------------------------------------------------------------------

def test_the_summit_audit_page_lists_and_filters_entries(client, signed_in_organiser, summit):
    other = factories.make_summit("chengdu-2028", organiser=signed_in_organiser)
    summit_service.add_zone(signed_in_organiser, other, "ELSEWHERE", "别处")
    client.post("/summits/kangding-test/zones", data={"zone-code": "MAIN",
                                                      "zone-label_zh": "主会场"})
    client.post("/summits/kangding-test/zones", data={"zone-code": "VIP",
                                                      "zone-label_zh": "贵宾区"})
    client.post("/summits/kangding-test/categories", data={
        "submit": "1", "code": "delegate", "label_zh": "代表", "colour": "#123456"})
    vip = db.session.scalar(db.select(Zone).where(Zone.code == "VIP"))

    everything = text(client.get("/summits/kangding-test/audit"))
    zones = text(client.get("/summits/kangding-test/audit?object_type=zones"))
    one = text(client.get(f"/summits/kangding-test/audit?object_type=zones&object_id={vip.id}"))

    # newest first; the other summit's zone and account entries are not listed
    assert audit_actions(everything) == ["category.create", "zone.create", "zone.create"]
    assert "ELSEWHERE" not in everything
    assert audit_actions(zones) == ["zone.create", "zone.create"]
    assert audit_actions(one) == ["zone.create"]
    assert audit_changes(one) == [("Code", "", "VIP"), ("Name (English)", "", "—"),
                                  ("Name (Chinese)", "", "贵宾区")]
    assert "<td>Zone added</td>" in one and "Zone 贵宾区</a>" in one  # words, not codes
    assert "zone.create" not in one.replace('data-action="zone.create"', "")
    assert '<option value="zones" selected>Zone</option>' in zones
    assert "organiser@example.com" in one  # who did it


def test_the_admin_audit_page_lists_every_summit_and_filters(client, as_role, summit):
    admin = as_role("admin")
    other = factories.make_summit("chengdu-2028")
    summit_service.add_zone(admin, summit, "MAIN", "主会场")
    summit_service.add_zone(admin, other, "MAIN", "主会场")

    everything = text(client.get("/admin/audit"))
    zones = text(client.get("/admin/audit?object_type=zones"))
    users = text(client.get("/admin/audit?object_type=users"))

    assert audit_actions(everything) == ["zone.create", "zone.create", "user.create"]
    assert audit_actions(zones) == ["zone.create", "zone.create"]
    assert audit_actions(users) == ["user.create"]
    assert "1 item" in users and "3 items" in everything


# --- the public page ----------------------------------------------------------------------

@pytest.fixture
def described_summit(summit):
    """The test summit with its public page filled in: English title and theme, venue, host,
    organiser and supporters, an open category and an invitation-only one."""
    editor = factories.make_user("editor@example.com", admin=True)
    summit_service.update_summit(editor, summit, summit_service.SummitDetails(
        slug=summit.slug, title_zh=summit.title_zh,
        title_en="Sichuan Tibetan Areas E-commerce Conference", theme_zh="融合共享·创新发展",
        theme_en="Integration and innovation", city="康定", venue="情歌大酒店",
        starts_on=summit.starts_on, ends_on=summit.ends_on, hosts=["四川省商务厅"],
        organisers=["甘孜州人民政府"],
        supporters=["广东省对口支援甘孜州工作组", "四川省电子商务协会"]))
    factories.make_category(summit, "delegate", "代表")
    factories.make_category(summit, "vip", "贵宾", public=False)
    return summit


def test_the_public_page_shows_theme_dates_venue_and_organisations(client, described_summit):
    response = client.get("/summits/kangding-test")

    assert response.status_code == 200
    page = text(response)
    assert "<h1>Sichuan Tibetan Areas E-commerce Conference</h1>" in page
    assert "“Integration and innovation”" in page
    assert '<time datetime="2027-08-03">August 3, 2027</time>' in page
    assert '<time datetime="2027-08-04">August 4, 2027</time>' in page
    assert "康定 情歌大酒店" in page
    assert "All times are Beijing time." in page
    assert "<dt>Host</dt><dd>四川省商务厅</dd>" in page
    assert "<dt>Organiser</dt><dd>甘孜州人民政府</dd>" in page
    assert "<dt>Supported by</dt><dd>广东省对口支援甘孜州工作组, 四川省电子商务协会</dd>" in page
    assert "Vip <small class=\"muted\">(by invitation)</small>" in page
    assert "/summits/kangding-test/edit" not in page  # no settings link for visitors


def test_the_public_page_in_chinese(bare_client, described_summit):
    page = text(bare_client.get("/summits/kangding-test"))

    assert '<html lang="zh-Hans">' in page
    assert "<h1>测试峰会</h1>" in page
    assert "“融合共享·创新发展”" in page
    assert '<time datetime="2027-08-03">2027年8月3日</time>' in page
    assert "<dd>广东省对口支援甘孜州工作组、四川省电子商务协会</dd>" in page


def test_organisers_see_the_summit_menu_on_the_public_page(client, signed_in_organiser,
                                                           described_summit):
    page = text(client.get("/summits/kangding-test?view=public"))

    for path in ("edit", "categories", "people", "audit"):
        assert f'href="/summits/kangding-test/{path}"' in page
