"""Registration pages: the public form and invitation links, self-service (list, edit,
cancel), moderation (search, filters, sorting, paging, decisions), delegations, invitation
codes, Excel/CSV import and the exports."""
from __future__ import annotations

import csv
import html
import io
import itertools
import re
import zipfile
from datetime import UTC, date, datetime, time

import pytest
from openpyxl import Workbook, load_workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from summit.extensions import db
from summit.models import (
    AuditEntry,
    Delegation,
    Diet,
    IdDocumentType,
    Invitation,
    Membership,
    Registration,
    RegistrationStatus,
    Role,
    Summit,
    User,
)
from summit.services.registration import (
    delegations,
    review as registration_review,
    submission as registrations,
)
from summit.services.registration.imports import COLUMNS
from summit.services.registration.submission import RegistrationDetails
from tests.support import factories
from tests.support.pages import (
    field_errors,
    flashes,
    form_fields,
    is_login_redirect,
    link_in,
    location,
    text,
)
from tests.support.uploads import padded_xlsx

# Pages: their HTML is the same on either database, and the services and API behind them
# run on both (tests/<area>/test_*.py); a page test runs once, on SQLite.
pytestmark = pytest.mark.sqlite_only

S = RegistrationStatus
SLUG = "kangding-test"
VALID_ID = "11010519491231002X"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PHONE_MESSAGE = ("Enter a Chinese mobile number (11 digits) or an international number "
                 "starting with +.")
ID_MESSAGE = ("This resident ID number is not valid: check the 18 characters and the last "
              "check digit.")
CLOSED_MESSAGE = "Registration for this summit is closed."
INVITATION_ONLY = "This category is by invitation only: enter your invitation code."
LISTED_NAME = re.compile(r'<td><a href="/registrations/(\d+)">(.*?)</a>')
REPORT_ROW = re.compile(r"<tr><td>(\d+)</td><td>(.*?)</td><td>(.*?)</td></tr>")
_emails = itertools.count(1)


# --- set-up ------------------------------------------------------------------------------

def enrol(summit: Summit, name: str = "赵波", email: str | None = None,
          category: str = "delegate", *, actor: User | None = None,
          delegation: Delegation | None = None, **extra) -> Registration:
    """A registration made through the service, as the public form would (no email)."""
    values = dict(organisation_name="甘孜州商务局", position="科长", phone="13812345678",
                  locale="en")
    values.update(extra)
    details = RegistrationDetails(name=name, email=email or f"p{next(_emails)}@example.com",
                                  category=category, **values)
    return registrations.register_delegate(summit, details, actor=actor, delegation=delegation,
                                           notify=False)


def form_post(**changes) -> dict:
    """What the public form sends for 赵波, with ``changes``."""
    data = {"name": "赵波", "name_native": "", "name_pinyin": "",
            "organisation_name": "甘孜州商务局", "position": "科长", "category": "delegate",
            "invitation_code": "", "email": "zhaobo@example.com", "phone": "138 1234 5678",
            "id_type": "", "id_number": "", "diet": "none", "consent": "y",
            "sensitive_consent": "y"}
    data.update(changes)
    return data


def as_browser_sends(page: str, **changes) -> dict:
    """The form on ``page`` submitted as a browser would, with ``changes``."""
    data = {}
    for name, item in form_fields(page).items():
        if name in ("arrival_pickup", "departure_pickup"):
            if item.checked:
                data[name] = "y"
        elif item.value is not None:
            data[name] = item.value
        else:
            data[name] = item.selected[0] if item.selected else ""
    data.update(changes)
    return data


def options(page: str, select_id: str) -> list[tuple[str, str]]:
    block = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert block, select_id
    return [(value, html.unescape(label)) for value, label in
            re.findall(r'<option[^>]*value="([^"]*)"[^>]*>(.*?)</option>', block.group(1))]


def listed_names(page: str) -> list[str]:
    return [html.unescape(name) for _id, name in LISTED_NAME.findall(page)]


def fresh(model, object_id):
    db.session.expire_all()
    return db.session.get(model, object_id)


def all_registrations() -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Registration).order_by(Registration.id)))


def audit_actions(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)))


# --- the public form ---------------------------------------------------------------------

def test_the_form_offers_public_categories_and_marks_closed_ones_by_invitation(client, event):
    response = client.get(f"/summits/{SLUG}/register")

    assert response.status_code == 200
    page = text(response)
    assert "Register for Test Summit" in page
    assert options(page, "category") == [("delegate", "Delegate"), ("expert", "Expert"),
                                         ("guest", "Guest · by invitation")]
    assert form_fields(page)["invitation_code"].value == ""


def test_a_closed_category_is_refused_without_a_code(client, event, mailbox):
    response = client.post(f"/summits/{SLUG}/register", data=form_post(category="guest"))

    assert response.status_code == 200
    assert field_errors(text(response)) == {"category": [INVITATION_ONLY]}
    assert all_registrations() == []
    assert mailbox.messages == []


def test_a_submission_creates_a_pending_registration_and_thanks(client, event, mailbox):
    response = client.post(f"/summits/{SLUG}/register", data=form_post(
        name="趙波", diet="vegetarian", id_type="resident_id",
        id_number=VALID_ID.lower(), arrival_date="2027-08-02", arrival_time="14:30",
        arrival_transport="3U8888", arrival_pickup="y", hotel="康定情歌大酒店"))

    assert response.status_code == 302
    assert location(response) == f"/summits/{SLUG}/register/thanks"
    thanks = client.get(location(response))
    assert thanks.status_code == 200
    assert flashes(text(thanks)) == [("success", "Thank you, your registration has been "
                                                 "received. We have emailed you a confirmation.")]
    [registration] = all_registrations()
    assert (registration.status, registration.name, registration.name_pinyin,
            registration.category.code, registration.email,
            registration.phone, registration.id_type, registration.id_number,
            registration.diet, registration.arrival_date, registration.arrival_time,
            registration.arrival_transport, registration.arrival_pickup, registration.hotel,
            registration.locale, registration.user_id) == (
        S.PENDING, "趙波", "ZHAO Bo", "delegate", "zhaobo@example.com",
        "13812345678", IdDocumentType.RESIDENT_ID, VALID_ID, Diet.VEGETARIAN,
        date(2027, 8, 2), time(14, 30), "3U8888", True, "康定情歌大酒店", "en",
        registration.user.id)
    # An account under the address, with a link to set its password (see below).
    assert registration.user.email == "zhaobo@example.com"
    [message] = mailbox.wait_for(1)
    assert message["To"] == "zhaobo@example.com"
    assert message["Subject"] == "We have received your registration for Test Summit"
    assert "ZHAO Bo" in mailbox.body(message)
    assert [e.after["name"] for e in audit_actions("registration.create")] == ["趙波"]


