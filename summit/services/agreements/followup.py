"""Following an agreement up after signing, append-only: status moves, milestones, funds in
place, notes and attachments, each an entry of its timeline. Parallel writers are serialised by
the agreement's row lock."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    Agreement,
    AgreementStatus,
    AgreementUpdate,
    MilestoneState,
    UpdateKind,
    User,
)
from summit.permissions import Permission, require
from summit.services.agreements import files as agreement_files
from summit.services.agreements.signing import (
    FINAL,
    LIFECYCLE,
    S,
    UpdateDetails,
    append_entry,
    check_transition,
    funds_check,
    text_value,
)
from summit.services.core import audit, money
from summit.services.core.errors import ValidationFailed


def _lock(agreement: Agreement, now: datetime) -> None:
    """Take the row's write lock first (both databases), then read the current state, so two
    officers recording at once cannot both start from the same funds or status."""
    db.session.execute(db.update(Agreement).where(Agreement.id == agreement.id)
                       .values(last_activity_at=now))
    db.session.refresh(agreement)


def _check_update(agreement: Agreement, details: UpdateDetails, confirm: bool,
                  now: datetime) -> UpdateDetails:
    if details.happened_on is None:
        raise ValidationFailed(_l("Enter the date it happened."), "happened_on")
    if details.happened_on > (now + timedelta(days=1)).date():
        raise ValidationFailed(_l("The date cannot be in the future."), "happened_on")
    if details.happened_on < agreement.signed_at.date() - timedelta(days=1):
        raise ValidationFailed(_l("The date cannot be before the signing."), "happened_on")
    details.note = text_value(details.note, "note", 4000, required=details.kind is UpdateKind.NOTE,
                         multiline=True)
    details.reason = text_value(details.reason, "reason", 500, required=False)
    if details.kind is UpdateKind.STATUS:
        if details.status_to is None:
            raise ValidationFailed(_l("Choose the new status."), "status_to")
        check_transition(agreement.status, details.status_to, reason=details.reason,
                         correction=details.correction)
    elif details.kind is UpdateKind.MILESTONE:
        details.milestone_title = text_value(details.milestone_title, "milestone_title", 200)
        if details.milestone_state is None:
            raise ValidationFailed(_l("Choose the milestone's state."), "milestone_state")
        if details.milestone_state in (MilestoneState.MET, MilestoneState.PARTLY_MET) and \
                details.milestone_met_on is None:
            raise ValidationFailed(_l("Enter the date the milestone was met."),
                                   "milestone_met_on")
    elif details.kind is UpdateKind.FUNDS:
        if details.funds_in_place in (None, ""):
            raise ValidationFailed(_l("Enter the funds in place so far (cumulative)."),
                                   "funds_in_place")
        details.funds_in_place = money.parse_amount(details.funds_in_place, "funds_in_place")
        funds_check(details.funds_in_place, agreement.amount, confirm)
        if details.funds_in_place < agreement.funds_in_place and not details.note:
            raise ValidationFailed(_l("The funds in place go down: say why in the note."),
                                   "note")
    return details


def add_update(actor: User, agreement: Agreement, details: UpdateDetails, *,
               confirm: bool = False, attachment: tuple[str, bytes] | None = None,
               now: datetime | None = None) -> AgreementUpdate:
    """Append one entry to the history; ``attachment`` is (file name, bytes), a PDF or photo."""
    require(actor, Permission.AGREEMENTS_WRITE, agreement.summit)
    now = now or utcnow()
    checked = agreement_files.check_upload(attachment[0], attachment[1]) if attachment else None
    _lock(agreement, now)
    before = audit.snapshot(agreement, ("status", "funds_in_place"))
    try:
        details = _check_update(agreement, details, confirm, now)
    except Exception:
        db.session.rollback()
        raise
    entry = append_entry(actor, agreement, details, now)
    db.session.flush()
    if checked:
        agreement_files.attach(actor, agreement, checked, entry, now)
    audit.record(actor, f"agreement.update.{details.kind.value}", agreement,
                 summit=agreement.summit, now=now, before=before,
                 after=audit.snapshot(agreement, ("status", "funds_in_place"))
                 | {"update_id": entry.id, "happened_on": details.happened_on.isoformat()})
    db.session.commit()
    return entry


def timeline(agreement: Agreement) -> list[AgreementUpdate]:
    """Newest first, with who recorded each entry and its files (three queries)."""
    return list(db.session.scalars(
        db.select(AgreementUpdate).where(AgreementUpdate.agreement_id == agreement.id)
        .options(db.joinedload(AgreementUpdate.actor),
                 db.selectinload(AgreementUpdate.attachments))
        .order_by(AgreementUpdate.recorded_at.desc(), AgreementUpdate.id.desc())))


def next_statuses(agreement: Agreement) -> list[AgreementStatus]:
    if agreement.status in FINAL:
        return []
    later = list(LIFECYCLE[LIFECYCLE.index(agreement.status) + 1:])
    return later + [S.TERMINATED]
