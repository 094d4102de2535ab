"""Signing records and their append-only follow-up (services, on SQLite and PostgreSQL)."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale

from summit.extensions import db
from summit.models import (
    Agreement,
    AgreementStatus,
    AgreementUpdate,
    AuditEntry,
    MilestoneState,
    PartySide,
    Role,
    UpdateKind,
)
from summit.services.agreements import followup as agreement_followup, signing as agreements
from summit.services.core.errors import Conflict, NotAllowed, ValidationFailed
from tests.support import factories
from tests.support.agreements import NOW, funds, status

S = AgreementStatus

pytestmark = pytest.mark.usefixtures("english")


def test_a_signing_record_keeps_every_detail_and_is_audited(summit, agreements_officer):
    agreement = factories.make_agreement(summit, agreements_officer, amount="5000万",
                                         witnesses="赵波\n杨春轩", on_stage=True,
                                         expected_jobs=300, households_helped=2000)

    db.session.expire_all()
    stored = db.session.get(Agreement, agreement.id)
    assert stored.amount == Decimal("50000000.00")
    assert stored.status is S.SIGNED and stored.funds_in_place == Decimal("0.00")
    assert [(p.side, p.organisation, p.signatory_name) for p in stored.parties] == [
        (PartySide.A, "甘孜藏族自治州人民政府", "李兴文"),
        (PartySide.B, "四川川藏云商科技有限公司", "王海")]
    assert stored.witness_list == ["赵波", "杨春轩"] and stored.on_stage
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "agreement.record"))
    assert entry.object_id == str(agreement.id) and entry.after["amount"] == "50000000.00"


@pytest.mark.parametrize("amount", ["9999999999999999.99", "0.01", "12345678901234.56"])
def test_amounts_round_trip_exactly_on_both_databases(summit, agreements_officer, amount):
    agreement = factories.make_agreement(summit, agreements_officer, amount=amount)

    db.session.expire_all()
    assert str(db.session.get(Agreement, agreement.id).amount) == amount


def test_sums_in_the_database_are_exact(summit, agreements_officer):
    # 0.10 + 0.20 is not 0.30 in floating point; nor is 9999999999999999.99 a float.
    for amount in ("0.10", "0.20", "9999999999999999.99"):
        factories.make_agreement(summit, agreements_officer, title=f"协议 {amount}", amount=amount)

    total = db.session.scalar(db.select(db.func.sum(Agreement.amount)))

    assert isinstance(total, Decimal)
    assert str(total) == "10000000000000000.29"


@pytest.mark.parametrize("amount, message", [
    ("-5", "cannot be negative"), ("五千万", "as a number"), ("100.123", "two decimals")])
def test_a_bad_amount_is_refused_and_nothing_is_written(summit, agreements_officer, amount,
                                                        message):
    with pytest.raises(ValidationFailed, match=message) as caught:
        factories.make_agreement(summit, agreements_officer, amount=amount)
    assert caught.value.field == "amount"
    assert db.session.scalar(db.select(db.func.count(Agreement.id))) == 0


def test_parties_on_both_sides_are_required(summit, agreements_officer):
    details = agreements.AgreementDetails(
        title="意向书", kind=agreements.AgreementKind.INTENT, county="丹巴县", sector="文旅",
        amount="1", signed_at=NOW, parties=[agreements.PartyDetails(PartySide.A, "甘孜州")])
    with pytest.raises(ValidationFailed, match="side B") as caught:
        agreements.record_agreement(agreements_officer, summit, details, now=NOW)
    assert caught.value.field == "parties"


def test_only_agreements_officers_write(summit):
    official = factories.make_member(summit, Role.OFFICIAL, "official@example.com")
    with pytest.raises(NotAllowed):
        factories.make_agreement(summit, official)


def test_the_lifecycle_moves_forward_and_records_each_step(summit, agreements_officer):
    agreement = factories.make_agreement(summit, agreements_officer)

    status(agreements_officer, agreement, S.CONTRACTED)
    status(agreements_officer, agreement, S.IN_PRODUCTION)  # a stage may be skipped
    status(agreements_officer, agreement, S.LANDED)

    rows = db.session.scalars(db.select(AgreementUpdate).order_by(AgreementUpdate.id)).all()
    assert [(r.status_from, r.status_to) for r in rows] == [
        (S.SIGNED, S.CONTRACTED), (S.CONTRACTED, S.IN_PRODUCTION), (S.IN_PRODUCTION, S.LANDED)]
    assert agreement.status is S.LANDED
    assert agreement_followup.next_statuses(agreement) == []


@pytest.mark.parametrize("start, target", [
    (S.CONTRACTED, S.SIGNED), (S.LANDED, S.IN_PRODUCTION), (S.LANDED, S.TERMINATED)])
def test_a_transition_the_lifecycle_does_not_allow_is_a_conflict(summit, agreements_officer, start,
                                                                  target):
    agreement = factories.make_agreement(summit, agreements_officer)
    status(agreements_officer, agreement, start)

    with pytest.raises(Conflict) as caught:
        status(agreements_officer, agreement, target, reason="想改回去")

    assert caught.value.field == "status_to"
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).status is start
    assert db.session.scalar(db.select(db.func.count(AgreementUpdate.id))) == 1


def test_termination_needs_a_reason(summit, agreements_officer):
    agreement = factories.make_agreement(summit, agreements_officer)
    with pytest.raises(ValidationFailed, match="reason") as caught:
        status(agreements_officer, agreement, S.TERMINATED)
    assert caught.value.field == "reason"

    status(agreements_officer, agreement, S.TERMINATED, reason="企业经营战略调整")

    assert agreement.status is S.TERMINATED
    assert agreement.terminated_reason == "企业经营战略调整"


def test_a_mistake_is_corrected_by_a_new_entry_with_a_reason(summit, agreements_officer):
    agreement = factories.make_agreement(summit, agreements_officer)
    status(agreements_officer, agreement, S.LANDED)
    with pytest.raises(ValidationFailed):
        status(agreements_officer, agreement, S.CONTRACTED, correction=True)

    status(agreements_officer, agreement, S.CONTRACTED, reason="误录为落地", correction=True)

    entries = agreement_followup.timeline(agreement)
    assert [(e.status_from, e.status_to) for e in entries] == [
        (S.LANDED, S.CONTRACTED), (S.SIGNED, S.LANDED)]
    assert agreement.status is S.CONTRACTED


def test_funds_in_place_are_cumulative_with_their_change(summit, agreements_officer):
    agreement = factories.make_agreement(summit, agreements_officer, amount="30000000")
    funds(agreements_officer, agreement, "6000000")
    funds(agreements_officer, agreement, "12000000.50")

    rows = db.session.scalars(db.select(AgreementUpdate).order_by(AgreementUpdate.id)).all()
    assert [(r.funds_in_place, r.funds_change) for r in rows] == [
        (Decimal("6000000.00"), Decimal("6000000.00")),
        (Decimal("12000000.50"), Decimal("6000000.50"))]
    assert agreement.funds_in_place == Decimal("12000000.50")


def test_funds_above_the_amount_ask_for_confirmation(summit, agreements_officer):
    agreement = factories.make_agreement(summit, agreements_officer, amount="1000000")
    with pytest.raises(Conflict, match="above the agreement amount") as caught:
        funds(agreements_officer, agreement, "1000000.01")
    assert caught.value.field == "funds_in_place"
    assert db.session.get(Agreement, agreement.id).funds_in_place == Decimal("0.00")

    funds(agreements_officer, agreement, "1000000.01", confirm=True)

    assert agreement.funds_in_place == Decimal("1000000.01")


def test_funds_going_down_need_a_note(summit, agreements_officer):
    agreement = factories.make_agreement(summit, agreements_officer)
    funds(agreements_officer, agreement, "500")
    with pytest.raises(ValidationFailed) as caught:
        funds(agreements_officer, agreement, "400")
    assert caught.value.field == "note"
    funds(agreements_officer, agreement, "400", note="财务核对后更正")
    assert agreement.funds_in_place == Decimal("400.00")


def test_milestones_and_notes(summit, agreements_officer):
    agreement = factories.make_agreement(summit, agreements_officer)
    with pytest.raises(ValidationFailed) as caught:
        agreement_followup.add_update(agreements_officer, agreement, agreements.UpdateDetails(
            kind=UpdateKind.MILESTONE, happened_on=date(2018, 1, 1), milestone_title="服务中心建成",
            milestone_state=MilestoneState.MET), now=NOW)
    assert caught.value.field == "milestone_met_on"
    agreement_followup.add_update(agreements_officer, agreement, agreements.UpdateDetails(
        kind=UpdateKind.MILESTONE, happened_on=date(2018, 1, 25), milestone_title="服务中心建成",
        milestone_due_on=date(2018, 1, 31), milestone_met_on=date(2018, 1, 25),
        milestone_state=MilestoneState.MET), now=NOW)
    with pytest.raises(ValidationFailed):
        agreement_followup.add_update(agreements_officer, agreement, agreements.UpdateDetails(
            kind=UpdateKind.NOTE, happened_on=date(2018, 2, 1)), now=NOW)

    entry = agreement_followup.timeline(agreement)[0]
    assert (entry.milestone_title, entry.milestone_state) == ("服务中心建成", MilestoneState.MET)
    assert agreement.last_activity_at == NOW


def test_dates_cannot_be_in_the_future_or_before_the_signing(summit, agreements_officer):
    agreement = factories.make_agreement(summit, agreements_officer)
    for day in (date(2018, 6, 5), date(2017, 1, 1)):
        with pytest.raises(ValidationFailed) as caught:
            funds(agreements_officer, agreement, "1", day=day)
        assert caught.value.field == "happened_on"


def test_an_upgrade_names_an_agreement_once(summit, agreements_officer):
    earlier = factories.make_agreement(summit, agreements_officer, title="框架协议")
    later = factories.make_agreement(summit, agreements_officer, title="升级协议",
                                     predecessor=earlier)

    assert later.predecessor is earlier and earlier.successor is later
    with pytest.raises(Conflict) as caught:
        factories.make_agreement(summit, agreements_officer, title="又一个升级",
                                 predecessor=earlier)
    assert caught.value.field == "predecessor_id"


def test_an_agreement_of_another_summit_cannot_be_upgraded_by_a_stranger(
        summit, agreements_officer):
    other = factories.make_summit("chengdu-2018")
    stranger = factories.make_member(other, Role.AGREEMENTS_OFFICER, "other@example.com")
    theirs = factories.make_agreement(other, stranger)
    with pytest.raises(ValidationFailed):
        factories.make_agreement(summit, agreements_officer, predecessor=theirs)


def _parallel(app, agreement_id: int, values: list[str]):
    gate = threading.Event()

    def one(value: str):
        with app.app_context(), force_locale("en"):
            officer = db.session.scalar(db.select(factories.User).where(
                factories.User.email == "officer@example.com"))
            agreement = db.session.get(Agreement, agreement_id)
            gate.wait(timeout=30)
            try:
                agreement_followup.add_update(officer, agreement, agreements.UpdateDetails(
                    kind=UpdateKind.FUNDS, happened_on=date(2018, 1, 5), funds_in_place=value,
                    note="并发"), now=NOW)
                return "ok"
            except Exception as error:  # reported by the test
                return f"{type(error).__name__}: {error}"

    db.session.close()
    with ThreadPoolExecutor(max_workers=len(values)) as pool:
        futures = [pool.submit(one, value) for value in values]
        gate.set()
        return [future.result(timeout=120) for future in futures]


def test_parallel_funds_entries_keep_changes_that_add_up(app, summit, agreements_officer):
    agreement = factories.make_agreement(summit, agreements_officer, amount="100000000")

    outcomes = _parallel(app, agreement.id, [f"{n}000000" for n in range(1, 9)])

    assert outcomes == ["ok"] * 8
    db.session.expire_all()
    stored = db.session.get(Agreement, agreement.id)
    changes = db.session.scalar(db.select(db.func.sum(AgreementUpdate.funds_change)))
    last = db.session.scalars(db.select(AgreementUpdate).order_by(
        AgreementUpdate.id.desc())).first()
    assert changes == stored.funds_in_place == last.funds_in_place