def test_a_tibetan_name_is_romanised_without_a_surname(client, event):
    client.post(f"/summits/{SLUG}/register",
                data=form_post(name="泽仁拉姆", name_native="ཚེ་རིང་ལྷ་མོ།"))

    [registration] = all_registrations()
    assert (registration.name, registration.name_native, registration.name_pinyin) == (
        "泽仁拉姆", "ཚེ་རིང་ལྷ་མོ།", "Zeren Lamu")


def test_pinyin_reads_surnames_and_a_typed_pinyin_overrides_it(client, event):
    client.post(f"/summits/{SLUG}/register", data=form_post(name="单田芳"))
    client.post(f"/summits/{SLUG}/register", data=form_post(name="赵波", name_pinyin="CHIU Po",
                                                            email="chiu@example.com"))

    assert [(r.name_pinyin, r.pinyin_overridden) for r in all_registrations()] == [
        ("SHAN Tianfang", False), ("CHIU Po", True)]


@pytest.mark.parametrize("changes, field, message", [
    ({"phone": "12345"}, "phone", PHONE_MESSAGE),
    ({"id_type": "resident_id", "id_number": "110105194912310021"}, "id_number", ID_MESSAGE),
])
def test_bad_personal_data_is_shown_at_the_field_and_the_typing_is_kept(
        client, event, changes, field, message):
    sent = form_post(category="expert", name_native="བཀྲ་ཤིས་", **changes)

    response = client.post(f"/summits/{SLUG}/register", data=sent)

    assert response.status_code == 200
    page = text(response)
    assert field_errors(page) == {field: [message]}
    fields = form_fields(page)
    for name in ("name", "name_native", "organisation_name", "position", "email", "phone",
                 "id_number"):
        assert fields[name].value == sent[name], name
    assert fields["category"].selected == ["expert"]
    assert fields["id_type"].selected == [sent["id_type"]]
    assert all_registrations() == []


def test_a_closed_window_shows_the_message_and_refuses_a_post(client, event):
    event.registration_closes_at = datetime(2020, 1, 1, tzinfo=UTC)
    db.session.commit()

    page = text(client.get(f"/summits/{SLUG}/register"))
    assert CLOSED_MESSAGE in page
    assert 'name="email"' not in page

    response = client.post(f"/summits/{SLUG}/register", data=form_post())

    assert response.status_code == 200
    assert CLOSED_MESSAGE in text(response)
    assert all_registrations() == []


def test_a_window_not_yet_open_is_closed_too(client, event):
    event.registration_opens_at = datetime(2099, 1, 1, tzinfo=UTC)
    db.session.commit()

    response = client.post(f"/summits/{SLUG}/register", data=form_post())

    assert CLOSED_MESSAGE in text(response)
    assert all_registrations() == []


def test_an_invitation_link_prefills_the_code_and_opens_the_closed_category(client, event,
                                                                            colleague):
    invitation = delegations.create_invitation(colleague, event, category=event.categories[2],
                                               delegation=None, max_uses=2, expires_at=None)

    page = text(client.get(f"/summits/{SLUG}/register?code={invitation.code}"))
    assert form_fields(page)["invitation_code"].value == invitation.code

    response = client.post(f"/summits/{SLUG}/register", data=as_browser_sends(
        page, **form_post(category="guest", invitation_code=invitation.code)))

    assert location(response) == f"/summits/{SLUG}/register/thanks"
    [registration] = all_registrations()
    assert (registration.category.code, registration.invitation_id, registration.status) == (
        "guest", invitation.id, S.PENDING)
    assert fresh(Invitation, invitation.id).uses == 1


def test_a_wrong_invitation_code_is_shown_at_its_field(client, event):
    response = client.post(f"/summits/{SLUG}/register",
                           data=form_post(category="guest", invitation_code="ZZZZ2222"))

    assert field_errors(text(response)) == {
        "invitation_code": ["This invitation code is not valid for this summit."]}
    assert all_registrations() == []


def test_a_registered_address_is_answered_as_a_new_one_and_its_owner_emailed(client, event,
                                                                           mailbox):
    enrol(event, "李娜", "zhaobo@example.com")

    taken = client.post(f"/summits/{SLUG}/register", data=form_post(email="ZhaoBo@Example.com"))
    taken_flashes = flashes(text(client.get(location(taken))))
    new = client.post(f"/summits/{SLUG}/register", data=form_post(email="new@example.com"))
    new_flashes = flashes(text(client.get(location(new))))

    assert location(taken) == location(new) == f"/summits/{SLUG}/register/thanks"
    assert taken_flashes == new_flashes == [
        ("success", "Thank you, your registration has been received. We have emailed you a "
                    "confirmation.")]
    assert [(r.name, r.email) for r in all_registrations()] == [
        ("李娜", "zhaobo@example.com"), ("赵波", "new@example.com")]
    notice, received = mailbox.wait_for(2)
    assert notice["To"] == "zhaobo@example.com"
    assert notice["Subject"] == "Your address is already registered for Test Summit"
    assert "Hello 李娜," in mailbox.body(notice)
    assert "http://localhost/registrations/mine" in mailbox.body(notice)
    assert received["To"] == "new@example.com"


