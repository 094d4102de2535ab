"""Agreements signed at a signing-ceremony agenda item (services, on SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from summit.extensions import db
from summit.models import AgendaItem, Agreement, AuditEntry, Role
from summit.services.agreements import (
    ceremony as agreement_ceremony,
    edits as agreement_edits,
    signing as agreements,
)
from summit.services.core.errors import ValidationFailed
from tests.support import factories
from tests.support.agreements import CEREMONY_DAY as DAY

NOW = datetime(2018, 6, 1, 8, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("english")


def test_without_a_signing_time_the_ceremony_start_in_the_summit_zone_is_used(
        summit, agreements_officer, ceremony):
    assert summit.timezone == "Asia/Shanghai"
    agreement = factories.make_agreement(summit, agreements_officer, signed_at=None,
                                         ceremony_item_id=ceremony.id, now=NOW)
    # make_agreement fills a default time when given None: record through the service instead.
    assert agreement.ceremony_item_id == ceremony.id

    details = agreement_edits.details_of(agreement)
    details.title, details.signed_at = "第二份协议", None
    second = agreements.record_agreement(agreements_officer, summit, details, now=NOW)

    db.session.expire_all()
    stored = db.session.get(Agreement, second.id)
    assert stored.ceremony_item.uid == ceremony.uid
    # 09:50 in Asia/Shanghai is 01:50 UTC.
    assert stored.signed_at.astimezone(UTC) == datetime(2017, 8, 3, 1, 50,
                                                                 tzinfo=UTC)
    entry = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "agreement.record").order_by(AuditEntry.id.desc())).first()
    assert entry.after["ceremony_item_id"] == ceremony.id


def test_a_given_signing_time_wins_over_the_ceremony_start(summit, agreements_officer, ceremony):
    signed = datetime(2017, 8, 3, 2, 15, tzinfo=UTC)
    agreement = factories.make_agreement(summit, agreements_officer, signed_at=signed,
                                         ceremony_item_id=ceremony.id, now=NOW)
    db.session.expire_all()
    stored = db.session.get(Agreement, agreement.id)
    assert stored.signed_at.astimezone(UTC) == signed
    assert stored.ceremony_item_id == ceremony.id


@pytest.mark.parametrize("case", ["unknown", "other_summit", "wrong_kind", "not_a_number"])
def test_only_a_signing_ceremony_of_the_same_summit_is_accepted(summit, agreements_officer,
                                                                ceremony, case):
    other = factories.make_summit("other-summit")
    item_id = {
        "unknown": 999_999,
        "other_summit": factories.make_item(other, day=DAY, kind="signing_ceremony").id,
        "wrong_kind": factories.make_item(summit, day=DAY, kind="speech",
                                          title_zh="主旨演讲").id,
        "not_a_number": "3",
    }[case]
    with pytest.raises(ValidationFailed) as error:
        factories.make_agreement(summit, agreements_officer, ceremony_item_id=item_id, now=NOW)
    assert error.value.field == "ceremony_item_id"
    message = str(error.value.message)
    assert {"unknown": "no such agenda item", "other_summit": "no such agenda item",
            "wrong_kind": "“主旨演讲” is not a signing ceremony",
            "not_a_number": "whole number"}[case] in message
    assert db.session.scalar(db.select(db.func.count()).select_from(Agreement)) == 0


def test_the_signing_record_correction_sets_and_clears_the_ceremony(summit, agreements_officer,
                                                                    ceremony):
    agreement = factories.make_agreement(summit, agreements_officer, now=NOW)
    details = agreement_edits.details_of(agreement)
    assert details.ceremony_item_id is None
    details.ceremony_item_id = ceremony.id
    agreement_edits.correct_signing_record(agreements_officer, agreement, details, now=NOW)
    assert db.session.get(Agreement, agreement.id).ceremony_item_id == ceremony.id
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "agreement.correct"))
    assert (entry.before["ceremony_item_id"], entry.after["ceremony_item_id"]) == (
        None, ceremony.id)

    details = agreement_edits.details_of(agreement)
    details.ceremony_item_id = factories.make_item(summit, day=DAY, kind="salon").id
    with pytest.raises(ValidationFailed):
        agreement_edits.correct_signing_record(agreements_officer, agreement, details, now=NOW)
    db.session.rollback()
    details.ceremony_item_id = None
    agreement_edits.correct_signing_record(agreements_officer, agreement, details, now=NOW)
    assert db.session.get(Agreement, agreement.id).ceremony_item_id is None


def test_deleting_the_agenda_item_keeps_the_agreement(summit, agreements_officer, ceremony):
    agreement = factories.make_agreement(summit, agreements_officer,
                                         ceremony_item_id=ceremony.id, now=NOW)
    db.session.execute(db.delete(AgendaItem).where(AgendaItem.id == ceremony.id))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).ceremony_item_id is None


def test_only_readers_of_agreements_see_what_was_signed_at_a_ceremony(summit, agreements_officer,
                                                                      ceremony):
    first = factories.make_agreement(summit, agreements_officer, "第一份",
                                     ceremony_item_id=ceremony.id,
                                     signed_at=datetime(2017, 8, 3, 2, 0, tzinfo=UTC),
                                     now=NOW)
    second = factories.make_agreement(summit, agreements_officer, "第二份",
                                      ceremony_item_id=ceremony.id,
                                      signed_at=datetime(2017, 8, 3, 1, 55, tzinfo=UTC),
                                      now=NOW)
    factories.make_agreement(summit, agreements_officer, "别处签的", now=NOW)
    official = factories.make_member(summit, Role.OFFICIAL, "official@example.com")
    press = factories.make_member(summit, Role.MEDIA_OFFICER, "media@example.com")

    for reader in (agreements_officer, official):
        signed = agreement_ceremony.signed_at_item(reader, summit, ceremony.uid)
        assert [a.id for a in signed] == [second.id, first.id]
    assert agreement_ceremony.signed_at_item(press, summit, ceremony.uid) is None
    assert agreement_ceremony.signed_at_item(None, summit, ceremony.uid) is None
    assert [i.id for i in agreement_ceremony.ceremony_items(summit)] == [ceremony.id]
