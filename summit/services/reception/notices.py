"""Emails to delegates about their pick-up: when staff place or move them (not when a whole
plan is proposed: staff adjust it first), and the day before (``flask reception remind``,
from cron)."""
from __future__ import annotations

import logging
import smtplib
from datetime import date, datetime, timedelta

from summit.database import utcnow
from summit.extensions import db
from summit.models import HOLDS_PLACE, Registration, Summit, Transfer, TransferPassenger
from summit.services.core import mail
from summit.services.summits.settings import local_to_utc, utc_to_local

log = logging.getLogger(__name__)


def send_pickup(passenger: TransferPassenger) -> bool:
    """Email one person their pick-up or drop-off; False when the mail could not go."""
    registration = passenger.registration
    transfer = passenger.transfer
    summit = db.session.get(Summit, transfer.summit_id)
    language = registration.locale or "zh_Hans"
    try:
        mail.send_template(
            registration.email, language, "reception_pickup", registration=registration,
            summit=summit, transfer=transfer, vehicle=transfer.vehicle, language=language,
            at=utc_to_local(transfer.at, summit.timezone),
            link=mail.external_url("registrations.mine"))
    except (OSError, smtplib.SMTPException):
        log.exception("Could not email the pick-up of registration %s", registration.id)
        return False
    return True


def pickup_changed(registration_ids: list[int]) -> int:
    """After a committed change: email each person (still registered) their pick-up."""
    sent = 0
    for passenger in db.session.scalars(
            db.select(TransferPassenger).join(Registration)
            .where(TransferPassenger.registration_id.in_(registration_ids),
                   Registration.status.in_(HOLDS_PLACE))):
        sent += send_pickup(passenger)
    return sent


def remind(day: date | None = None, now: datetime | None = None) -> int:
    """Email everyone whose pick-up or drop-off is on ``day`` (each summit's tomorrow by
    default); how many emails went."""
    sent = 0
    for summit in db.session.scalars(db.select(Summit)):
        local_today = utc_to_local(now or utcnow(), summit.timezone).date()
        start = local_to_utc(datetime.combine(day or local_today + timedelta(days=1),
                                              datetime.min.time()), summit.timezone)
        for passenger in db.session.scalars(
                db.select(TransferPassenger)
                .join(Transfer, Transfer.id == TransferPassenger.transfer_id)
                .join(Registration, Registration.id == TransferPassenger.registration_id)
                .where(Transfer.summit_id == summit.id, Transfer.at >= start,
                       Transfer.at < start + timedelta(days=1),
                       Registration.status.in_(HOLDS_PLACE))
                .order_by(Transfer.at, TransferPassenger.id)):
            sent += send_pickup(passenger)
    return sent