def test_a_full_summit_answers_a_registered_address_with_the_waiting_list_too(client, event,
                                                                              mailbox):
    event.capacity = 1
    db.session.commit()
    enrol(event, "李娜", "zhaobo@example.com")

    taken = client.post(f"/summits/{SLUG}/register", data=form_post(email="zhaobo@example.com"))

    assert flashes(text(client.get(location(taken)))) == [
        ("warning", "The summit is full: you are on the waiting list. We have emailed you.")]
    assert len(all_registrations()) == 1


def test_the_owner_of_a_registered_address_is_told_on_the_form(client, event, login, mailbox):
    enrol(event, "李娜", "zhaobo@example.com")
    factories.make_user("zhaobo@example.com")
    login("zhaobo@example.com")

    response = client.post(f"/summits/{SLUG}/register", data=form_post(email="zhaobo@example.com"))

    assert response.status_code == 200
    assert field_errors(text(response)) == {
        "email": ["This email address is already registered for this summit."]}
    assert [r.name for r in all_registrations()] == ["李娜"]
    assert mailbox.messages == []


def test_a_full_summit_puts_the_registrant_on_the_waiting_list(client, event):
    event.capacity = 1
    db.session.commit()
    enrol(event, "李娜")

    response = client.post(f"/summits/{SLUG}/register", data=form_post())

    assert flashes(text(client.get(location(response)))) == [
        ("warning", "The summit is full: you are on the waiting list. We have emailed you.")]
    assert [(r.name, r.status) for r in all_registrations()] == [
        ("李娜", S.PENDING), ("赵波", S.WAITLISTED)]


# --- self-service ------------------------------------------------------------------------

def test_my_registrations_are_found_by_email(client, sign_in, event):
    other = factories.make_summit("litang-2028", title_en="Litang Conference")
    factories.make_category(other, "delegate", "代表")
    user = factories.make_user("zhaobo@example.com")
    enrol(event, "赵波", "zhaobo@example.com")
    enrol(other, "赵波", "zhaobo@example.com")
    enrol(event, "李娜", "lina@example.com")
    sign_in(user.email)

    page = text(client.get("/registrations/mine"))

    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?) <span", page)
    assert sorted(rows) == [("Litang Conference", "赵波"), ("Test Summit", "赵波")]
    assert "李娜" not in page


def test_my_registrations_needs_a_login(client, event):
    assert is_login_redirect(client.get("/registrations/mine"))


def test_the_owner_edits_allowed_fields_but_not_the_category(client, sign_in, event):
    registration = enrol(event, "赵波", "zhaobo@example.com")
    sign_in(factories.make_user("zhaobo@example.com").email)
    page = text(client.get(f"/registrations/{registration.id}/edit"))
    fields = form_fields(page)
    assert (fields["name"].value, fields["phone"].value, fields["category"].selected) == (
        "赵波", "13812345678", ["delegate"])
    assert re.search(r'<select[^>]*disabled[^>]*id="category"', page)

    response = client.post(f"/registrations/{registration.id}/edit", data=as_browser_sends(
        page, position="副县长", phone="+44 20 7946 0000", diet="halal", category="expert",
        email="someone.else@example.com"))

    assert location(response) == f"/registrations/{registration.id}"
    assert flashes(text(client.get(location(response)))) == [
        ("success", "The registration has been saved.")]
    saved = fresh(Registration, registration.id)
    assert (saved.position, saved.phone, saved.diet, saved.category.code, saved.email) == (
        "副县长", "+442079460000", Diet.HALAL, "delegate", "zhaobo@example.com")
    [entry] = audit_actions("registration.update")
    assert entry.after == {"position": "副县长", "phone": "+442079460000"}


def test_the_owner_cannot_edit_after_the_deadline(client, sign_in, event):
    event.edit_deadline = datetime(2020, 1, 1, tzinfo=UTC)
    db.session.commit()
    registration = enrol(event, "赵波", "zhaobo@example.com")
    sign_in(factories.make_user("zhaobo@example.com").email)
    page = text(client.get(f"/registrations/{registration.id}/edit"))

    response = client.post(f"/registrations/{registration.id}/edit",
                           data=as_browser_sends(page, position="副县长"))

    assert response.status_code == 200
    assert flashes(text(response)) == [
        ("error", "The deadline for changes has passed. Contact the organisers.")]
    assert fresh(Registration, registration.id).position == "科长"


def test_someone_else_cannot_open_or_edit_a_registration(client, sign_in, event):
    registration = enrol(event, "赵波", "zhaobo@example.com")
    sign_in(factories.make_user("lina@example.com").email)

    assert client.get(f"/registrations/{registration.id}").status_code == 403
    assert client.post(f"/registrations/{registration.id}/edit",
                       data=form_post(position="局长")).status_code == 403
    assert client.post(f"/registrations/{registration.id}/cancel").status_code == 403
    assert fresh(Registration, registration.id).position == "科长"


def test_cancelling_an_approved_place_promotes_the_waiting_list(client, sign_in, event, colleague,
                                                                mailbox):
    event.capacity = 1
    db.session.commit()
    mine = enrol(event, "赵波", "zhaobo@example.com")
    registration_review.approve_registration(colleague, mine)
    waiting = enrol(event, "李娜", "lina@example.com")
    assert waiting.status is S.WAITLISTED
    sign_in(factories.make_user("zhaobo@example.com").email)
    mailbox.clear()

    response = client.post(f"/registrations/{mine.id}/cancel")

    assert location(response) == f"/registrations/{mine.id}"
    assert flashes(text(client.get(location(response)))) == [
        ("success", "The registration has been cancelled.")]
    assert fresh(Registration, mine.id).status is S.CANCELLED
    assert fresh(Registration, waiting.id).status is S.PENDING
    [message] = mailbox.wait_for(1)
    assert message["To"] == "lina@example.com"
    assert message["Subject"] == "A place has freed up for you at Test Summit"
    assert [e.object_id for e in audit_actions("registration.cancel")] == [str(mine.id)]
    assert [e.object_id for e in audit_actions("registration.promote")] == [str(waiting.id)]


# --- moderation --------------------------------------------------------------------------

