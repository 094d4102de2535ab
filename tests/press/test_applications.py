"""Press applications: drafts, submission, deadlines, resubmission after a request for more
information, per-person decisions, quotas, revocation, emails and the audit log."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from summit.extensions import db
from summit.models import AuditEntry, Badge, PersonStatus, PressStatus, Role
from summit.services.badges import issuing as badges
from summit.services.core.errors import Conflict, NotAllowed, ValidationFailed
from summit.services.press import (
    applications as press,
    badges as press_badges,
    files as press_files,
    queue as press_queue,
    review as press_review,
)
from tests.support import factories
from tests.support.press_factories import (
    applicant,
    details,
    letter_pdf,
    photo_jpeg,
    press_summit,
    submitted,
)

NOW = datetime(2027, 7, 1, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("english")


def decide(officer, application, decision, **kwargs):
    return press_review.decide(officer, application, press_review.Decision(decision, **kwargs),
                               now=NOW)


def actions(application) -> list[str]:
    return list(db.session.scalars(db.select(AuditEntry.action).where(
        AuditEntry.object_type == "press_applications",
        AuditEntry.object_id == str(application.id)).order_by(AuditEntry.id)))


def test_a_complete_application_is_submitted_with_its_crew(press_event, mailbox):
    application = submitted(press_event)

    assert application.status is PressStatus.SUBMITTED
    assert [(p.name, p.role.value, p.name_pinyin) for p in application.people] == [
        ("李娜", "reporter", "LI Na"), ("王强", "camera", "WANG Qiang"),
        ("次仁多吉", "sound", "CI Renduoji")]
    assert [z.code for z in application.requested_zones] == ["MAIN", "PRESS"]
    assert [(e.item, e.serial_number) for e in application.equipment] == [
        ("索尼 PXW-Z280", "SN-0451279")]
    assert application.card_warning is False
    assert actions(application) == ["press.submit"]
    message = mailbox.wait_for(1)[0]
    assert message["Subject"].startswith("Your media accreditation request")
    assert "四川电视台" in mailbox.body(message) and "3 people" in mailbox.body(message)


def test_an_odd_press_card_number_warns_the_officer_but_is_accepted(press_event):
    application = submitted(press_event, card="SC-12345")

    assert application.status is PressStatus.SUBMITTED
    assert application.card_warning is True
    flagged = press_queue.queue(factories.make_user(admin=True), press_event, warning=True)
    assert [a.id for a in flagged.items] == [application.id]


def test_a_draft_keeps_what_was_given_and_submitting_asks_for_the_rest(press_event):
    user = applicant(press_event)
    partial = press.ApplicationDetails(outlet_name="成都电视台", zone_codes=["MAIN"])

    draft = press.save_application(user, press_event, partial, now=NOW)
    assert draft.status is PressStatus.DRAFT and draft.outlet_name == "成都电视台"

    with pytest.raises(ValidationFailed) as refused:
        press.save_application(user, press_event, press.details_of(draft), application=draft,
                               submit=True, now=NOW)
    assert refused.value.field == "name"
    db.session.rollback()
    assert db.session.get(type(draft), draft.id).status is PressStatus.DRAFT


def test_a_summit_without_media_accreditation_refuses_applications(app):
    summit = factories.make_summit("no-press")
    user = factories.make_user()

    with pytest.raises(Conflict, match="does not accredit media"):
        press.save_application(user, summit, press.ApplicationDetails(outlet_name="x"))


def test_an_application_after_the_deadline_is_refused_with_the_deadline(app):
    summit = press_summit(press_deadline=datetime(2027, 7, 20, 16, 0, tzinfo=UTC))
    user = applicant(summit)

    with pytest.raises(Conflict) as refused:
        press.save_application(user, summit, details(user), submit=True,
                               now=datetime(2027, 7, 21, tzinfo=UTC))
    assert "closed on 2027-07-21 00:00 (Asia/Shanghai)" in str(refused.value)
    assert press.save_application(user, summit, details(user), submit=True,
                                  now=datetime(2027, 7, 20, tzinfo=UTC)).id


def test_one_active_application_per_account_and_summit(press_event):
    user = applicant(press_event)
    submitted(press_event, user)

    with pytest.raises(Conflict, match="already have an application"):
        press.save_application(user, press_event, details(user), submit=True, now=NOW)


def test_files_uploaded_by_someone_else_cannot_be_used(press_event):
    owner, thief = applicant(press_event), applicant(press_event, "thief@example.com")
    stolen = details(owner)

    with pytest.raises(ValidationFailed) as refused:
        press.save_application(thief, press_event, stolen, submit=True, now=NOW)
    assert refused.value.field == "photo"


def test_more_information_then_resubmission(press_event, press_officer, mailbox):
    application = submitted(press_event)
    user = application.user
    mailbox.clear()

    decide(press_officer, application, "needs_info", message="请补充摄像师的记者证。",
           internal_note="证件号待核实")
    assert application.status is PressStatus.NEEDS_INFO
    asked = mailbox.wait_for(1)[0]
    assert "more information needed" in asked["Subject"]
    assert "请补充摄像师的记者证。" in mailbox.body(asked)
    assert "证件号待核实" not in mailbox.body(asked)

    changed = press.details_of(application)
    changed.region = "成都市"
    press.save_application(user, press_event, changed, application=application, submit=True,
                           now=NOW)
    assert application.status is PressStatus.SUBMITTED and application.region == "成都市"
    assert actions(application) == ["press.submit", "press.needs_info", "press.resubmit"]


def test_approve_two_reject_one_issues_two_badges_with_the_approved_zones(
        press_event, press_officer, mailbox):
    application = submitted(press_event, zones=("MAIN", "PRESS", "VIP"))
    reporter, camera, sound = application.people
    mailbox.clear()

    decide(press_officer, application, "approve", zone_codes=["MAIN", "PRESS"],
           rejected_people=(sound.id,), reason_code="incomplete", message="欢迎采访")

    assert application.status is PressStatus.APPROVED
    assert [p.status for p in application.people] == [
        PersonStatus.APPROVED, PersonStatus.APPROVED, PersonStatus.REJECTED]
    assert sound.reason_code.value == "incomplete"
    assert [z.code for z in application.approved_zones] == ["MAIN", "PRESS"]
    issued = db.session.scalars(db.select(Badge).where(Badge.press_person_id.is_not(None))).all()
    assert sorted(b.press_person_id for b in issued) == sorted([reporter.id, camera.id])
    for badge in issued:
        assert badges.check_token(press_event, badges.token_for(badge)).result == "ok"
    body = mailbox.body(mailbox.wait_for(1)[0])
    assert "王强 (Camera operator): accredited" in body
    assert "次仁多吉 (Sound): not accredited (Incomplete)" in body
    assert "MAIN Main" in body and "VIP" not in body
    with pytest.raises(Conflict, match="not accredited"):
        press_badges.badge_for_download(application.user, application, sound.id)


def test_zones_beyond_the_request_and_rejecting_everyone_by_approval_are_refused(press_event,
                                                                                 press_officer):
    application = submitted(press_event)

    with pytest.raises(ValidationFailed, match="not: VIP"):
        decide(press_officer, application, "approve", zone_codes=["MAIN", "VIP"])
    db.session.rollback()
    with pytest.raises(ValidationFailed, match="at least one person"):
        decide(press_officer, application, "approve",
               rejected_people=tuple(p.id for p in application.people), reason_code="other")
    db.session.rollback()
    with pytest.raises(ValidationFailed, match="Choose a reason"):
        decide(press_officer, application, "reject")


def test_revoking_an_accreditation_makes_its_badges_fail_at_the_gate(press_event, press_officer,
                                                                     mailbox):
    application = submitted(press_event)
    decide(press_officer, application, "approve")
    tokens = [badges.token_for(press_badges.badge_of(p)) for p in application.people]
    mailbox.clear()

    decide(press_officer, application, "revoke", message="违反采访纪律")

    assert application.status is PressStatus.REVOKED
    assert [badges.check_token(press_event, t).result for t in tokens] == ["revoked"] * 3
    assert "revoked" in mailbox.wait_for(1)[0]["Subject"]
    with pytest.raises(Conflict, match="revoked"):
        press_badges.badge_for_download(press_officer, application)


def test_a_press_badge_of_someone_no_longer_accredited_answers_not_approved(
        press_event, press_officer):
    application = submitted(press_event)
    decide(press_officer, application, "approve")
    badge = press_badges.badge_of(application.people[1])
    application.people[1].status = PersonStatus.REJECTED
    db.session.commit()

    assert badges.check_token(press_event, badges.token_for(badge)).result == "not_approved"


def test_withdrawing_revokes_issued_badges(press_event, press_officer):
    application = submitted(press_event)
    decide(press_officer, application, "approve")
    token = badges.token_for(press_badges.badge_of(application.people[0]))

    press.withdraw(application.user, application, now=NOW)

    assert application.status is PressStatus.WITHDRAWN
    assert badges.check_token(press_event, token).result == "revoked"


def test_an_outlet_quota_refuses_approval_with_the_numbers(press_event, press_officer):
    press_review.set_quota(press_officer, press_event, "outlet", "四川 电视台", 2)
    application = submitted(press_event)

    with pytest.raises(Conflict) as refused:
        decide(press_officer, application, "approve")
    assert str(refused.value) == ("The quota for 四川电视台 is 2 people: 0 are already "
                                  "accredited and this approval would add 3.")
    db.session.rollback()
    decide(press_officer, application, "approve", rejected_people=(application.people[2].id,),
           reason_code="quota_full")
    assert press_review.quotas(press_officer, press_event)[0][1] == 2


def test_a_media_type_quota_counts_every_outlet_of_that_type(press_event, press_officer):
    press_review.set_quota(press_officer, press_event, "media_type", "tv", 4)
    first = submitted(press_event, crew=1)
    decide(press_officer, first, "approve")
    second = submitted(press_event, applicant(press_event, "cctv@example.com"), outlet="中央电视台")

    with pytest.raises(Conflict, match="2 are already accredited and this approval would add 3"):
        decide(press_officer, second, "approve")
    db.session.rollback()
    assert [(q.key, used) for q, used in press_review.quotas(press_officer, press_event)] == [
        ("tv", 2)]


def test_waitlisted_then_approved_and_wrong_transitions_refused(press_event, press_officer):
    application = submitted(press_event)
    decide(press_officer, application, "waitlist", message="名额已满，候补中")
    assert application.status is PressStatus.WAITLISTED
    decide(press_officer, application, "approve")
    assert application.status is PressStatus.APPROVED

    with pytest.raises(Conflict, match="cannot be decided this way"):
        decide(press_officer, application, "reject", reason_code="other")
    assert actions(application) == ["press.submit", "press.waitlist", "press.approve"]


def test_only_media_officers_and_organisers_decide(press_event):
    application = submitted(press_event)
    press_user = applicant(press_event, "other-press@example.com")
    organiser = factories.make_member(press_event, Role.ORGANISER, "org@example.com")

    with pytest.raises(NotAllowed):
        decide(press_user, application, "approve")
    db.session.rollback()
    decide(organiser, application, "reject", reason_code="not_news_outlet", message="非新闻机构")
    assert application.status is PressStatus.REJECTED
    assert {p.status for p in application.people} == {PersonStatus.REJECTED}


def test_decision_emails_are_in_the_applicants_language(press_event, press_officer, mailbox):
    application = submitted(press_event, locale="zh_Hant")
    mailbox.clear()

    decide(press_officer, application, "reject", reason_code="duplicate")

    message = mailbox.wait_for(1)[0]
    assert message["Subject"] == "测试峰会 媒體註冊"
    # zh_Hant is derived from zh_Hans by scripts/fill_zh_hant.py (OpenCC, Taiwan phrasing).
    assert "很抱歉，媒體審核人員未能批准 四川电视台 的註冊。" in mailbox.body(message)
    assert "重複申請" in mailbox.body(message)


def test_the_queue_hides_drafts_and_filters(press_event):
    user = applicant(press_event, "draft@example.com")
    press.save_application(user, press_event, press.ApplicationDetails(outlet_name="草稿台"),
                           now=NOW)
    tv = submitted(press_event)
    admin = factories.make_user(admin=True)

    assert [a.id for a in press_queue.queue(admin, press_event).items] == [tv.id]
    assert [a.id for a in press_queue.queue(admin, press_event, q="wang qiang").items] == [tv.id]
    assert press_queue.queue(admin, press_event, media_type="print").total == 0
    with pytest.raises(ValidationFailed):
        press_queue.queue(admin, press_event, status="bogus")


def test_the_photo_is_decoded_stripped_of_exif_and_scaled(app):
    original = photo_jpeg()
    assert b"SpyCam" in original
    clean = press_files.check_photo(original, "me.jpg")

    with Image.open(BytesIO(clean)) as image:
        assert image.format == "JPEG" and image.size == (300, 400)
        assert not image.getexif()
    assert b"SpyCam" not in clean


def test_uploaded_files_live_under_random_names_outside_the_web_root(app):
    token = press_files.store_letter(7, letter_pdf(), "派遣函.pdf")
    folder = Path(app.instance_path) / "uploads" / "press"

    assert (folder / f"{token}.bin").read_bytes() == letter_pdf()
    assert len(token) >= 32 and "派遣函" not in token
    assert not str(folder).startswith(str(Path(app.static_folder)))
    assert press_files.meta(token)["name"] == "派遣函.pdf"


def test_deadline_moves_with_the_summits_time_zone(app):
    summit = press_summit(press_deadline=datetime(2027, 7, 20, 16, 0, tzinfo=UTC))
    assert press.accreditation_open(summit, datetime(2027, 7, 20, 16, 0, tzinfo=UTC))
    assert not press.accreditation_open(summit, summit.press_deadline + timedelta(seconds=1))
