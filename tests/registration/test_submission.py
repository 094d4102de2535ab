"""Delegate registration: submission, invitations, delegations, capacity and waiting list,
moderation, self-service, lists. Service rules only, no HTTP."""
from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from summit.extensions import db
from summit.models import (
    AuditEntry,
    Delegation,
    IdDocumentType,
    Invitation,
    Registration,
    RegistrationStatus,
    Role,
    Summit,
    User,
)
from summit.services.core.errors import Conflict, DomainError, NotAllowed, ValidationFailed
from summit.services.registration import (
    delegations,
    editing,
    lists as registration_lists,
    review as registration_review,
    submission as registrations,
)
from summit.services.registration.submission import RegistrationDetails
from tests.support import factories

pytestmark = pytest.mark.usefixtures("english")

S = RegistrationStatus
NOW = datetime(2027, 7, 1, 9, 0, tzinfo=UTC)
TITLE_EN = "Sichuan Tibetan Areas E-commerce Conference"
TITLE_ZH = "四川藏区电子商务扶贫大会"
VALID_ID = "11010519491231002X"


@pytest.fixture
def conference(event) -> Summit:
    """The test summit under the conference's own slug and titles, for the tests of what the
    emails and the calendar file show."""
    set_summit(event, slug="kangding-2027", title_zh=TITLE_ZH, title_en=TITLE_EN)
    return event


@pytest.fixture
def registrar(event) -> User:
    return factories.make_user("registrar@example.com", name="丹巴县联络员")


@pytest.fixture
def registrars_delegation(event, organiser, registrar) -> Delegation:
    """丹巴县's delegation of two, whose members its registrar adds."""
    return delegations.save_delegation(organiser, event, name="丹巴县代表团", county="丹巴县",
                                       quota=2, registrar_email=registrar.email, now=NOW)


def person(name: str = "赵波", email: str | None = None, category: str = "delegate",
           **overrides) -> RegistrationDetails:
    """Details as a form would send them; a distinct email by default."""
    values = dict(name=name, email=email or f"{names_counter()}@example.com", category=category,
                  organisation_name="甘孜州商务局", position="科长", phone="13812345678",
                  locale="en")
    values.update(overrides)
    return RegistrationDetails(**values)


_emails = iter(range(1, 100_000))


def names_counter() -> str:
    return f"person{next(_emails)}"


def register(summit: Summit, details: RegistrationDetails | None = None, *,
             at: datetime = NOW, notify: bool = False, **kwargs) -> Registration:
    return registrations.register_delegate(summit, details or person(), now=at, notify=notify,
                                           **kwargs)


def set_summit(summit: Summit, **values) -> None:
    for key, value in values.items():
        setattr(summit, key, value)
    db.session.commit()


def category(summit: Summit, code: str):
    return next(c for c in summit.categories if c.code == code)


def audit_trail(registration: Registration) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.object_type == "registrations",
        AuditEntry.object_id == str(registration.id)).order_by(AuditEntry.id)))


def row_count(summit: Summit | None = None) -> int:
    query = db.select(db.func.count(Registration.id))
    if summit is not None:
        query = query.where(Registration.summit_id == summit.id)
    return db.session.scalar(query)


def found(summit: Summit, q: str) -> list[str]:
    return [r.name for r in db.session.scalars(registration_lists.search_query(summit, q=q))]


def reload(registration: Registration) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


def subject(message) -> str:
    # The stdlib folds a long Subject as "Subject:\n text" and parses it back with the
    # folding space in front; mail clients drop it.
    return message["Subject"].strip()


def ics_of(message) -> tuple[str, str, str]:
    """(file name, MIME type, text) of the one calendar attachment."""
    attachments = list(message.iter_attachments())
    assert len(attachments) == 1
    part = attachments[0]
    return (part.get_filename(), part.get_content_type(),
            part.get_payload(decode=True).decode("utf-8"))


# --- submission ---------------------------------------------------------------------------

def test_register_stores_a_pending_registration_with_derived_pinyin(event):
    registration = register(event, person("赵波", "Zhao.Bo@Example.COM",
                                          phone="+86 138-1234-5678",
                                          id_type=IdDocumentType.RESIDENT_ID,
                                          id_number="11010519491231002x"))

    stored = reload(registration)
    assert stored.status is S.PENDING
    assert stored.name == "赵波"
    assert stored.name_pinyin == "ZHAO Bo"
    assert stored.pinyin_overridden is False
    assert stored.email == "zhao.bo@example.com"
    assert stored.phone == "13812345678"
    assert stored.id_number == VALID_ID
    assert stored.category.code == "delegate"
    assert stored.created_at == NOW
    assert stored.user_id is None and stored.delegation_id is None
    assert stored.sort_key == "zhaobo"