def test_search_for_simplified_finds_traditional(client, signed_in_organiser, event):
    enrol(event, "趙波")
    enrol(event, "李娜")

    for q in ("赵波", "趙波", "zhaobo", "zhao bo", "Zhao"):
        page = text(client.get(f"/summits/{SLUG}/registrations", query_string={"q": q}))
        assert listed_names(page) == ["趙波"], q


def test_the_list_filters_by_status_category_and_delegation(client, signed_in_organiser, event,
                                                            colleague):
    county = delegations.save_delegation(colleague, event, name="丹巴县代表团", county="丹巴县",
                                         quota=5, registrar_email=None)
    approved = enrol(event, "王芳")
    registration_review.approve_registration(colleague, approved)
    enrol(event, "李娜", category="expert")
    enrol(event, "张伟", actor=colleague, delegation=county)

    def names(**filters) -> list[str]:
        response = client.get(f"/summits/{SLUG}/registrations", query_string=filters)
        assert response.status_code == 200
        return listed_names(text(response))

    assert names() == ["李娜", "王芳", "张伟"]
    assert names(status="approved") == ["王芳"]
    assert names(status="pending") == ["李娜", "张伟"]
    assert names(category="expert") == ["李娜"]
    assert names(delegation=county.id) == ["张伟"]
    assert names(status="pending", category="delegate") == ["张伟"]
    assert names(status="rejected") == []


def test_an_unknown_status_filter_is_reported_and_ignored(client, signed_in_organiser, event):
    enrol(event, "李娜")

    page = text(client.get(f"/summits/{SLUG}/registrations?status=bogus"))

    assert flashes(page) == [("error", "Unknown status.")]
    assert listed_names(page) == ["李娜"]


def test_sorting_by_name_follows_pinyin(client, signed_in_organiser, event):
    # Code point order would be 安 张 王 白; pinyin order is an, bai, wang, zhang.
    for name in ("张伟", "王芳", "白雪", "安娜"):
        enrol(event, name)

    by_name = listed_names(text(client.get(f"/summits/{SLUG}/registrations?sort=name")))
    reverse = listed_names(text(client.get(f"/summits/{SLUG}/registrations?sort=-name")))

    assert by_name == ["安娜", "白雪", "王芳", "张伟"]
    assert reverse == ["张伟", "王芳", "白雪", "安娜"]


def test_the_list_is_paginated(client, signed_in_organiser, event):
    for name in ("安娜", "白雪", "王芳"):
        enrol(event, name)

    first = text(client.get(f"/summits/{SLUG}/registrations?per_page=2"))
    second = text(client.get(f"/summits/{SLUG}/registrations?per_page=2&page=2"))

    assert listed_names(first) == ["安娜", "白雪"]
    assert listed_names(second) == ["王芳"]
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "3 items" in first


def test_the_list_masks_phone_numbers(client, signed_in_organiser, event):
    enrol(event, "赵波", phone="13812345678")

    page = text(client.get(f"/summits/{SLUG}/registrations"))

    assert "138****5678" in page
    assert "13812345678" not in page


def test_the_list_is_for_organisers_only(client, as_role, event):
    as_role("delegate")

    assert client.get(f"/summits/{SLUG}/registrations").status_code == 403


def test_approving_flashes_and_tells_the_registrant(client, signed_in_organiser, event, mailbox):
    registration = enrol(event, "赵波", "zhaobo@example.com")

    response = client.post(f"/registrations/{registration.id}/approve")

    assert location(response) == f"/registrations/{registration.id}"
    assert flashes(text(client.get(location(response)))) == [
        ("success", "赵波 is approved and has been told by email.")]
    assert fresh(Registration, registration.id).status is S.APPROVED
    [message] = mailbox.wait_for(1)
    assert message["Subject"] == "Your registration for Test Summit is approved"
    assert [part.get_filename() for part in message.iter_attachments()] == [
        f"{SLUG}.ics"]


def test_approving_returns_to_a_same_site_page_only(client, signed_in_organiser, event):
    first, second = enrol(event, "赵波"), enrol(event, "李娜")
    back = f"/summits/{SLUG}/registrations?status=pending"

    kept = client.post(f"/registrations/{first.id}/approve", data={"next": back})
    refused = client.post(f"/registrations/{second.id}/approve",
                          data={"next": "//evil.example/phish"})

    assert location(kept) == back
    assert refused.headers["Location"] in (f"/registrations/{second.id}",
                                           f"http://localhost/registrations/{second.id}")
    assert [r.status for r in all_registrations()] == [S.APPROVED, S.APPROVED]


def test_approving_twice_is_refused_with_a_message(client, signed_in_organiser, event):
    registration = enrol(event, "赵波")
    client.get(location(client.post(f"/registrations/{registration.id}/approve")))

    response = client.post(f"/registrations/{registration.id}/approve")

    [(kind, message)] = flashes(text(client.get(location(response))))
    assert (kind, message.lower()) == (
        "error", "a registration that is approved cannot be changed this way.")


def test_rejecting_needs_a_reason(client, signed_in_organiser, event, mailbox):
    registration = enrol(event, "赵波", "zhaobo@example.com")

    response = client.post(f"/registrations/{registration.id}/reject", data={"reason": "  "})

    assert flashes(text(client.get(location(response)))) == [
        ("error", "Give a reason: the registrant will read it.")]
    assert fresh(Registration, registration.id).status is S.PENDING

    response = client.post(f"/registrations/{registration.id}/reject",
                           data={"reason": "名额已满"})

    assert flashes(text(client.get(location(response)))) == [
        ("success", "赵波 has been rejected and told why.")]
    saved = fresh(Registration, registration.id)
    assert (saved.status, saved.status_reason) == (S.REJECTED, "名额已满")
    [message] = mailbox.wait_for(1)
    assert message["Subject"] == "Your registration for Test Summit"
    assert "Reason: 名额已满" in mailbox.body(message)


