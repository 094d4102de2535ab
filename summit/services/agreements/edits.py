"""Correcting a signing record (a typo in a title, a party, the amount): the record changes,
the audit log keeps the before and after. The follow-up history is never edited; its entries
only learn the corrected signing time, which the dashboard filters on."""
from __future__ import annotations

from dataclasses import fields as dataclass_fields
from datetime import datetime

from flask_babel import lazy_gettext as _l

from summit.database import utcnow
from summit.extensions import db
from summit.models import Agreement, AgreementUpdate, User
from summit.permissions import Permission, require
from summit.services.agreements import ceremony as agreement_ceremony
from summit.services.agreements.signing import (
    AUDITED,
    AgreementDetails,
    PartyDetails,
    check_signing,
)
from summit.services.core import audit, money
from summit.services.core.errors import Conflict


def details_of(agreement: Agreement) -> AgreementDetails:
    """The signing record as the form shows it."""
    values = {f.name: getattr(agreement, f.name) for f in dataclass_fields(AgreementDetails)
              if f.name in ("title", "kind", "county", "sector", "amount", "amount_kind",
                            "signed_at", "on_stage", "witnesses", "expected_jobs",
                            "households_helped")}
    parties = [PartyDetails(p.side, p.organisation, p.signatory_name, p.signatory_title)
               for p in agreement.parties]
    return AgreementDetails(parties=parties, predecessor_id=agreement.predecessor_id,
                            ceremony_item_id=agreement.ceremony_item_id, **values)


def correct_signing_record(actor: User, agreement: Agreement, details: AgreementDetails, *,
                           now: datetime | None = None) -> Agreement:
    require(actor, Permission.AGREEMENTS_WRITE, agreement.summit)
    now = now or utcnow()
    ceremony = agreement_ceremony.apply(agreement.summit, details)
    values, parties = check_signing(details, now)
    if values["amount"] < agreement.funds_in_place:
        raise Conflict(_l("The amount cannot be below the funds already in place (%(funds)s). "
                          "Record the funds first.",
                          funds=money.yuan_text(agreement.funds_in_place)), "amount")
    before = audit.snapshot(agreement, AUDITED) | {
        "parties": [p.organisation for p in agreement.parties]}
    for name, value in values.items():
        setattr(agreement, name, value)
    agreement.parties = parties
    agreement.ceremony_item = ceremony
    db.session.execute(db.update(AgreementUpdate)
                       .where(AgreementUpdate.agreement_id == agreement.id)
                       .values(agreement_signed_at=values["signed_at"]))
    db.session.flush()
    audit.record(actor, "agreement.correct", agreement, summit=agreement.summit, now=now,
                 before=before, after=audit.snapshot(agreement, AUDITED)
                 | {"parties": [p.organisation for p in agreement.parties]})
    db.session.commit()
    return agreement
