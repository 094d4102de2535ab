"""Batch printing of badges: choosing, starting, the background run, reruns, failures, counts.
Service rules only, no HTTP; the jobs run on the app's in-process executor."""
from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale, gettext
from pypdf import PdfReader

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    AuditEntry,
    Badge,
    BadgeJob,
    BadgeSelection,
    BadgeSize,
    BadgeTemplate,
    Delegation,
    JobStatus,
    Registration,
    RegistrationStatus,
    Role,
    Summit,
    User,
)
from summit.services.badges import batches as badge_batches, issuing as badges
from summit.services.core import jobs, uploads
from summit.services.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from summit.services.registration import (
    delegations,
    review as registration_review,
    submission as registrations,
)
from summit.services.registration.submission import RegistrationDetails
from tests.support import factories

S = RegistrationStatus
SEL = BadgeSelection
NOW = datetime(2027, 7, 1, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def delegation_of_five(event, organiser) -> Delegation:
    """丹巴县代表团: five places, no registrar."""
    return delegations.save_delegation(organiser, event, name="丹巴县代表团", county="丹巴县",
                                       quota=5, registrar_email=None, now=NOW)


_emails = iter(range(1, 100_000))


def register(summit: Summit, organiser: User, name: str, *, category: str = "delegate",
             status: S = S.APPROVED, delegation: Delegation | None = None) -> Registration:
    details = RegistrationDetails(name=name, email=f"person{next(_emails)}@example.com",
                                  category=category, organisation_name="甘孜州商务局",
                                  position="科长", locale="en")
    registration = registrations.register_delegate(summit, details, actor=organiser,
                                                   delegation=delegation, now=NOW,
                                                   notify=False)
    registration.status = status
    db.session.commit()
    return registration


@pytest.fixture
def roster(event, organiser, delegation_of_five) -> dict[str, Registration]:
    """Four approved (two delegates, one in the delegation; an expert; a guest), and one
    registration in each state that gets no badge."""
    return {
        "anna": register(event, organiser, "Anna Schmidt"),
        "bo": register(event, organiser, "Bo Zhao", delegation=delegation_of_five),
        "chen": register(event, organiser, "Chen Li", category="expert"),
        "dan": register(event, organiser, "Dan Wu", category="guest"),
        "pending": register(event, organiser, "Eve Pending", status=S.PENDING),
        "rejected": register(event, organiser, "Fay Rejected", status=S.REJECTED,
                             delegation=delegation_of_five),
        "cancelled": register(event, organiser, "Gus Cancelled", status=S.CANCELLED,
                              category="expert"),
    }


def category(summit: Summit, code: str):
    return next(c for c in summit.categories if c.code == code)


def names(registrations_: list[Registration]) -> list[str]:
    return [r.name for r in registrations_]


def reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)))


def badge_of(registration: Registration) -> Badge | None:
    db.session.expire_all()
    return badges.badge_of(registration)


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def printed(app, organiser: User, summit: Summit, selection: BadgeSelection = SEL.ALL_APPROVED,
            size: BadgeSize = BadgeSize.A6, **kwargs) -> BadgeJob:
    """Start a batch, let the background executor finish it, and read the job back."""
    job = badge_batches.start(organiser, summit, selection, size, now=NOW, **kwargs)
    jobs.wait_idle(app)
    return reload(job)


# --- choosing -----------------------------------------------------------------------------

def test_all_approved_chooses_every_approved_registration_in_name_order(event, roster):
    chosen = badge_batches.choose(event, SEL.ALL_APPROVED)

    assert names(chosen) == ["Anna Schmidt", "Bo Zhao", "Chen Li", "Dan Wu"]


def test_category_chooses_the_approved_of_that_category(event, roster):
    assert names(badge_batches.choose(event, SEL.CATEGORY, category(event, "delegate"))) == [
        "Anna Schmidt", "Bo Zhao"]
    assert names(badge_batches.choose(event, SEL.CATEGORY, category(event, "expert"))) == [
        "Chen Li"]


def test_delegation_chooses_the_approved_of_that_delegation(event, roster, delegation_of_five):
    assert names(badge_batches.choose(event, SEL.DELEGATION, delegation=delegation_of_five)) == [
        "Bo Zhao"]


