"""Cooperation agreements: signing records and their append-only follow-up.

Lifecycle (docs/architecture.md): signed -> contracted -> construction_started ->
in_production -> landed, moving forward one or more stages; any stage but the last ->
terminated, with a reason. A status set by mistake is corrected by a later entry marked as a
correction (with a reason), never by editing the past: there is no way to change or delete
an entry. Every use case writes the audit log and commits once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    AgreementUpdate,
    AmountKind,
    MilestoneState,
    PartySide,
    Summit,
    UpdateKind,
    User,
)
from summit.permissions import Permission, can, require
from summit.services.agreements import ceremony as agreement_ceremony, files as agreement_files
from summit.services.core import audit, audit_words, money
from summit.services.core.errors import Conflict, NotFound, ValidationFailed
from summit.services.core.validation import has_bad_characters, valid_id

S = AgreementStatus
LIFECYCLE = (S.SIGNED, S.CONTRACTED, S.CONSTRUCTION_STARTED, S.IN_PRODUCTION, S.LANDED)
FINAL = (S.LANDED, S.TERMINATED)

STATUS_LABELS = {
    S.SIGNED: _l("Signed"), S.CONTRACTED: _l("Contracted"),
    S.CONSTRUCTION_STARTED: _l("Construction started"), S.IN_PRODUCTION: _l("In production"),
    S.LANDED: _l("Landed"), S.TERMINATED: _l("Terminated"),
}
KIND_LABELS = {
    AgreementKind.STRATEGIC: _l("Strategic cooperation"), AgreementKind.FRAMEWORK: _l("Framework"),
    AgreementKind.PURCHASE: _l("Purchase"), AgreementKind.PLATFORM: _l("Platform"),
    AgreementKind.INVESTMENT: _l("Investment"), AgreementKind.INTENT: _l("Letter of intent"),
}
AMOUNT_KIND_LABELS = {
    AmountKind.AGREEMENT: _l("Agreement amount"),
    AmountKind.PLANNED_INVESTMENT: _l("Planned investment"),
    AmountKind.PURCHASE_VALUE: _l("Purchase value"),
}
UPDATE_KIND_LABELS = {
    UpdateKind.STATUS: _l("Status change"), UpdateKind.MILESTONE: _l("Milestone"),
    UpdateKind.FUNDS: _l("Funds in place"), UpdateKind.NOTE: _l("Note"),
}
MILESTONE_LABELS = {
    MilestoneState.SCHEDULED: _l("Scheduled"), MilestoneState.MET: _l("Met"),
    MilestoneState.NOT_MET: _l("Not met"), MilestoneState.PARTLY_MET: _l("Partly met"),
}
audit_words.name_values(STATUS_LABELS, KIND_LABELS, AMOUNT_KIND_LABELS)
AUDITED = ("title", "kind", "county", "sector", "amount", "amount_kind", "signed_at",
           "on_stage", "witnesses", "expected_jobs", "households_helped", "predecessor_id",
           "status", "funds_in_place", "ceremony_item_id")
MAX_COUNT = 10_000_000
FIRST_SIGNING_YEAR = 1949


@dataclass
class PartyDetails:
    side: PartySide
    organisation: str
    signatory_name: str = ""
    signatory_title: str = ""


@dataclass
class AgreementDetails:
    title: str
    kind: AgreementKind
    county: str
    sector: str
    amount: object  # text as typed, or Decimal: checked by money.parse_amount
    signed_at: datetime | None
    parties: list[PartyDetails] = field(default_factory=list)
    amount_kind: AmountKind = AmountKind.AGREEMENT
    on_stage: bool = False
    witnesses: str = ""
    expected_jobs: int | None = None
    households_helped: int | None = None
    predecessor_id: int | None = None
    # A ledger brought in from elsewhere may already be further along.
    status: AgreementStatus = AgreementStatus.SIGNED
    terminated_reason: str = ""
    funds_in_place: object = None
    # The signing-ceremony agenda item; without a signing time, its start is used.
    ceremony_item_id: int | None = None


@dataclass
class UpdateDetails:
    kind: UpdateKind
    happened_on: date | None = None
    status_to: AgreementStatus | None = None
    correction: bool = False
    reason: str = ""
    milestone_title: str = ""
    milestone_due_on: date | None = None
    milestone_met_on: date | None = None
    milestone_state: MilestoneState | None = None
    funds_in_place: object = None
    note: str = ""


# --- who may see what ---------------------------------------------------------------------

def readable_summits(user: User) -> list[Summit]:
    """Summits whose agreements the user may read (every summit for an admin)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    summits = db.session.scalars(db.select(Summit).order_by(Summit.starts_on.desc())).all()
    return [s for s in summits if can(user, Permission.AGREEMENTS_READ, s)]


def get_agreement(actor: User, agreement_id: int) -> Agreement:
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        raise NotFound(_l("There is no such agreement."))
    require(actor, Permission.AGREEMENTS_READ, agreement.summit)
    return agreement


# --- checks -------------------------------------------------------------------------------