def test_bulk_approve_and_reject(client, signed_in_organiser, event):
    first, second, third = enrol(event, "安娜"), enrol(event, "白雪"), enrol(event, "王芳")
    back = f"/summits/{SLUG}/registrations"

    response = client.post(back + "/bulk", data={"ids": [first.id, second.id],
                                                 "decision": "approve", "reason": ""})

    assert location(response) == back
    assert flashes(text(client.get(back))) == [("success", "2 registrations updated.")]
    assert [r.status for r in all_registrations()] == [S.APPROVED, S.APPROVED, S.PENDING]

    client.post(back + "/bulk", data={"ids": [third.id], "decision": "reject", "reason": ""})
    assert flashes(text(client.get(back))) == [
        ("error", "Give a reason: the registrant will read it.")]
    assert fresh(Registration, third.id).status is S.PENDING

    client.post(back + "/bulk", data={"ids": [second.id, third.id], "decision": "reject",
                                      "reason": "重复报名"})
    assert [(kind, message.lower()) for kind, message in flashes(text(client.get(back)))] == [
        ("success", "1 registrations updated."),
        ("warning", "白雪: a registration that is approved cannot be changed this way.")]
    assert [(r.status, r.status_reason) for r in all_registrations()] == [
        (S.APPROVED, ""), (S.APPROVED, ""), (S.REJECTED, "重复报名")]


def test_bulk_without_a_selection_says_so(client, signed_in_organiser, event):
    enrol(event, "安娜")

    client.post(f"/summits/{SLUG}/registrations/bulk", data={"decision": "approve"})

    assert flashes(text(client.get(f"/summits/{SLUG}/registrations"))) == [
        ("error", "Select at least one registration.")]
    assert [r.status for r in all_registrations()] == [S.PENDING]


def test_the_moderation_list_query_count_does_not_grow_with_rows(client, signed_in_organiser, event,
                                                                colleague, count_queries,
                                                                monkeypatch):
    monkeypatch.setitem(client.application.config, "KEPT_PAGES", False)  # drawn each time
    county = delegations.save_delegation(colleague, event, name="丹巴县代表团", county="丹巴县",
                                         quota=100, registrar_email=None)
    other = delegations.save_delegation(colleague, event, name="理塘县代表团", county="理塘县",
                                        quota=100, registrar_email=None)
    url = f"/summits/{SLUG}/registrations"
    enrol(event, "赵波", actor=colleague, delegation=county)
    assert client.get(url).status_code == 200  # warm-up: caches, first-use queries

    with count_queries(db.engine) as one:
        page = text(client.get(url))
    assert len(listed_names(page)) == 1

    categories = ["delegate", "expert", "guest"]
    for number in range(49):
        enrol(event, f"代表{number}", category=categories[number % 3], actor=colleague,
              delegation=(county, other, None)[number % 3])
    with count_queries(db.engine) as fifty:
        page = text(client.get(url))
    assert len(listed_names(page)) == 50

    assert len(fifty) == len(one), (one, fifty)


# --- delegations and invitations ---------------------------------------------------------

def test_an_organiser_creates_a_delegation_and_its_registrar_gets_the_role(
        client, signed_in_organiser, event):
    registrar = factories.make_user("danba@example.com", name="丹巴县联络员")

    response = client.post(f"/summits/{SLUG}/delegations", data={
        "name": "丹巴县代表团", "county": "丹巴县", "quota": "3",
        "registrar_email": "danba@example.com"})

    assert location(response) == f"/summits/{SLUG}/delegations"
    page = text(client.get(location(response)))
    assert flashes(page) == [("success", "Delegation 丹巴县代表团 saved.")]
    assert re.search(r"丹巴县代表团</a></td><td>丹巴县</td>\s*<td>0 / 3</td>"
                     r"<td>danba@example.com</td>", page)
    delegation = db.session.scalar(db.select(Delegation))
    assert (delegation.name, delegation.county, delegation.quota, delegation.registrar_id) == (
        "丹巴县代表团", "丹巴县", 3, registrar.id)
    db.session.expire_all()
    assert db.session.scalars(db.select(Membership.role).where(
        Membership.user_id == registrar.id, Membership.summit_id == event.id)).all() == [
        Role.REGISTRAR]


def test_a_delegation_registrar_must_have_an_account(client, signed_in_organiser, event):
    response = client.post(f"/summits/{SLUG}/delegations", data={
        "name": "丹巴县代表团", "quota": "3", "registrar_email": "nobody@example.com"})

    assert response.status_code == 200
    assert field_errors(text(response)) == {"registrar_email": [
        "No account uses this email address. Ask the person to sign up first."]}
    assert db.session.scalar(db.select(db.func.count(Delegation.id))) == 0


def test_a_registrar_sees_only_their_own_delegation(client, sign_in, event, colleague):
    registrar = factories.make_user("danba@example.com")
    own = delegations.save_delegation(colleague, event, name="丹巴县代表团", county="丹巴县",
                                      quota=2, registrar_email=registrar.email)
    other = delegations.save_delegation(colleague, event, name="理塘县代表团", county="理塘县",
                                        quota=2, registrar_email=None)
    enrol(event, "次仁", actor=colleague, delegation=other)
    sign_in(registrar.email)

    assert client.get(f"/delegations/{own.id}").status_code == 200
    assert client.get(f"/delegations/{other.id}").status_code == 403
    assert client.post(f"/delegations/{other.id}", data=form_post()).status_code == 403
    assert client.get(f"/summits/{SLUG}/delegations").status_code == 403
    assert client.get(f"/summits/{SLUG}/registrations").status_code == 403
    assert client.get(f"/summits/{SLUG}/import?delegation_id={other.id}").status_code == 403
    mine = text(client.get("/registrations/mine"))
    assert "丹巴县代表团" in mine and "理塘县代表团" not in mine
    assert len(all_registrations()) == 1


