"""Anonymisation after the retention period: `flask privacy purge` (a dry run, then --apply,
then again) leaves no ID number, phone, email or photo of the people in the database dump or
the instance folder, while the figures the dashboards show stay the same."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from summit.extensions import db
from summit.models import Badge, PressApplication, Registration, Role, SentEmail, Summit
from summit.services.agreements import stats as agreement_stats
from summit.services.badges import issuing
from summit.services.registration import lists as registration_lists, review, submission
from summit.services.registration.submission import RegistrationDetails
from tests.support import factories, press_factories as pf

pytestmark = pytest.mark.usefixtures("english")

PEOPLE = [("赵波", "zhao.bo@example.com", "13812345678", "11010519491231002X"),
          ("扎西", "zhaxi@example.com", "13987654321", "E12345678")]
CARD = "510100201700123"


def figures(summit: Summit) -> tuple:
    summary = agreement_stats.summarise(agreement_stats.scope_for([summit]))
    press = db.session.execute(db.select(PressApplication.status, db.func.count()).where(
        PressApplication.summit_id == summit.id).group_by(PressApplication.status)).all()
    return (registration_lists.counts_by_status(summit), summary.total.count,
            summary.total.amount, sorted((s.value, n) for s, n in press))


def instance_bytes(app) -> bytes:
    return b"".join(path.read_bytes() for path in Path(app.instance_path).rglob("*")
                    if path.is_file())


def test_a_purge_leaves_nothing_of_the_people_but_the_figures(app, runner, database_dump):
    summit = pf.press_summit(starts_on=date(2017, 8, 3), ends_on=date(2017, 8, 4))
    factories.make_category(summit, "delegate")
    organiser = factories.make_member(summit, Role.ORGANISER, "organiser@example.com")
    for name, email, phone, number in PEOPLE:
        registration = submission.register_delegate(summit, RegistrationDetails(
            name=name, email=email, category="delegate", phone=phone, hotel="康定情歌大酒店",
            id_type=submission.IdDocumentType.PASSPORT, id_number=number,
            arrival_transport="3U8888"), actor=organiser, notify=False)
    review.approve_registration(organiser, registration)
    issuing.reissue(organiser, registration)  # 扎西 holds a badge
    application = pf.submitted(summit)
    account = application.user.email
    photos = [p.photo_token for p in application.people] + [application.letter_token]
    factories.make_agreement(summit, factories.make_member(
        summit, Role.AGREEMENTS_OFFICER, "ao@example.com"))
    before = figures(summit)
    db.session.commit()
    # The approval and the press receipt were emailed: their addresses are recorded, and
    # the dump check below proves the purge blanks them.
    assert set(db.session.scalars(db.select(SentEmail.address))) >= {PEOPLE[-1][1], account}

    dry = runner.invoke(args=["privacy", "purge"])
    assert "kangding-press: due 2018-01-31: 2 registrations, 1 press applications would " \
           "be anonymised (dry run)" in dry.output
    assert db.session.scalar(db.select(db.func.count()).where(
        Registration.phone == PEOPLE[0][2])) == 1

    applied = runner.invoke(args=["privacy", "purge", "--apply"])
    assert "2 registrations, 1 press applications anonymised" in applied.output, applied.output
    again = runner.invoke(args=["privacy", "purge", "--apply"])
    assert again.output.strip() == "No summit is past its retention period."

    db.session.expire_all()
    assert figures(summit) == before
    dump = database_dump()
    assert "匿名-" in dump and "康定" in dump  # the real dump, summit data kept
    leftovers = [value for _name, email, phone, number in PEOPLE
                 for value in (email, phone, number, "康定情歌大酒店", "3U8888")
                 if value in dump] + [v for v in (CARD, "王强") if v in dump]
    assert leftovers == []
    # The applicant's account (a login used across summits) keeps its name; nothing else.
    assert [line for line in dump.splitlines()
            if "李娜" in line and account not in line] == []
    folder = instance_bytes(app)
    for _name, email, phone, number in PEOPLE:
        for value in (email, phone, number):
            assert value.encode() not in folder
    uploads = {p.stem for p in Path(app.instance_path).rglob("*") if p.is_file()}
    assert not uploads & set(photos)
    assert all(badge.revoked_at is not None for badge in db.session.scalars(db.select(Badge)))
    assert db.session.get(Summit, summit.id).anonymised_at is not None