def test_register_writes_an_audit_entry(event):
    registration = register(event, person("赵波", "zhao@example.com"))

    [entry] = audit_trail(registration)
    assert entry.action == "registration.create"
    assert entry.actor_id is None
    assert entry.summit_id == event.id
    assert entry.at == NOW
    assert entry.before is None
    assert entry.after["status"] == "pending"
    assert entry.after["name_pinyin"] == "ZHAO Bo"
    assert entry.after["email"] == "zhao@example.com"


def test_register_by_a_logged_in_user_links_the_registration_to_them(event):
    user = factories.make_user("delegate@example.com")

    registration = register(event, person(email="delegate@example.com"), actor=user)

    assert reload(registration).user_id == user.id
    assert audit_trail(registration)[0].actor_id == user.id


def test_register_sends_the_received_email_to_the_real_smtp_server(conference, mailbox):
    register(conference, person("赵波", "zhao@example.com", name_native=""), notify=True)

    [message] = mailbox.wait_for(1)
    assert message["To"] == "zhao@example.com"
    assert subject(message) == f"We have received your registration for {TITLE_EN}"
    body = mailbox.body(message)
    assert "赵波" in body and "ZHAO Bo" in body
    assert "Thank you for registering" in body
    assert "http://localhost/" in body


def test_received_email_in_chinese_names_the_summit_in_chinese(conference, mailbox):
    register(conference, person("赵波", "zhao@example.com", locale="zh_Hans"), notify=True)

    [message] = mailbox.wait_for(1)
    assert TITLE_ZH in subject(message)
    assert TITLE_EN not in subject(message)


def test_pinyin_override_is_kept_and_flagged(event):
    overridden = register(event, person("赵波", name_pinyin="CHAO Po"))
    same = register(event, person("赵波", name_pinyin="ZHAO Bo"))

    assert (overridden.name_pinyin, overridden.pinyin_overridden) == ("CHAO Po", True)
    assert overridden.sort_key == "chaopo"
    assert (same.name_pinyin, same.pinyin_overridden) == ("ZHAO Bo", False)


def test_tibetan_native_name_gives_pinyin_without_surname(event, mailbox):
    registration = register(event, person("泽仁拉姆", "zeren@example.com",
                                          name_native="ཚེ་རིང་ལྷ་མོ"), notify=True)

    assert registration.name_pinyin == "Zeren Lamu"
    assert found(event, "ཚེ་རིང") == ["泽仁拉姆"]
    assert found(event, "zeren lamu") == ["泽仁拉姆"]
    body = mailbox.body(mailbox.wait_for(1)[0])
    assert "泽仁拉姆 / ཚེ་རིང་ལྷ་མོ (Zeren Lamu)" in body


@pytest.mark.parametrize("query", ["趙波", "赵波", "zhaobo", "zhao bo", "Zhao", "ZHAO BO"])
def test_search_finds_a_traditional_name_whatever_form_is_typed(event, query):
    register(event, person("趙波"))
    register(event, person("钱波"))
    register(event, person("白雪"))

    assert found(event, query) == ["趙波"]


def test_search_also_matches_email_and_organisation(event):
    register(event, person("赵波", "zhao@county.gov.cn", organisation_name="丹巴县商务局"))
    register(event, person("白雪", "bai@example.com", organisation_name="甘孜州商务局"))

    assert found(event, "county.gov") == ["赵波"]
    assert found(event, "丹巴县") == ["赵波"]
    assert found(event, "100%") == []  # LIKE wildcards are escaped


@pytest.mark.parametrize(("overrides", "field"), [
    ({"name": "   "}, "name"),
    ({"name": "赵" * 10_000}, "name"),
    ({"phone": "12345"}, "phone"),
    ({"id_type": IdDocumentType.RESIDENT_ID, "id_number": VALID_ID[:17] + "1"}, "id_number"),
    ({"id_number": "E12345678"}, "id_type"),
    ({"id_type": IdDocumentType.PASSPORT}, "id_number"),
    ({"id_type": IdDocumentType.PASSPORT, "id_number": "E" * 33}, "id_number"),
    ({"arrival_date": date(2027, 8, 3), "departure_date": date(2027, 8, 2)}, "departure_date"),
    ({"category": "nonexistent"}, "category"),
])
def test_bad_personal_data_is_refused_on_its_field_and_nothing_is_stored(event, overrides,
                                                                         field):
    with pytest.raises(ValidationFailed) as caught:
        register(event, person(**overrides))

    assert caught.value.field == field
    assert row_count() == 0


# --- registration window ------------------------------------------------------------------

def test_registration_after_the_closing_time_is_refused(event):
    set_summit(event, registration_closes_at=NOW - timedelta(days=1))

    with pytest.raises(DomainError) as caught:
        register(event, person())

    assert type(caught.value) is DomainError
    assert str(caught.value) == "Registration for this summit is closed."
    assert row_count() == 0


def test_registration_before_the_opening_time_is_refused(event):
    set_summit(event, registration_opens_at=NOW + timedelta(hours=1))

    with pytest.raises(DomainError):
        register(event, person())
    assert row_count() == 0