def test_a_registrar_adds_members_up_to_the_quota(client, sign_in, event, colleague):
    registrar = factories.make_user("danba@example.com")
    own = delegations.save_delegation(colleague, event, name="丹巴县代表团", county="丹巴县",
                                      quota=2, registrar_email=registrar.email)
    sign_in(registrar.email)
    url = f"/delegations/{own.id}"

    for name, email in (("泽仁拉姆", "zeren@example.com"), ("扎西", "zhaxi@example.com")):
        response = client.post(url, data=form_post(name=name, email=email, category="guest"))
        assert location(response) == url
        assert flashes(text(client.get(url))) == [
            ("success", f"{name} added to the delegation.")]

    page = text(client.get(url))
    assert "2 of 2 places used." in page
    assert "The delegation's quota is used up." in page
    assert 'name="email"' not in page

    response = client.post(url, data=form_post(name="格桑", email="gesang@example.com"))

    assert response.status_code == 200
    assert flashes(text(response)) == [
        ("error", "The delegation 丹巴县代表团 has used all 2 of its places.")]
    assert [(r.name, r.delegation_id, r.category.code, r.status) for r in
            all_registrations()] == [("泽仁拉姆", own.id, "guest", S.PENDING),
                                     ("扎西", own.id, "guest", S.PENDING)]


def test_an_organiser_creates_an_invitation_code(client, signed_in_organiser, event, colleague):
    county = delegations.save_delegation(colleague, event, name="丹巴县代表团", county="丹巴县",
                                         quota=5, registrar_email=None)

    response = client.post(f"/summits/{SLUG}/invitations", data={
        "category": "guest", "delegation": str(county.id), "max_uses": "5",
        "expires_on": "2027-07-31", "note": "州领导"})

    assert location(response) == f"/summits/{SLUG}/invitations"
    page = text(client.get(location(response)))
    [(kind, message)] = flashes(page)
    code = re.fullmatch(r"Invitation code (\S+) created\.", message).group(1)
    assert kind == "success"
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", code), code
    assert not set(code) & set("0O1I")
    assert f"/summits/{SLUG}/register?code={code}" in page
    invitation = db.session.scalar(db.select(Invitation))
    assert (invitation.code, invitation.category.code, invitation.delegation_id,
            invitation.max_uses, invitation.uses, invitation.note) == (
        code, "guest", county.id, 5, 0, "州领导")
    # The end of the chosen day in the summit's time zone (Asia/Shanghai, UTC+8).
    assert invitation.expires_at == datetime(2027, 7, 31, 15, 59, 59, tzinfo=UTC)


# --- import ------------------------------------------------------------------------------

CSV_HEADER = "name,organisation_name,position,category,email,phone\n"