def test_category_and_delegation_selections_need_their_own_summits_choice(event, roster,
                                                                          organiser):
    other = factories.make_summit("chengdu-2027")
    foreign_category = factories.make_category(other, "delegate", "代表")
    factories.grant(organiser, other, Role.ORGANISER)
    foreign_delegation = delegations.save_delegation(organiser, other, name="外地代表团",
                                                     county="", quota=1,
                                                     registrar_email=None, now=NOW)

    for wrong in (None, foreign_category):
        with pytest.raises(ValidationFailed) as error:
            badge_batches.choose(event, SEL.CATEGORY, category=wrong)
        assert error.value.field == "category"
    for wrong in (None, foreign_delegation):
        with pytest.raises(ValidationFailed) as error:
            badge_batches.choose(event, SEL.DELEGATION, delegation=wrong)
        assert error.value.field == "delegation"


def test_choose_never_crosses_summits(event, roster, organiser):
    other = factories.make_summit("chengdu-2027")
    factories.make_category(other, "delegate", "代表")
    factories.grant(organiser, other, Role.ORGANISER)
    register(other, organiser, "Zed Elsewhere")

    assert "Zed Elsewhere" not in names(badge_batches.choose(event, SEL.ALL_APPROVED))
    assert names(badge_batches.choose(other, SEL.NOT_PRINTED)) == ["Zed Elsewhere"]


def test_not_printed_follows_printing_and_reissue(app, event, roster, organiser):
    assert names(badge_batches.choose(event, SEL.NOT_PRINTED)) == [
        "Anna Schmidt", "Bo Zhao", "Chen Li", "Dan Wu"]

    job = printed(app, organiser, event)
    assert job.status is JobStatus.DONE
    assert badge_batches.choose(event, SEL.NOT_PRINTED) == []

    badges.reissue(organiser, roster["chen"], now=NOW)
    assert names(badge_batches.choose(event, SEL.NOT_PRINTED)) == ["Chen Li"]

    # A registration approved after the batch has no badge yet: not printed either.
    registration_review.approve_registration(organiser, roster["pending"], now=NOW)
    assert names(badge_batches.choose(event, SEL.NOT_PRINTED)) == ["Chen Li", "Eve Pending"]


# --- starting -----------------------------------------------------------------------------

def test_start_records_the_chosen_badges_and_audits(event, roster, organiser, held):
    job = badge_batches.start(organiser, event, SEL.CATEGORY, BadgeSize.CR80,
                              category=category(event, "delegate"), now=NOW)

    stored = reload(job)
    chosen = [badge_of(roster["anna"]), badge_of(roster["bo"])]
    assert stored.badge_ids == [b.id for b in chosen]
    assert (stored.status, stored.total, stored.done) == (JobStatus.QUEUED, 2, 0)
    assert (stored.selection, stored.size) == (SEL.CATEGORY, BadgeSize.CR80)
    assert stored.category_id == category(event, "delegate").id
    assert stored.delegation_id is None
    assert stored.created_by_id == organiser.id
    assert stored.created_at == NOW
    assert len(stored.key) >= 16 and stored.key != str(stored.id)
    assert badge_batches.get(event, stored.key).id == stored.id
    assert held == [("badge_batch", stored.id)]
    [entry] = audit("badge_batch.start")
    assert entry.actor_id == organiser.id
    assert entry.after == {"selection": "category", "size": "cr80", "total": 2}
    # Badges are created for the chosen, and only for them.
    assert badge_of(roster["chen"]) is None
    assert all(b.printed_at is None for b in chosen)


def test_a_job_key_of_another_summit_is_not_found(event, roster, organiser, held):
    job = badge_batches.start(organiser, event, SEL.ALL_APPROVED, BadgeSize.A6, now=NOW)
    other = factories.make_summit("chengdu-2027")

    with pytest.raises(NotFound):
        badge_batches.get(other, job.key)
    with pytest.raises(NotFound):
        badge_batches.get(event, "no-such-key")