def test_registration_inside_the_window_is_accepted(event):
    set_summit(event, registration_opens_at=NOW - timedelta(days=1),
               registration_closes_at=NOW + timedelta(days=1))

    assert register(event, person()).status is S.PENDING


def test_organisers_can_still_register_people_after_the_window(event, organiser):
    set_summit(event, registration_closes_at=NOW - timedelta(days=1))

    registration = register(event, person(), actor=organiser)

    assert registration.status is S.PENDING
    assert registration.user_id is None  # registered on someone's behalf


# --- invitation-only categories and invitation codes --------------------------------------

def invite(actor: User, summit: Summit, *, code: str | None = "guest", max_uses: int = 1,
           expires_at: datetime | None = None, delegation: Delegation | None = None):
    return delegations.create_invitation(
        actor, summit, category=category(summit, code) if code else None, delegation=delegation,
        max_uses=max_uses, expires_at=expires_at, now=NOW)


def test_invitation_only_category_without_a_code_is_refused(event):
    with pytest.raises(ValidationFailed) as caught:
        register(event, person(category="guest"))

    assert caught.value.field == "category"
    assert row_count() == 0


def test_a_valid_code_opens_the_category_and_counts_a_use(event, organiser):
    invitation = invite(organiser, event, max_uses=2, expires_at=NOW + timedelta(days=7))

    registration = register(event, person(category="guest"),
                            invitation_code=f"  {invitation.code.lower()} ")

    assert registration.category.code == "guest"
    assert registration.invitation_id == invitation.id
    assert registration.status is S.PENDING
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).uses == 1


def test_a_used_up_code_is_refused(event, organiser):
    invitation = invite(organiser, event, max_uses=1)
    register(event, person(category="guest"), invitation_code=invitation.code)

    with pytest.raises(ValidationFailed) as caught:
        register(event, person(category="guest"), invitation_code=invitation.code)

    assert caught.value.field == "invitation_code"
    assert str(caught.value) == "This invitation code has been used up."
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).uses == 1
    assert row_count() == 1


def test_an_expired_code_is_refused(event, organiser):
    invitation = invite(organiser, event, expires_at=NOW - timedelta(minutes=1))

    with pytest.raises(ValidationFailed) as caught:
        register(event, person(category="guest"), invitation_code=invitation.code)

    assert caught.value.field == "invitation_code"
    assert str(caught.value) == "This invitation code has expired."
    assert row_count() == 0


def test_a_code_of_another_summit_is_refused(event, organiser):
    other = factories.make_summit("chengdu-2027")
    factories.make_category(other, "guest", "嘉宾", public=False)
    factories.grant(organiser, other, Role.ORGANISER)
    foreign = invite(organiser, other)

    with pytest.raises(ValidationFailed) as caught:
        register(event, person(category="guest"), invitation_code=foreign.code)

    assert caught.value.field == "invitation_code"
    assert row_count() == 0
    db.session.expire_all()
    assert db.session.get(Invitation, foreign.id).uses == 0


def test_an_unknown_code_is_refused(event):
    with pytest.raises(ValidationFailed) as caught:
        register(event, person(), invitation_code="NOSUCHCD")
    assert caught.value.field == "invitation_code"


def test_the_invitations_category_overrides_the_chosen_one(event, organiser):
    invitation = invite(organiser, event)

    registration = register(event, person(category="delegate"), invitation_code=invitation.code)

    assert registration.category.code == "guest"


def test_an_invitation_bound_to_a_delegation_puts_the_person_in_it(event, organiser,
                                                                   registrars_delegation):
    invitation = invite(organiser, event, code=None, delegation=registrars_delegation, max_uses=5)

    registration = register(event, person(category="delegate"), invitation_code=invitation.code)

    assert registration.delegation_id == registrars_delegation.id
    assert registration.category.code == "delegate"


def test_a_quota_refusal_does_not_spend_the_invitation(event, organiser, registrar):
    small = delegations.save_delegation(organiser, event, name="雅江县代表团", county="雅江县",
                                        quota=1, registrar_email=registrar.email)
    invitation = invite(organiser, event, code=None, delegation=small, max_uses=3)
    register(event, person(), invitation_code=invitation.code)

    with pytest.raises(Conflict) as caught:
        register(event, person(), invitation_code=invitation.code)
    assert caught.value.field == "delegation"
    register(event, person())  # an unrelated registration commits afterwards

    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).uses == 1
    assert row_count() == 2


# --- duplicates ---------------------------------------------------------------------------

def test_the_same_email_twice_at_one_summit_is_a_conflict(event):
    register(event, person("赵波", "zhao@example.com"))

    with pytest.raises(Conflict) as caught:
        register(event, person("趙波", " ZHAO@Example.com "))

    assert caught.value.field == "email"
    assert caught.value.status == 409
    assert str(caught.value) == "This email address is already registered for this summit."
    assert row_count() == 1


