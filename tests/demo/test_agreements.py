"""The demo's agreements: the Kangding signing and its follow-up, loaded once."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from summit.extensions import db
from summit.models import AgendaItemKind, Agreement, AgreementStatus, AgreementUpdate, AuditEntry
from summit.services.agreements import stats as agreement_stats
from summit.services.demo import seed as demo
from summit.services.demo.agreements import AGREEMENTS


def test_the_demo_records_the_ceremony_agreements_with_history(app):
    summit = demo.seed_demo()
    demo.seed_demo()

    rows = db.session.scalars(db.select(Agreement).order_by(Agreement.id)).all()
    assert len(rows) == len(AGREEMENTS) + 1  # and one upgrade signed later
    assert all(a.on_stage for a in rows[:len(AGREEMENTS)])
    assert rows[0].parties[0].signatory_name == "李兴文"
    assert {a.status for a in rows} == set(AgreementStatus)
    upgrade = rows[-1]
    assert upgrade.predecessor.superseded and upgrade.predecessor.successor is upgrade
    assert db.session.scalar(db.select(db.func.count(AgreementUpdate.id))) == 25

    summary = agreement_stats.summarise(agreement_stats.scope_for([summit]))
    assert summary.total.count == len(AGREEMENTS) and summary.superseded == 1
    assert summary.total.amount == Decimal("268000000.00")
    assert summary.rates["landing"] is not None and summary.funds_by_month
    assert summary.stale_count >= 1


def test_the_ceremony_agreements_are_signed_at_the_programme_signing_ceremony(app):
    demo.seed_demo()
    rows = db.session.scalars(db.select(Agreement).order_by(Agreement.id)).all()
    ceremony = rows[0].ceremony_item
    assert ceremony.kind is AgendaItemKind.SIGNING_CEREMONY
    assert ceremony.title_zh == "农村电商战略合作协议签约仪式"
    assert all(a.ceremony_item_id == ceremony.id for a in rows[:len(AGREEMENTS)])
    assert rows[-1].ceremony_item_id is None  # the upgrade was signed later, elsewhere
    # Signed when the ceremony starts: 09:50 in Kangding (Asia/Shanghai) is 01:50 UTC.
    start = datetime.combine(ceremony.day, datetime.min.time(), UTC).replace(
        hour=1, minute=50)
    assert rows[0].signed_at.astimezone(UTC) == start

    # A demo recorded before the programme existed is linked by seeding again (audited).
    rows[0].ceremony_item_id = None
    db.session.commit()
    demo.seed_demo()
    db.session.expire_all()
    assert db.session.get(Agreement, rows[0].id).ceremony_item_id == ceremony.id
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id)).where(
        AuditEntry.action == "agreement.correct")) == 1