def test_a_batch_of_nothing_is_a_conflict(event, roster, organiser, held):
    empty = factories.make_category(event, "staff", "工作人员")

    with pytest.raises(Conflict, match="Nothing to print") as error:
        badge_batches.start(organiser, event, SEL.CATEGORY, BadgeSize.A6, category=empty,
                            now=NOW)

    assert error.value.field == "selection"
    assert db.session.scalar(db.select(db.func.count(BadgeJob.id))) == 0
    assert held == []
    assert audit("badge_batch.start") == []


def test_a_batch_of_nothing_on_an_empty_summit(event, organiser, held):
    with pytest.raises(Conflict, match="Nothing to print"):
        badge_batches.start(organiser, event, SEL.ALL_APPROVED, BadgeSize.A6, now=NOW)
    with pytest.raises(Conflict, match="Nothing to print"):
        badge_batches.start(organiser, event, SEL.NOT_PRINTED, BadgeSize.A6, now=NOW)


def test_revoked_badges_are_skipped(event, roster, organiser, held):
    badges.revoke(organiser, roster["bo"], "Lost", now=NOW)

    job = badge_batches.start(organiser, event, SEL.CATEGORY, BadgeSize.A6,
                              category=category(event, "delegate"), now=NOW)

    assert reload(job).badge_ids == [badge_of(roster["anna"]).id]
    assert job.total == 1


def test_a_batch_of_revoked_badges_only_is_a_conflict(event, roster, organiser, delegation_of_five,
                                                      held):
    badges.revoke(organiser, roster["bo"], "Lost", now=NOW)

    with pytest.raises(Conflict, match="every matching badge is revoked") as error:
        badge_batches.start(organiser, event, SEL.DELEGATION, BadgeSize.A6,
                            delegation=delegation_of_five, now=NOW)

    assert error.value.field == "selection"
    assert db.session.scalar(db.select(db.func.count(BadgeJob.id))) == 0
    assert held == []


def test_starting_a_batch_needs_the_badges_permission(event, roster, held):
    delegate = factories.make_user("delegate@example.com")
    factories.grant(delegate, event, Role.DELEGATE)
    outsider = factories.make_user("outsider@example.com")
    factories.grant(outsider, factories.make_summit("chengdu-2027"), Role.ORGANISER)

    for actor in (delegate, outsider):
        with pytest.raises(NotAllowed):
            badge_batches.start(actor, event, SEL.ALL_APPROVED, BadgeSize.A6, now=NOW)

    assert db.session.scalar(db.select(db.func.count(BadgeJob.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Badge.id))) == 0
    assert held == []


# --- the background run -------------------------------------------------------------------