def test_the_same_email_at_another_summit_is_fine(event):
    other = factories.make_summit("chengdu-2027")
    factories.make_category(other, "delegate")
    first = register(event, person("赵波", "zhao@example.com"))

    second = register(other, person("赵波", "zhao@example.com"))

    assert first.status is S.PENDING and second.status is S.PENDING
    assert (row_count(event), row_count(other)) == (1, 1)


# --- capacity and waiting list ------------------------------------------------------------

def test_beyond_the_summit_capacity_registrations_are_waitlisted(conference, mailbox):
    set_summit(conference, capacity=2)

    statuses = [register(conference, person(category=code)).status
                for code in ("delegate", "expert", "delegate")]
    waiting = register(conference, person("白雪", "bai@example.com"), notify=True)

    assert statuses == [S.PENDING, S.PENDING, S.WAITLISTED]
    assert waiting.status is S.WAITLISTED
    [message] = mailbox.wait_for(1)
    assert subject(message) == f"You are on the waiting list for {TITLE_EN}"
    assert "waiting list" in mailbox.body(message)


def test_beyond_a_category_capacity_registrations_are_waitlisted(event):
    category(event, "delegate").capacity = 2
    db.session.commit()

    delegates = [register(event, person()).status for _ in range(3)]
    expert = register(event, person(category="expert")).status

    assert delegates == [S.PENDING, S.PENDING, S.WAITLISTED]
    assert expert is S.PENDING


def test_rejected_and_withdrawn_registrations_do_not_hold_places(event, organiser):
    set_summit(event, capacity=1)
    first = register(event, person())
    registration_review.reject_registration(organiser, first, "不符合条件", now=NOW)

    assert register(event, person()).status is S.PENDING
    assert register(event, person()).status is S.WAITLISTED


# --- delegations --------------------------------------------------------------------------

def test_the_registrar_adds_members_up_to_the_quota(event, registrar, registrars_delegation):
    members = [register(event, person(name), actor=registrar, delegation=registrars_delegation)
               for name in ("赵波", "白雪")]

    with pytest.raises(Conflict) as caught:
        register(event, person("安然"), actor=registrar, delegation=registrars_delegation)

    assert [m.delegation_id for m in members] == [registrars_delegation.id] * 2
    assert [m.status for m in members] == [S.PENDING, S.PENDING]
    assert caught.value.field == "delegation"
    assert "丹巴县代表团" in str(caught.value) and "2" in str(caught.value)
    assert [m.name for m in registration_lists.delegation_members(
        registrar, registrars_delegation)] == ["白雪", "赵波"]


def test_a_withdrawn_member_frees_a_place_in_the_quota(event, registrar, registrars_delegation):
    first = register(event, person(), actor=registrar, delegation=registrars_delegation)
    register(event, person(), actor=registrar, delegation=registrars_delegation)

    registration_review.cancel_registration(registrar, first, now=NOW)

    assert reload(first).status is S.WITHDRAWN
    assert register(event, person(), actor=registrar,
                    delegation=registrars_delegation).status is S.PENDING


def test_the_registrar_may_use_invitation_only_categories_for_members(event, registrar,
                                                                      registrars_delegation):
    member = register(event, person(category="guest"), actor=registrar,
                      delegation=registrars_delegation)

    assert member.category.code == "guest"


@pytest.mark.parametrize("who", ["stranger", "other_registrar", "anonymous"])
def test_only_the_delegations_registrar_can_add_to_it(event, organiser, registrars_delegation,
                                                      who):
    actor = None
    if who != "anonymous":
        actor = factories.make_user(f"{who}@example.com")
    if who == "other_registrar":
        delegations.save_delegation(organiser, event, name="雅江县代表团", county="雅江县",
                                    quota=5, registrar_email=actor.email)

    with pytest.raises(NotAllowed):
        register(event, person(), actor=actor, delegation=registrars_delegation)
    assert row_count() == 0


# --- moderation ---------------------------------------------------------------------------

def test_approve_sends_an_email_with_the_summit_as_ics(conference, organiser, mailbox):
    registration = register(conference, person("赵波", "zhao@example.com"))

    registration_review.approve_registration(organiser, registration, now=NOW)

    stored = reload(registration)
    assert stored.status is S.APPROVED
    assert stored.decided_at == NOW
    [message] = mailbox.wait_for(1)
    assert message["To"] == "zhao@example.com"
    assert subject(message) == f"Your registration for {TITLE_EN} is approved"
    assert "approved" in mailbox.body(message)
    filename, mimetype, ics = ics_of(message)
    assert (filename, mimetype) == ("kangding-2027.ics", "text/calendar")
    assert ics.startswith("BEGIN:VCALENDAR")
    assert "BEGIN:VEVENT" in ics and f"SUMMARY:{TITLE_EN}" in ics
    assert "DTSTART;TZID=Asia/Shanghai:20270803T083000" in ics
    assert "DTEND;TZID=Asia/Shanghai:20270804T180000" in ics
    # RFC 5545: a TZID must be defined by a VTIMEZONE in the same file.
    assert "BEGIN:VTIMEZONE" in ics and "TZID:Asia/Shanghai" in ics