def upload(client, data: bytes, filename: str, query: str = ""):
    # Encoded in memory: for bodies over 500 kB the test client would spool to a temporary
    # file that it never closes (a ResourceWarning, and warnings are errors).
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename)})
    return client.post(f"/summits/{SLUG}/import{query}", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def confirm_token(page: str) -> str:
    return re.search(r'name="token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="token"',
                     page).group(1)


def xlsx_bytes(rows: list[list], build=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if build is not None:
        build(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_upload_with_errors_reports_row_column_and_reason(client, signed_in_organiser, event):
    data = (CSV_HEADER
            + "赵波,甘孜州商务局,科长,delegate,zhaobo@example.com,13812345678\n"
            + "李娜,丹巴县人民政府,县长,delegate,lina@example.com,12345\n"
            + "王芳,,主任,vip,wangfang@example.com,13900001111\n").encode()

    response = upload(client, data, "delegates.csv")

    assert response.status_code == 200
    page = text(response)
    assert "3 rows: 1 valid, 2 with errors." in page
    assert [tuple(html.unescape(cell) for cell in row) for row in REPORT_ROW.findall(page)] == [
        ("3", "Mobile phone", PHONE_MESSAGE),
        ("4", "Organisation", "Required."),
        ("4", "Category", "Use one of: delegate, expert, guest"),
    ]
    token = confirm_token(page)
    report = client.get(f"/summits/{SLUG}/import/{token}/errors.xlsx")
    assert report.mimetype == XLSX
    sheet = load_workbook(io.BytesIO(report.data)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Row", "Column", "Reason"], [3, "Mobile phone", PHONE_MESSAGE],
        [4, "Organisation", "Required."], [4, "Category", "Use one of: delegate, expert, guest"]]
    assert all_registrations() == []

    response = client.post(f"/summits/{SLUG}/import/confirm", data={"token": token})

    assert location(response) == f"/summits/{SLUG}/import"
    assert flashes(text(client.get(location(response)))) == [(
        "error", "Nothing was imported: 2 rows have errors. Fix them, or choose to import only "
                 "the valid rows.")]
    assert all_registrations() == []

    response = client.post(f"/summits/{SLUG}/import/confirm",
                           data={"token": token, "valid_only": "1"})

    assert location(response) == f"/summits/{SLUG}/registrations?sort=-created"
    assert flashes(text(client.get(location(response)))) == [
        ("success", "1 registrations imported.")]
    assert [(r.name, r.name_pinyin, r.email, r.status) for r in all_registrations()] == [
        ("赵波", "ZHAO Bo", "zhaobo@example.com", S.PENDING)]
    assert len(audit_actions("registration.import")) == 1


def test_a_clean_file_imports_every_row(client, signed_in_organiser, event):
    data = xlsx_bytes([["name", "organisation_name", "position", "category", "email", "phone"],
                       ["赵波", "甘孜州商务局", "科长", "delegate", "zhaobo@example.com",
                        "13812345678"],
                       ["李娜", "丹巴县人民政府", "县长", "expert", "lina@example.com",
                        "13900001111"]])

    page = text(upload(client, data, "delegates.xlsx"))
    assert "2 rows: 2 valid, 0 with errors." in page
    assert REPORT_ROW.findall(page) == []

    response = client.post(f"/summits/{SLUG}/import/confirm",
                           data={"token": confirm_token(page)})

    assert flashes(text(client.get(location(response)))) == [
        ("success", "2 registrations imported.")]
    assert [(r.name, r.category.code) for r in all_registrations()] == [
        ("赵波", "delegate"), ("李娜", "expert")]


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photos/readme.txt", "not a workbook")
    return buffer.getvalue()


def _merged(sheet) -> None:
    sheet.merge_cells("A3:B3")


def _too_many_rows() -> bytes:
    row = "赵波,甘孜州商务局,科长,delegate,{n}@example.com,13812345678\n"
    return (CSV_HEADER + "".join(row.format(n=n) for n in range(10_001))).encode()


HEADER = ["name", "organisation_name", "position", "category", "email", "phone"]
GOOD_ROW = ["赵波", "甘孜州商务局", "科长", "delegate", "zhaobo@example.com", "13812345678"]


@pytest.mark.parametrize("make, filename, message", [
    (_zip_without_workbook, "delegates.xlsx", "This is a zip archive, not an Excel workbook."),
    (lambda: b"", "delegates.xlsx", "The file is empty."),
    (lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "delegates.xlsx",
     "This file is neither an Excel workbook nor a CSV file."),
    (lambda: xlsx_bytes([HEADER, GOOD_ROW, ["李娜", "", *GOOD_ROW[2:4], "l@example.com",
                                              "13900001111"]], _merged),
     "delegates.xlsx", "The sheet has merged cells (A3:B3). Unmerge them so each cell holds "
                       "one value."),
    (lambda: xlsx_bytes([HEADER, [*GOOD_ROW[:5], "=13800000000+1"]]), "delegates.xlsx",
     "Cell F2 holds a formula. Paste values only."),
    (_too_many_rows, "delegates.csv",
     "The file has more than 10000 rows. Split it into several files."),
    (lambda: xlsx_bytes([]), "delegates.xlsx", "The sheet is empty."),
    (lambda: padded_xlsx([HEADER, GOOD_ROW], sheet_padding=40 * 1024 * 1024),
     "delegates.xlsx", "Unpacked, this file would take more than 32 MB. Remove what it does "
                       "not need, or split it into several files."),
], ids=["renamed-zip", "empty-file", "binary", "merged-cells", "formula", "10001-rows",
        "empty-sheet", "unpacks-to-40-mb"])
def test_a_bad_file_gets_a_clear_error_and_imports_nothing(client, signed_in_organiser, event, make,
                                                           filename, message):
    response = upload(client, make(), filename)

    assert response.status_code == 422
    page = text(response)
    assert field_errors(page) == {"file": [message]}
    assert 'name="token"' not in page
    assert all_registrations() == []


def test_the_template_is_an_xlsx_with_the_header_row(client, signed_in_organiser, event):
    response = client.get(f"/summits/{SLUG}/import/template.xlsx")

    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert "kangding-test-registrations.xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["registrations", "help"]
    header = [cell.value for cell in next(workbook["registrations"].iter_rows(max_row=1))]
    assert header[:7] == ["Name as on ID (name)",
                          "Name in native script (e.g. Tibetan) (name_native)",
                          "Name in pinyin (name_pinyin)", "Organisation (organisation_name)",
                          "Position (position)", "Category (category)", "Email (email)"]
    assert [cell.rsplit("(", 1)[1].rstrip(")") for cell in header] == [c.key for c in COLUMNS]

    # The template with its example row passes the check as it is.
    page = text(upload(client, response.data, "template.xlsx"))
    assert "1 rows: 1 valid, 0 with errors." in page


def test_the_import_pages_are_closed_to_others(client, as_role, event):
    as_role("delegate")

    assert client.get(f"/summits/{SLUG}/import").status_code == 403
    assert client.get(f"/summits/{SLUG}/import/template.xlsx").status_code == 403
    assert upload(client, (CSV_HEADER + ",".join(GOOD_ROW)).encode(),
                  "a.csv").status_code == 403


# --- exports -----------------------------------------------------------------------------

@pytest.fixture
def two_people(event, colleague) -> tuple[Registration, Registration]:
    zhao = enrol(event, "赵波", "zhaobo@example.com", phone="13812345678",
                 id_type=IdDocumentType.RESIDENT_ID, id_number=VALID_ID)
    li = enrol(event, "李娜", "lina@example.com", category="expert", phone="13900001111")
    registration_review.approve_registration(colleague, li)
    return zhao, li


def xlsx_rows(data: bytes, sheet: str | None = None) -> list[list]:
    workbook = load_workbook(io.BytesIO(data))
    chosen = workbook[sheet] if sheet else workbook.active
    return [list(row) for row in chosen.iter_rows(values_only=True)]


def test_the_xlsx_export_is_the_filtered_list_with_masked_phone_and_id(client, signed_in_organiser,
                                                                       two_people):
    response = client.get(f"/summits/{SLUG}/registrations/export.xlsx?status=pending")

    assert response.status_code == 200
    assert response.mimetype == XLSX
    [header, row] = xlsx_rows(response.data)
    values = dict(zip(header, row, strict=True))
    assert (values["Name as on ID"], values["Name in pinyin"], values["Status"],
            values["Mobile phone"], values["ID document number"]) == (
        "赵波", "ZHAO Bo", "Pending review", "138****5678", "1*************002X")
    # The moment of registering: a date cell in Beijing time, the header says so.
    assert isinstance(values["Registered at (Beijing time)"], datetime)
    assert VALID_ID not in str(row) and "13812345678" not in str(row)
    assert audit_actions("registration.export_private") == []


def test_the_csv_export_is_utf8_with_a_bom_and_masked(client, signed_in_organiser, two_people):
    response = client.get(f"/summits/{SLUG}/registrations/export.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    header = rows[0]
    got = [(row[header.index("Name as on ID")], row[header.index("Mobile phone")],
            row[header.index("ID document number")]) for row in rows[1:]]
    assert got == [("李娜", "139****1111", ""), ("赵波", "138****5678", "1*************002X")]
    registered = [row[header.index("Registered at (Beijing time)")] for row in rows[1:]]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", value) for value in registered)


def test_private_export_has_full_values_and_is_audited(client, signed_in_organiser, two_people):
    response = client.get(f"/summits/{SLUG}/registrations/export.xlsx?private=1&q=赵波")

    [header, row] = xlsx_rows(response.data)
    values = dict(zip(header, row, strict=True))
    assert (values["Mobile phone"], values["ID document number"]) == ("13812345678", VALID_ID)
    [entry] = audit_actions("registration.export_private")
    assert (entry.actor_id, entry.summit_id) == (signed_in_organiser.id, two_people[0].summit_id)
    assert entry.after == {"rows": 1, "filters": {"q": "赵波", "sort": "name"}}

    csv_response = client.get(f"/summits/{SLUG}/registrations/export.csv?private=1")
    assert "13900001111" in csv_response.data.decode("utf-8-sig")
    assert len(audit_actions("registration.export_private")) == 2


def test_exports_are_for_organisers_only(client, as_role, two_people):
    as_role("delegate")

    for path in ("export.xlsx", "export.csv", "export.xlsx?private=1", "logistics.xlsx"):
        assert client.get(f"/summits/{SLUG}/registrations/{path}").status_code == 403, path
    assert audit_actions("registration.export_private") == []


def test_the_logistics_report_has_arrivals_departures_rooms_and_diets(client, signed_in_organiser,
                                                                      event, colleague):
    enrol(event, "赵波", diet=Diet.VEGETARIAN, arrival_date=date(2027, 8, 2),
          arrival_time=time(14, 30), arrival_transport="3U8888", arrival_pickup=True,
          departure_date=date(2027, 8, 5), departure_time=time(9, 0),
          departure_transport="G8602", hotel="康定情歌大酒店", room_sharing="李娜")
    enrol(event, "李娜", diet=Diet.HALAL, arrival_date=date(2027, 8, 2),
          arrival_time=time(9, 15), arrival_transport="TV9801", hotel="康定情歌大酒店",
          room_sharing="赵波")
    enrol(event, "王芳", diet=Diet.VEGETARIAN, diet_note="不吃蛋")
    withdrawn = enrol(event, "张伟", diet=Diet.HALAL, arrival_date=date(2027, 8, 1))
    registration_review.cancel_registration(colleague, withdrawn)  # no longer holds a place

    response = client.get(f"/summits/{SLUG}/registrations/logistics.xlsx")

    assert response.status_code == 200
    assert response.mimetype == XLSX
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Arrivals", "Departures", "Rooming list", "Diet counts"]
    arrivals = xlsx_rows(response.data, "Arrivals")
    assert arrivals[0] == ["Date", "Time (Beijing time)", "Flight or train", "Name as on ID",
                           "Mobile phone", "Pick-up"]
    # Real date and time cells (openpyxl reads a date cell back as a datetime).
    assert [row[:4] + [row[5]] for row in arrivals[1:]] == [
        [datetime(2027, 8, 2), time(9, 15), "TV9801", "李娜", None],
        [datetime(2027, 8, 2), time(14, 30), "3U8888", "赵波", "✓"]]
    departures = xlsx_rows(response.data, "Departures")
    assert [row[:4] for row in departures[1:]] == [
        [datetime(2027, 8, 5), time(9), "G8602", "赵波"]]
    rooms = xlsx_rows(response.data, "Rooming list")
    assert [row[:3] for row in rooms[1:]] == [["康定情歌大酒店", "李娜", "赵波"],
                                             ["康定情歌大酒店", "赵波", "李娜"]]
    diets = xlsx_rows(response.data, "Diet counts")
    assert diets == [["Diet", "Count"], ["Halal", 1], ["Vegetarian", 2],
                     ["Vegetarian: 不吃蛋", "王芳"]]  # in words, never the stored code


# --- no dead ends on the public form -----------------------------------------------------

def test_the_form_starts_on_the_first_public_category(client, app):
    summit = factories.make_summit("invited-first")
    factories.make_category(summit, "guest", "嘉宾", public=False)
    factories.make_category(summit, "delegate", "代表")

    page = text(client.get("/summits/invited-first/register"))

    assert form_fields(page)["category"].selected == ["delegate"]
    # Sent as the browser shows it, it is accepted on the first try.
    response = client.post("/summits/invited-first/register", data=as_browser_sends(
        page, **{k: v for k, v in form_post().items() if k != "category"}))
    assert location(response) == "/summits/invited-first/register/thanks"


def test_every_error_shows_at_once_with_a_summary_at_the_top(client, event):
    response = client.post(f"/summits/{SLUG}/register",
                           data=form_post(category="guest", name="", phone=""))

    page = text(response)
    assert set(field_errors(page)) == {"category", "name", "phone"}
    summary = re.search(r'<div id="error-summary"[^>]*tabindex="-1"[^>]*>(.*?)</div>', page,
                        re.S)
    assert summary and "There are 3 problems" in summary.group(1)
    assert re.findall(r'href="#(\w+)"', summary.group(1)) == ["name", "category", "phone"]
    assert page.index('id="error-summary"') < page.index('<form method="post" novalidate')


def test_an_anonymous_registrant_sets_a_password_from_the_email_and_logs_in(client, event,
                                                                            mailbox):
    response = client.post(f"/summits/{SLUG}/register", data=form_post())
    thanks = text(client.get(location(response)))
    assert "the email has a link to set your password" in thanks

    [message] = mailbox.wait_for(1)
    link = link_in(mailbox.body(message), "/auth/reset/")
    set_password = client.post(link, data={"password": "康定 情歌 2027",
                                           "confirm": "康定 情歌 2027"})
    assert location(set_password) == "/auth/login"
    login = client.post("/auth/login", data={"email": "zhaobo@example.com",
                                             "password": "康定 情歌 2027"})
    assert login.status_code == 302
    mine = text(client.get("/registrations/mine"))
    assert "赵波" in mine and "Pending review" in mine
    # The link works once.
    assert location(client.post(link, data={"password": "another one 2027",
                                            "confirm": "another one 2027"})) == "/auth/forgot"


def test_a_registrant_with_an_account_is_not_sent_a_password_link(client, event, mailbox):
    factories.make_user("zhaobo@example.com")
    client.post(f"/summits/{SLUG}/register", data=form_post())
    [message] = mailbox.wait_for(1)
    assert "/auth/reset/" not in mailbox.body(message)