def test_a_batch_prints_one_a6_page_per_badge_and_marks_them_printed(app, event, roster,
                                                                     organiser):
    job = printed(app, organiser, event)

    assert job.status is JobStatus.DONE
    assert (job.done, job.total, job.percent) == (4, 4, 100)
    assert job.error == ""
    assert job.marked_printed
    assert job.started_at is not None and job.finished_at >= job.started_at
    pdf = badge_batches.pdf_of(organiser, job)
    assert pdf.startswith(b"%PDF")
    assert job.file_size == len(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 4
    # In the order chosen: by name.
    assert ["Anna Schmidt" in p.extract_text() for p in reader.pages] == [True, False, False,
                                                                          False]
    assert "Dan Wu" in reader.pages[3].extract_text()
    chosen = [badge_of(roster[k]) for k in ("anna", "bo", "chen", "dan")]
    assert job.badge_ids == [b.id for b in chosen]
    for badge in chosen:
        assert badge.printed_at == job.finished_at
        assert badge.printed_version == badge.version == 1
        assert badge.printed_current
    [entry] = audit("badge_batch.printed")
    assert entry.actor_id is None
    assert entry.object_id == str(job.id)
    assert sorted(entry.after["badges"]) == sorted(job.badge_ids)
    assert badge_batches.status_json(job) == {
        "status": "done", "label": "Ready", "done": 4, "total": 4, "percent": 100,
        "error": ""}


@pytest.mark.parametrize("size, pages", [(BadgeSize.CR80, 2), (BadgeSize.A4_SHEET, 1)])
def test_other_sizes(app, event, roster, organiser, size, pages):
    job = printed(app, organiser, event, SEL.CATEGORY, size,
                  category=category(event, "delegate"))

    assert job.status is JobStatus.DONE, job.error
    pdf = badge_batches.pdf_of(organiser, job)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == pages
    width, height = (round(float(v) * 25.4 / 72) for v in reader.pages[0].mediabox[2:])
    assert (width, height) == ((86, 54) if size is BadgeSize.CR80 else (210, 297))


def test_a_batch_run_again_does_not_mark_printed_twice(app, event, roster, organiser):
    job = printed(app, organiser, event, SEL.CATEGORY, category=category(event, "delegate"))
    first_print = {b.id: b.printed_at for b in map(badge_of, (roster["anna"], roster["bo"]))}
    file_token, finished_at = job.file_token, job.finished_at

    # A duplicate delivery of a finished job does nothing.
    badge_batches.run(job.id)

    job = reload(job)
    assert (job.status, job.file_token, job.finished_at) == (JobStatus.DONE, file_token,
                                                            finished_at)
    assert {b.id: b.printed_at for b in map(badge_of, (roster["anna"], roster["bo"]))} == \
        first_print
    assert len(audit("badge_batch.printed")) == 1


def test_a_stalled_batch_run_again_prints_again_without_marking_again(app, event, roster,
                                                                       organiser):
    job = printed(app, organiser, event, SEL.CATEGORY, category=category(event, "delegate"))
    first_print = {b.id: b.printed_at for b in map(badge_of, (roster["anna"], roster["bo"]))}
    old_token = job.file_token
    # As if the worker died after the PDF was made and the badges marked, before it said so.
    job.status = JobStatus.RUNNING
    job.started_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    assert badge_batches.may_run_again(job)

    badge_batches.run_again(organiser, job)
    jobs.wait_idle(app)

    job = reload(job)
    assert job.status is JobStatus.DONE, job.error
    assert job.done == job.total == 2
    assert job.file_token != old_token
    assert page_count(badge_batches.pdf_of(organiser, job)) == 2
    with pytest.raises(NotFound):
        uploads.load(badge_batches.UPLOAD_KIND, old_token)
    assert {b.id: b.printed_at for b in map(badge_of, (roster["anna"], roster["bo"]))} == \
        first_print
    assert len(audit("badge_batch.printed")) == 1
    assert len(audit("badge_batch.retry")) == 1


def test_a_running_batch_is_not_run_again_before_it_is_stale(event, roster, organiser, held):
    job = badge_batches.start(organiser, event, SEL.ALL_APPROVED, BadgeSize.A6, now=NOW)
    assert not badge_batches.may_run_again(job)  # queued, never started
    job.status = JobStatus.RUNNING
    job.started_at = utcnow() - timedelta(minutes=5)
    db.session.commit()

    with pytest.raises(Conflict, match="failed or stalled"):
        badge_batches.run_again(organiser, job)
    assert badge_batches.may_run_again(job, now=utcnow() + timedelta(hours=1))
    assert held == [("badge_batch", job.id)]


def test_a_badge_reissued_after_the_batch_was_chosen_prints_its_new_version(
        event, roster, organiser, held):
    job = badge_batches.start(organiser, event, SEL.DELEGATION, BadgeSize.A6,
                              delegation=reload(roster["bo"]).delegation, now=NOW)
    badges.reissue(organiser, roster["bo"], now=NOW)

    badge_batches.run(job.id)

    badge = badge_of(roster["bo"])
    assert reload(job).status is JobStatus.DONE
    assert (badge.version, badge.printed_version) == (2, 2)
    assert "Bo Zhao" not in names(badge_batches.choose(event, SEL.NOT_PRINTED))


def test_a_badge_revoked_before_the_run_is_left_out(event, roster, organiser, held):
    job = badge_batches.start(organiser, event, SEL.CATEGORY, BadgeSize.A6,
                              category=category(event, "delegate"), now=NOW)
    badges.revoke(organiser, roster["bo"], "Lost", now=NOW)

    badge_batches.run(job.id)

    job = reload(job)
    assert job.status is JobStatus.DONE
    assert page_count(badge_batches.pdf_of(organiser, job)) == 1
    assert badge_of(roster["anna"]).printed_current
    assert badge_of(roster["bo"]).printed_at is None


def test_a_batch_whose_people_are_no_longer_approved_fails(event, roster, organiser, held):
    job = badge_batches.start(organiser, event, SEL.CATEGORY, BadgeSize.A6,
                              category=category(event, "expert"), now=NOW)
    registration_review.cancel_registration(organiser, roster["chen"], now=NOW)

    badge_batches.run(job.id)

    job = reload(job)
    assert job.status is JobStatus.FAILED
    assert "none of the chosen registrations is approved" in job.error
    assert job.file_token == ""
    assert badge_of(roster["chen"]).printed_at is None


def test_pdf_of_before_the_batch_is_done_is_a_conflict(event, roster, organiser, held):
    job = badge_batches.start(organiser, event, SEL.ALL_APPROVED, BadgeSize.A6, now=NOW)

    with pytest.raises(Conflict, match="no PDF yet") as error:
        badge_batches.pdf_of(organiser, job)
    assert error.value.field == "status"

    badge_batches.run(job.id)
    assert page_count(badge_batches.pdf_of(organiser, reload(job))) == 4


def test_pdf_of_and_run_again_need_the_badges_permission(app, event, roster, organiser):
    job = printed(app, organiser, event, SEL.DELEGATION,
                  delegation=reload(roster["bo"]).delegation)
    delegate = factories.make_user("delegate@example.com")
    factories.grant(delegate, event, Role.DELEGATE)

    with pytest.raises(NotAllowed):
        badge_batches.pdf_of(delegate, job)
    job.status = JobStatus.FAILED
    db.session.commit()
    with pytest.raises(NotAllowed):
        badge_batches.run_again(delegate, job)
    assert reload(job).status is JobStatus.FAILED


def test_running_again_a_done_batch_is_a_conflict(app, event, roster, organiser):
    job = printed(app, organiser, event, SEL.CATEGORY, category=category(event, "expert"))
    assert job.status is JobStatus.DONE

    with pytest.raises(Conflict, match="failed or stalled") as error:
        badge_batches.run_again(organiser, job)

    assert error.value.field == "status"
    assert reload(job).status is JobStatus.DONE
    assert audit("badge_batch.retry") == []


def break_template(category_, html: str = "{{ b.nosuch }}") -> None:
    """Store a template no organiser could save: validation is bypassed on purpose."""
    template = badges.template_of(category_)
    template.html = html
    db.session.add(template)
    db.session.commit()


def test_a_batch_with_a_broken_template_fails_and_may_run_again(app, event, roster,
                                                                organiser):
    expert = category(event, "expert")
    break_template(expert)

    job = printed(app, organiser, event, SEL.CATEGORY, category=expert)

    assert job.status is JobStatus.FAILED
    # Written by the background thread, in the summit's default language.
    with force_locale(app.config["BABEL_DEFAULT_LOCALE"]):
        about_template = gettext("A badge template cannot be used: %(reason)s", reason="")
    assert job.error.startswith(about_template)
    assert job.error.endswith("UndefinedError: 'dict object' has no attribute 'nosuch'")
    assert job.finished_at is not None
    assert not job.marked_printed
    assert badge_of(roster["chen"]).printed_at is None
    assert audit("badge_batch.printed") == []
    with pytest.raises(Conflict):
        badge_batches.pdf_of(organiser, job)
    assert badge_batches.may_run_again(job)
    assert badge_batches.status_json(job)["label"] == "Failed"

    # Fixed, and run again.
    template = db.session.scalar(db.select(BadgeTemplate).where(
        BadgeTemplate.category_id == expert.id))
    template.html = ""
    db.session.commit()
    again = badge_batches.run_again(organiser, job)
    assert (again.status, again.error, again.done) == (JobStatus.QUEUED, "", 0)
    jobs.wait_idle(app)

    job = reload(job)
    assert job.status is JobStatus.DONE, job.error
    assert job.error == ""
    assert page_count(badge_batches.pdf_of(organiser, job)) == 1
    assert badge_of(roster["chen"]).printed_current
    [retry] = audit("badge_batch.retry")
    assert retry.actor_id == organiser.id
    assert len(audit("badge_batch.printed")) == 1


SLOW_FOR_BO = ("{% if b.name == 'Bo Zhao' %}{% for i in range(100000) %}"
               "{% for j in range(100000) %}{% endfor %}{% endfor %}{% endif %}{{ b.name }}")


@pytest.mark.parametrize("processes", [
    pytest.param(1, id="in the job's process"),
    pytest.param(2, id="in render processes", marks=pytest.mark.app_config(
        BADGE_RENDER_PROCESSES=2, BADGE_CHUNK_SIZE=1)),
])
def test_a_template_too_slow_for_one_person_fails_the_batch_naming_them(
        app, event, roster, organiser, processes):
    """Saved while it was fine for the sample name; at printing, one person's badge takes
    forever. The batch stops with the reason, and runs again once the template is fixed."""
    delegate = category(event, "delegate")
    break_template(delegate, SLOW_FOR_BO)
    started = datetime.now(UTC)

    job = printed(app, organiser, event, SEL.CATEGORY, category=delegate)

    assert (datetime.now(UTC) - started).total_seconds() < 60  # not hours
    assert job.status is JobStatus.FAILED
    with force_locale(app.config["BABEL_DEFAULT_LOCALE"]):  # the job's language
        assert job.error == gettext(
            "This badge template takes too long to draw: the badge of %(name)s took more "
            "than %(seconds)s seconds. Make its loops shorter.", name="Bo Zhao", seconds=0.5)
    assert badge_of(roster["anna"]).printed_at is None
    assert badge_batches.may_run_again(job)

    break_template(delegate, "{{ b.name }}")
    badge_batches.run_again(organiser, job)
    jobs.wait_idle(app)

    job = reload(job)
    assert job.status is JobStatus.DONE, job.error
    assert page_count(badge_batches.pdf_of(organiser, job)) == 2


def test_a_badge_a_template_cannot_draw_is_a_conflict_not_a_crash(event, roster, organiser):
    break_template(category(event, "delegate"), SLOW_FOR_BO)
    badge = badges.ensure_badge(roster["bo"])

    with pytest.raises(Conflict, match="the badge of Bo Zhao took more than 0.5 seconds"):
        badges.render_badge(badge)
    assert badges.render_badge(badges.ensure_badge(roster["anna"])).startswith(b"%PDF")


def test_a_broken_template_of_a_category_not_in_the_batch_does_not_matter(app, event, roster,
                                                                         organiser):
    break_template(category(event, "guest"))

    job = printed(app, organiser, event, SEL.CATEGORY, category=category(event, "delegate"))

    assert job.status is JobStatus.DONE, job.error


# --- counts -------------------------------------------------------------------------------

def test_counts(app, event, roster, organiser):
    assert badge_batches.counts(event) == {"approved": 4, "printed": 0, "not_printed": 4,
                                           "revoked": 0}

    printed(app, organiser, event, SEL.CATEGORY, category=category(event, "delegate"))
    assert badge_batches.counts(event) == {"approved": 4, "printed": 2, "not_printed": 2,
                                           "revoked": 0}

    badges.reissue(organiser, roster["anna"], now=NOW)
    badges.revoke(organiser, roster["chen"], "Lost", now=NOW)
    badges.revoke(organiser, roster["cancelled"], "Left", now=NOW)
    assert badge_batches.counts(event) == {"approved": 4, "printed": 1, "not_printed": 3,
                                           "revoked": 2}

    registration_review.cancel_registration(organiser, roster["bo"], now=NOW)
    assert badge_batches.counts(event) == {"approved": 3, "printed": 0, "not_printed": 3,
                                           "revoked": 2}
    other = factories.make_summit("chengdu-2027")
    assert badge_batches.counts(other) == {"approved": 0, "printed": 0, "not_printed": 0,
                                           "revoked": 0}


def test_recent_lists_the_summits_jobs_newest_first(event, roster, organiser, held):
    first = badge_batches.start(organiser, event, SEL.ALL_APPROVED, BadgeSize.A6, now=NOW)
    second = badge_batches.start(organiser, event, SEL.CATEGORY, BadgeSize.A6,
                                 category=category(event, "expert"), now=NOW)

    assert [j.id for j in badge_batches.recent(event)] == [second.id, first.id]
    assert [j.id for j in badge_batches.recent(event, limit=1)] == [second.id]
    assert badge_batches.recent(factories.make_summit("chengdu-2027")) == []