def test_the_ics_is_in_the_registrants_language(conference, organiser, mailbox):
    registration = register(conference, person(locale="zh_Hans"))

    registration_review.approve_registration(organiser, registration, now=NOW)

    _name, _type, ics = ics_of(mailbox.wait_for(1)[0])
    assert f"SUMMARY:{TITLE_ZH}" in ics


def test_approve_is_audited(event, organiser):
    registration = register(event, person())

    registration_review.approve_registration(organiser, registration, now=NOW)

    entry = audit_trail(registration)[-1]
    assert (entry.action, entry.actor_id, entry.at) == ("registration.approve", organiser.id,
                                                        NOW)
    assert entry.before == {"status": "pending", "status_reason": ""}
    assert entry.after == {"status": "approved", "status_reason": ""}


def test_only_organisers_approve_or_reject(event, registrar, registrars_delegation, mailbox):
    registration = register(event, person(), actor=registrar, delegation=registrars_delegation)

    with pytest.raises(NotAllowed):
        registration_review.approve_registration(registrar, registration, now=NOW)
    with pytest.raises(NotAllowed):
        registration_review.reject_registration(registrar, registration, "no", now=NOW)

    assert reload(registration).status is S.PENDING
    assert mailbox.messages == []


@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_requires_a_reason(event, organiser, mailbox, reason):
    registration = register(event, person())

    with pytest.raises(ValidationFailed) as caught:
        registration_review.reject_registration(organiser, registration, reason, now=NOW)

    assert caught.value.field == "reason"
    assert reload(registration).status is S.PENDING
    assert mailbox.messages == []


def test_reject_stores_the_reason_and_emails_it(conference, organiser, mailbox):
    registration = register(conference, person("赵波", "zhao@example.com"))

    registration_review.reject_registration(organiser, registration, "  名额已满，请明年再报。 ",
                                      now=NOW)

    stored = reload(registration)
    assert (stored.status, stored.status_reason) == (S.REJECTED, "名额已满，请明年再报。")
    [message] = mailbox.wait_for(1)
    assert message["To"] == "zhao@example.com"
    assert subject(message) == f"Your registration for {TITLE_EN}"
    assert "Reason: 名额已满，请明年再报。" in mailbox.body(message)
    entry = audit_trail(registration)[-1]
    assert entry.action == "registration.reject"
    assert entry.after == {"status": "rejected", "status_reason": "名额已满，请明年再报。"}


def test_a_too_long_reason_is_refused(event, organiser):
    registration = register(event, person())

    with pytest.raises(ValidationFailed) as caught:
        registration_review.reject_registration(organiser, registration, "x" * 501, now=NOW)
    assert caught.value.field == "reason"


@pytest.mark.parametrize(("start", "action"), [
    ("rejected", "approve"), ("approved", "approve"), ("approved", "reject"),
    ("rejected", "reject"), ("withdrawn", "approve"), ("cancelled", "reject"),
    ("waitlisted", "approve"), ("rejected", "cancel"), ("withdrawn", "cancel"),
    ("cancelled", "cancel"),
])
def test_illegal_transitions_are_conflicts(event, organiser, start, action):
    registration = register(event, person())
    registration.status = S(start)
    db.session.commit()
    trail_before = len(audit_trail(registration))

    with pytest.raises(Conflict) as caught:
        if action == "approve":
            registration_review.approve_registration(organiser, registration, now=NOW)
        elif action == "reject":
            registration_review.reject_registration(organiser, registration, "原因", now=NOW)
        else:
            registration_review.cancel_registration(organiser, registration, now=NOW)

    assert caught.value.field == "status"
    assert caught.value.status == 409
    assert reload(registration).status is S(start)
    assert len(audit_trail(registration)) == trail_before


def test_bulk_approve_reports_those_in_the_wrong_state(event, organiser, mailbox):
    pending = [register(event, person(name)) for name in ("赵波", "白雪", "安然")]
    rejected = register(event, person("钱波"))
    registration_review.reject_registration(organiser, rejected, "重复报名", now=NOW)
    foreign_summit = factories.make_summit("chengdu-2027")
    factories.make_category(foreign_summit, "delegate")
    foreign = register(foreign_summit, person("孙丽"))
    mailbox.clear()

    done, problems = registration_review.bulk_decide(
        organiser, event, [r.id for r in pending] + [rejected.id, foreign.id], "approve",
        now=NOW)

    assert done == 3
    assert len(problems) == 1 and problems[0].startswith("钱波: ")
    assert [reload(r).status for r in pending] == [S.APPROVED] * 3
    assert reload(rejected).status is S.REJECTED
    assert reload(foreign).status is S.PENDING  # another summit's row is not touched
    assert len(mailbox.wait_for(3)) == 3


