"""The demo's agreements: the Kangding signing and its follow-up, loaded once."""
from __future__ import annotations

from decimal import Decimal

from summit.extensions import db
from summit.models import Agreement, AgreementStatus, AgreementUpdate
from summit.services import agreement_stats, demo
from summit.services.demo_agreements import AGREEMENTS


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