def text_value(value: str, name: str, limit: int, required: bool = True,
          multiline: bool = False) -> str:
    value = (value or "").strip()
    if has_bad_characters(value, multiline=multiline):
        raise ValidationFailed(_l("Remove control characters or line breaks from this field."),
                               name)
    if required and not value:
        raise ValidationFailed(_l("This field is required."), name)
    if len(value) > limit:
        raise ValidationFailed(_l("At most %(n)d characters.", n=limit), name)
    return value


def _count(value: int | None, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise ValidationFailed(_l("Enter a whole number from 0 to %(n)d.", n=MAX_COUNT), name)
    return value


def _check_parties(parties: list[PartyDetails]) -> list[PartyDetails]:
    if len(parties) > 20:
        raise ValidationFailed(_l("At most %(n)d parties.", n=20), "parties")
    for party in parties:
        party.organisation = text_value(party.organisation, "parties", 200)
        party.signatory_name = text_value(party.signatory_name, "parties", 100, required=False)
        party.signatory_title = text_value(party.signatory_title, "parties", 100, required=False)
    sides = {party.side for party in parties}
    if PartySide.A not in sides or PartySide.B not in sides:
        raise ValidationFailed(_l("Name at least one organisation on side A and one on side B."),
                               "parties")
    return parties


def _predecessor(actor: User, predecessor_id: int | None) -> Agreement | None:
    if predecessor_id is None:
        return None
    predecessor = db.session.get(Agreement, predecessor_id) if valid_id(predecessor_id) else None
    if predecessor is None or not can(actor, Permission.AGREEMENTS_WRITE, predecessor.summit):
        raise ValidationFailed(_l("There is no such earlier agreement."), "predecessor_id")
    if predecessor.successor is not None:
        raise Conflict(_l("That agreement has already been upgraded by “%(title)s”.",
                          title=predecessor.successor.title), "predecessor_id")
    return predecessor


def funds_check(value: Decimal, amount: Decimal, confirm: bool) -> None:
    if value > amount and not confirm:
        raise Conflict(_l("Funds in place (%(funds)s) are above the agreement amount "
                          "(%(amount)s). Tick “confirm” if that is right.",
                          funds=money.yuan_text(value), amount=money.yuan_text(amount)),
                       "funds_in_place")


def check_transition(current: AgreementStatus, target: AgreementStatus, *, reason: str,
                     correction: bool) -> None:
    """Forward along the lifecycle (stages may be skipped), or terminated with a reason; a
    correction may move back, with a reason."""
    if target is current:
        raise ValidationFailed(_l("The agreement is already in this state."), "status_to")
    if correction:
        if not reason:
            raise ValidationFailed(_l("Say what the correction is for."), "reason")
        return
    if target is S.TERMINATED:
        if current in FINAL:
            raise Conflict(_l("A landed or terminated agreement cannot be terminated."),
                           "status_to")
        if not reason:
            raise ValidationFailed(_l("Give the reason for the termination."), "reason")
        return
    if current in FINAL or LIFECYCLE.index(target) < LIFECYCLE.index(current):
        raise Conflict(_l("An agreement cannot go from “%(a)s” to “%(b)s”. To fix a mistake, "
                          "record a correction with its reason.",
                          a=STATUS_LABELS[current], b=STATUS_LABELS[target]), "status_to")


# --- timeline entries -------------------------------------------------------------------

def append_entry(actor: User, agreement: Agreement, details: UpdateDetails,
            now: datetime) -> AgreementUpdate:
    entry = AgreementUpdate(agreement=agreement, summit_id=agreement.summit_id,
                            agreement_signed_at=agreement.signed_at,
                            agreement_superseded=agreement.superseded,
                            kind=details.kind, actor=actor,
                            happened_on=details.happened_on,
                            happened_month=details.happened_on.strftime("%Y-%m"), recorded_at=now,
                            note=details.note, reason=details.reason)
    if details.kind is UpdateKind.STATUS:
        entry.status_from, entry.status_to = agreement.status, details.status_to
        agreement.status = details.status_to
        agreement.terminated_reason = details.reason if details.status_to is S.TERMINATED \
            else ""
    elif details.kind is UpdateKind.MILESTONE:
        entry.milestone_title = details.milestone_title
        entry.milestone_due_on = details.milestone_due_on
        entry.milestone_met_on = details.milestone_met_on
        entry.milestone_state = details.milestone_state
    elif details.kind is UpdateKind.FUNDS:
        entry.funds_in_place = details.funds_in_place
        entry.funds_change = details.funds_in_place - agreement.funds_in_place
        agreement.funds_in_place = details.funds_in_place
    agreement.last_activity_at = now
    db.session.add(entry)
    return entry


# --- signing records ----------------------------------------------------------------------

def check_signing(details: AgreementDetails, now: datetime) -> tuple[dict, list[AgreementParty]]:
    """The checked fields of a signing record, and its parties (for recording or correcting)."""
    if details.signed_at is None:
        raise ValidationFailed(_l("Enter when the agreement was signed."), "signed_at")
    # The years are checked first: year 1 or 9999 would overflow in time-zone arithmetic.
    if details.signed_at.year < FIRST_SIGNING_YEAR:
        raise ValidationFailed(_l("Enter a signing time from %(year)d on.",
                                  year=FIRST_SIGNING_YEAR), "signed_at")
    if details.signed_at.year > now.year + 1 or details.signed_at > now + timedelta(days=1):
        raise ValidationFailed(_l("The signing time cannot be in the future."), "signed_at")
    fields = dict(
        title=text_value(details.title, "title", 200), kind=details.kind,
        county=text_value(details.county, "county", 100),
        sector=text_value(details.sector, "sector", 100),
        amount=money.parse_amount(details.amount, "amount"), amount_kind=details.amount_kind,
        signed_at=details.signed_at, on_stage=bool(details.on_stage),
        witnesses=text_value("\n".join(
            line.strip() for line in (details.witnesses or "").splitlines() if line.strip()),
            "witnesses", 2000, False, multiline=True),
        expected_jobs=_count(details.expected_jobs, "expected_jobs"),
        households_helped=_count(details.households_helped, "households_helped"))
    parties = [AgreementParty(side=p.side, position=i, organisation=p.organisation,
                              signatory_name=p.signatory_name, signatory_title=p.signatory_title)
               for i, p in enumerate(_check_parties(details.parties))]
    return fields, parties


@dataclass
class PreparedAgreement:
    """A checked signing record, not yet in the session (imports check every row first)."""

    agreement: Agreement
    details: AgreementDetails
    funds: Decimal | None
    reason: str
    scan: agreement_files.CheckedFile | None


def prepare_agreement(actor: User, summit: Summit, details: AgreementDetails, *,
                      confirm: bool = False, scan: tuple[str, bytes] | None = None,
                      now: datetime | None = None) -> PreparedAgreement:
    """Check a signing record and build it; raises ``ValidationFailed`` or ``Conflict``."""
    require(actor, Permission.AGREEMENTS_WRITE, summit)
    now = now or utcnow()
    ceremony = agreement_ceremony.apply(summit, details)
    fields, parties = check_signing(details, now)
    predecessor = _predecessor(actor, details.predecessor_id)
    funds = None
    if details.funds_in_place not in (None, ""):
        funds = money.parse_amount(details.funds_in_place, "funds_in_place")
        funds_check(funds, fields["amount"], confirm)
    reason = text_value(details.terminated_reason, "reason", 500, required=False)
    if details.status is not S.SIGNED:
        check_transition(S.SIGNED, details.status, reason=reason, correction=False)
    checked_scan = agreement_files.check_upload(scan[0], scan[1], "scan") if scan else None
    agreement = Agreement(
        summit=summit, predecessor=predecessor, status=S.SIGNED, funds_in_place=Decimal("0.00"),
        last_activity_at=now, created_by=actor, created_at=now, parties=parties,
        ceremony_item=ceremony, **fields)
    return PreparedAgreement(agreement, details, funds, reason, checked_scan)


def write_prepared(actor: User, prepared: PreparedAgreement, now: datetime,
                   action: str = "agreement.record") -> Agreement:
    """Add a checked record to the caller's transaction, with its first entries."""
    agreement, details = prepared.agreement, prepared.details
    db.session.add(agreement)
    if agreement.predecessor is not None:
        agreement.predecessor.superseded = True
        db.session.execute(db.update(AgreementUpdate)
                           .where(AgreementUpdate.agreement_id == agreement.predecessor.id)
                           .values(agreement_superseded=True))
    db.session.flush()
    signed_on = details.signed_at.date()
    if details.status is not S.SIGNED:
        append_entry(actor, agreement, UpdateDetails(kind=UpdateKind.STATUS, happened_on=signed_on,
                                                status_to=details.status,
                                                reason=prepared.reason), now)
    if prepared.funds:
        append_entry(actor, agreement, UpdateDetails(kind=UpdateKind.FUNDS, happened_on=signed_on,
                                                funds_in_place=prepared.funds), now)
    if prepared.scan:
        agreement_files.attach(actor, agreement, prepared.scan, None, now)
    audit.record(actor, action, agreement, summit=agreement.summit, now=now,
                 after=audit.snapshot(agreement, AUDITED)
                 | {"parties": [p.organisation for p in agreement.parties]})
    return agreement


def record_agreement(actor: User, summit: Summit, details: AgreementDetails, *,
                     confirm: bool = False, scan: tuple[str, bytes] | None = None,
                     now: datetime | None = None) -> Agreement:
    """A signed agreement; ``scan`` is (file name, bytes) of the signed copy as PDF."""
    now = now or utcnow()
    prepared = prepare_agreement(actor, summit, details, confirm=confirm, scan=scan, now=now)
    agreement = write_prepared(actor, prepared, now)
    db.session.commit()
    return agreement


def may_write(user: User, summit: Summit) -> bool:
    return can(user, Permission.AGREEMENTS_WRITE, summit)