def test_bulk_reject_needs_a_reason_and_uses_it(event, organiser):
    rows = [register(event, person()) for _ in range(2)]

    with pytest.raises(ValidationFailed) as caught:
        registration_review.bulk_decide(organiser, event, [r.id for r in rows], "reject")
    assert caught.value.field == "reason"
    with pytest.raises(ValidationFailed) as caught:
        registration_review.bulk_decide(organiser, event, [r.id for r in rows], "maybe")
    assert caught.value.field == "decision"

    done, problems = registration_review.bulk_decide(organiser, event, [r.id for r in rows],
                                               "reject", reason="资格不符", now=NOW)

    assert (done, problems) == (2, [])
    assert [(reload(r).status, reload(r).status_reason) for r in rows] == [
        (S.REJECTED, "资格不符")] * 2


def test_bulk_decide_needs_an_organiser(event, registrar):
    row = register(event, person())
    with pytest.raises(NotAllowed):
        registration_review.bulk_decide(registrar, event, [row.id], "approve")


# --- cancel and withdraw ------------------------------------------------------------------

def test_cancelling_an_approved_registration_makes_it_cancelled(event, organiser):
    owner = factories.make_user("owner@example.com")
    registration = register(event, person(email=owner.email), actor=owner)
    registration_review.approve_registration(organiser, registration, now=NOW)

    registration_review.cancel_registration(owner, registration, now=NOW)

    assert reload(registration).status is S.CANCELLED
    assert audit_trail(registration)[-1].action == "registration.cancel"


def test_cancelling_a_pending_registration_withdraws_it(event):
    owner = factories.make_user("owner@example.com")
    registration = register(event, person(email=owner.email), actor=owner)

    registration_review.cancel_registration(owner, registration, now=NOW)

    assert reload(registration).status is S.WITHDRAWN
    assert audit_trail(registration)[-1].action == "registration.withdraw"


def test_only_the_owner_registrar_or_organiser_may_cancel(event):
    owner = factories.make_user("owner@example.com")
    stranger = factories.make_user("stranger@example.com")
    registration = register(event, person(email=owner.email), actor=owner)

    with pytest.raises(NotAllowed):
        registration_review.cancel_registration(stranger, registration, now=NOW)
    with pytest.raises(NotAllowed):
        registration_review.cancel_registration(None, registration, now=NOW)
    assert reload(registration).status is S.PENDING


# --- waiting list promotion ---------------------------------------------------------------

def test_a_rejection_promotes_the_oldest_waitlisted(conference, organiser, mailbox):
    set_summit(conference, capacity=2)
    first = register(conference, person("赵波"), at=NOW)
    second = register(conference, person("白雪"), at=NOW + timedelta(minutes=1))
    oldest = register(conference, person("安然", "anran@example.com"),
                      at=NOW + timedelta(minutes=2))
    younger = register(conference, person("钱波"), at=NOW + timedelta(minutes=3))
    assert (oldest.status, younger.status) == (S.WAITLISTED, S.WAITLISTED)

    registration_review.reject_registration(organiser, first, "名额调整",
                                            now=NOW + timedelta(hours=1))

    assert [reload(r).status for r in (first, second, oldest, younger)] == [
        S.REJECTED, S.PENDING, S.PENDING, S.WAITLISTED]
    rejected_mail, promoted_mail = mailbox.wait_for(2)
    assert promoted_mail["To"] == "anran@example.com"
    assert subject(promoted_mail) == f"A place has freed up for you at {TITLE_EN}"
    assert "moved from the waiting list" in mailbox.body(promoted_mail)
    assert len(mailbox.messages) == 2
    entry = audit_trail(oldest)[-1]
    assert (entry.action, entry.actor_id) == ("registration.promote", None)
    assert entry.before["status"] == "waitlisted" and entry.after["status"] == "pending"


def test_a_cancellation_promotes_the_next_in_order(event, organiser, mailbox):
    set_summit(event, capacity=1)
    owner = factories.make_user("owner@example.com")
    holder = register(event, person(email=owner.email), actor=owner, at=NOW)
    registration_review.approve_registration(organiser, holder, now=NOW)
    waiting = [register(event, person(email=f"w{i}@example.com"),
                        at=NOW + timedelta(minutes=i)) for i in (1, 2)]
    mailbox.clear()

    registration_review.cancel_registration(owner, holder, now=NOW + timedelta(hours=1))

    assert [reload(r).status for r in waiting] == [S.PENDING, S.WAITLISTED]
    [message] = mailbox.wait_for(1)
    assert message["To"] == "w1@example.com"


def test_order_is_by_registration_time_not_by_row(event, organiser):
    set_summit(event, capacity=1)
    holder = register(event, person(), at=NOW)
    later = register(event, person("白雪"), at=NOW + timedelta(minutes=10))
    earlier = register(event, person("安然"), at=NOW + timedelta(minutes=5))  # inserted after

    registration_review.reject_registration(organiser, holder, "名额调整",
                                            now=NOW + timedelta(hours=1))

    assert (reload(earlier).status, reload(later).status) == (S.PENDING, S.WAITLISTED)


def test_a_waitlisted_person_whose_category_is_full_is_skipped(event, organiser, mailbox):
    set_summit(event, capacity=2)
    category(event, "delegate").capacity = 1
    db.session.commit()
    delegate = register(event, person("赵波"), at=NOW)
    expert = register(event, person("白雪", category="expert"), at=NOW + timedelta(minutes=1))
    blocked = register(event, person("安然"), at=NOW + timedelta(minutes=2))
    next_expert = register(event, person("钱波", "qian@example.com", category="expert"),
                           at=NOW + timedelta(minutes=3))
    assert (blocked.status, next_expert.status) == (S.WAITLISTED, S.WAITLISTED)

    registration_review.reject_registration(organiser, expert, "名额调整",
                                            now=NOW + timedelta(hours=1))

    assert reload(delegate).status is S.PENDING
    assert reload(blocked).status is S.WAITLISTED  # the delegate category is still full
    assert reload(next_expert).status is S.PENDING
    promoted = [m for m in mailbox.wait_for(2) if "freed up" in subject(m)]
    assert [m["To"] for m in promoted] == ["qian@example.com"]


def test_no_promotion_while_the_summit_is_still_full(event, organiser, mailbox):
    set_summit(event, capacity=1)
    holder = register(event, person(), at=NOW)
    waiting = register(event, person(), at=NOW + timedelta(minutes=1))
    registration_review.approve_registration(organiser, holder, now=NOW)
    mailbox.clear()

    promoted = registration_review.promote_waitlist(event, now=NOW + timedelta(hours=1))

    assert promoted == []
    assert reload(waiting).status is S.WAITLISTED
    assert mailbox.messages == []


# --- self-service edits -------------------------------------------------------------------

@pytest.fixture
def owner(event) -> User:
    return factories.make_user("owner@example.com")


@pytest.fixture
def own_registration(event, owner) -> Registration:
    set_summit(event, edit_deadline=NOW + timedelta(days=1))
    return register(event, person("赵波", owner.email), actor=owner)


def test_the_owner_edits_allowed_fields_before_the_deadline(event, owner, own_registration):
    changes = dataclasses.replace(
        registrations.details_of(own_registration), position="副县长", phone="+86 139 0000 0000",
        hotel="康定情歌大酒店", category="expert", email="elsewhere@example.com")

    editing.update_registration(owner, own_registration, changes, now=NOW)

    stored = reload(own_registration)
    assert (stored.position, stored.phone, stored.hotel) == ("副县长", "13900000000",
                                                             "康定情歌大酒店")
    # Category and email are not the delegate's to change.
    assert (stored.category.code, stored.email) == ("delegate", "owner@example.com")
    assert stored.updated_at == NOW
    entry = audit_trail(stored)[-1]
    assert entry.action == "registration.update"
    assert entry.before == {"position": "科长", "phone": "13812345678"}
    assert entry.after == {"position": "副县长", "phone": "13900000000"}


def test_changing_the_name_derives_the_pinyin_again(event, owner, own_registration):
    changes = dataclasses.replace(registrations.details_of(own_registration), name="钱波")

    editing.update_registration(owner, own_registration, changes, now=NOW)

    stored = reload(own_registration)
    assert (stored.name_pinyin, stored.pinyin_overridden) == ("QIAN Bo", False)
    assert stored.sort_key == "qianbo"
    assert found(event, "qian bo") == ["钱波"]
    assert found(event, "赵波") == []


def test_an_overridden_pinyin_survives_an_edit(event, owner, own_registration):
    editing.update_registration(owner, own_registration, dataclasses.replace(
        registrations.details_of(own_registration), name_pinyin="CHAO Po"), now=NOW)

    editing.update_registration(owner, own_registration, dataclasses.replace(
        registrations.details_of(own_registration), position="主任"), now=NOW)

    stored = reload(own_registration)
    assert (stored.name_pinyin, stored.pinyin_overridden, stored.position) == (
        "CHAO Po", True, "主任")


def test_the_owner_cannot_edit_after_the_deadline(event, owner, own_registration):
    changes = dataclasses.replace(registrations.details_of(own_registration), position="主任")

    with pytest.raises(DomainError) as caught:
        editing.update_registration(owner, own_registration, changes,
                                          now=NOW + timedelta(days=2))

    assert "deadline" in str(caught.value)
    assert reload(own_registration).position == "科长"


def test_staff_change_category_and_email_even_after_the_deadline(event, organiser,
                                                                 own_registration):
    changes = dataclasses.replace(registrations.details_of(own_registration),
                                  category="guest", email="New.Address@Example.com")

    editing.update_registration(organiser, own_registration, changes,
                                      now=NOW + timedelta(days=2))

    stored = reload(own_registration)
    assert (stored.category.code, stored.email) == ("guest", "new.address@example.com")
    entry = audit_trail(stored)[-1]
    assert entry.actor_id == organiser.id
    assert entry.after["email"] == "new.address@example.com"


def test_staff_cannot_move_someone_onto_a_taken_email(event, organiser, own_registration):
    register(event, person(email="taken@example.com"))
    changes = dataclasses.replace(registrations.details_of(own_registration),
                                  category="guest", email="taken@example.com")

    with pytest.raises(Conflict) as caught:
        editing.update_registration(organiser, own_registration, changes, now=NOW)
    assert caught.value.field == "email"
    db.session.commit()  # whatever the caller commits next must not carry half an edit

    stored = reload(own_registration)
    assert (stored.category.code, stored.email) == ("delegate", "owner@example.com")


def test_a_stranger_cannot_edit(event, own_registration):
    stranger = factories.make_user("stranger@example.com")
    with pytest.raises(NotAllowed):
        editing.update_registration(stranger, own_registration,
                                          registrations.details_of(own_registration), now=NOW)


def test_a_closed_registration_cannot_be_edited(event, owner, own_registration):
    registration_review.cancel_registration(owner, own_registration, now=NOW)

    with pytest.raises(Conflict):
        editing.update_registration(owner, own_registration, dataclasses.replace(
            registrations.details_of(own_registration), position="主任"), now=NOW)


def test_bad_data_in_an_edit_is_refused(event, owner, own_registration):
    with pytest.raises(ValidationFailed) as caught:
        editing.update_registration(owner, own_registration, dataclasses.replace(
            registrations.details_of(own_registration), phone="abc"), now=NOW)
    assert caught.value.field == "phone"
    assert reload(own_registration).phone == "13812345678"


# --- lists --------------------------------------------------------------------------------

@pytest.fixture
def crowd(event, organiser, registrar, registrars_delegation) -> dict[str, Registration]:
    rows = {
        "赵波": register(event, person("赵波")),
        "安然": register(event, person("安然", category="expert")),
        "欧阳娜娜": register(event, person("欧阳娜娜"), actor=registrar,
                         delegation=registrars_delegation),
        "白雪": register(event, person("白雪", category="expert")),
        "单雄信": register(event, person("单雄信"), actor=registrar,
                        delegation=registrars_delegation),
    }
    registration_review.approve_registration(organiser, rows["白雪"], now=NOW)
    registration_review.reject_registration(organiser, rows["单雄信"], "重复", now=NOW)
    return rows


def listed(organiser: User, summit: Summit, **filters) -> list[str]:
    return [r.name for r in registration_lists.list_registrations(organiser, summit,
                                                             **filters).items]


def test_list_sorts_by_pinyin(event, organiser, crowd):
    assert listed(organiser, event) == ["安然", "白雪", "欧阳娜娜", "单雄信", "赵波"]
    assert listed(organiser, event, sort="-name") == ["赵波", "单雄信", "欧阳娜娜", "白雪",
                                                       "安然"]


def test_list_filters_by_status_category_and_delegation(event, organiser, registrars_delegation,
                                                        crowd):
    assert listed(organiser, event, status="pending") == ["安然", "欧阳娜娜", "赵波"]
    assert listed(organiser, event, status="approved") == ["白雪"]
    assert listed(organiser, event, category="expert") == ["安然", "白雪"]
    delegation_id = registrars_delegation.id
    assert listed(organiser, event, delegation_id=delegation_id) == ["欧阳娜娜", "单雄信"]
    assert listed(organiser, event, delegation_id=delegation_id, status="pending") == ["欧阳娜娜"]
    assert listed(organiser, event, q="ouyang") == ["欧阳娜娜"]


def test_list_pages_and_totals(event, organiser, crowd):
    page = registration_lists.list_registrations(organiser, event, page=2, per_page=2)

    assert page.total == 5
    assert [r.name for r in page.items] == ["欧阳娜娜", "单雄信"]


def test_list_refuses_an_unknown_status(event, organiser, crowd):
    with pytest.raises(ValidationFailed) as caught:
        listed(organiser, event, status="lost")
    assert caught.value.field == "status"


def test_list_is_for_organisers(event, registrar, crowd):
    with pytest.raises(NotAllowed):
        registration_lists.list_registrations(registrar, event)


def test_list_shows_one_summit_only(event, organiser, crowd):
    other = factories.make_summit("chengdu-2027")
    factories.make_category(other, "delegate")
    register(other, person("陈晨"))

    assert "陈晨" not in listed(organiser, event)


def test_counts_by_status(event, crowd):
    assert registration_lists.counts_by_status(event) == {"pending": 3, "approved": 1,
                                                     "rejected": 1}


def test_registrations_of_a_user(event, owner, own_registration):
    other = factories.make_summit("chengdu-2027")
    factories.make_category(other, "delegate")
    by_email = register(other, person(email=owner.email), at=NOW + timedelta(days=1))

    assert [r.id for r in registration_lists.registrations_of(owner)] == [by_email.id,
                                                                     own_registration.id]
