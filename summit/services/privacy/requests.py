"""Requests to correct or delete one's data: made by the person, answered in the privacy
queue within 15 working days, with a reason when data is kept (agreements are kept by law).
A deletion answered as done or partly kept erases the person (``erasure.erase_person``)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from summit.database import utcnow
from summit.extensions import db
from summit.models import DataRequest, RequestKind, RequestStatus
from summit.permissions import Permission, require
from summit.services.core import audit, audit_words
from summit.services.core.errors import Conflict, ValidationFailed
from summit.services.privacy import erasure

if TYPE_CHECKING:
    from summit.models import User

DEADLINE_WORKING_DAYS = 15
MAX_TEXT = 2000

KIND_LABELS = {RequestKind.CORRECTION: _l("Correction"), RequestKind.DELETION: _l("Deletion")}
STATUS_LABELS = {RequestStatus.OPEN: _l("Waiting for an answer"), RequestStatus.DONE: _l("Done"),
                 RequestStatus.PARTLY_KEPT: _l("Done, part kept by law"),
                 RequestStatus.REFUSED: _l("Refused")}
audit_words.name_enums(KIND_LABELS, STATUS_LABELS)


def working_days_after(day: date, count: int) -> date:
    """``count`` working days (Monday to Friday) after ``day``."""
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _text(value: str, field: str, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(_l("Give a reason."), field)
    if len(value) > MAX_TEXT:
        raise ValidationFailed(_l("At most %(n)d characters.", n=MAX_TEXT), field)
    return value


def submit_request(user: User, kind: RequestKind, reason: str, *,
                   now: datetime | None = None) -> DataRequest:
    now = now or utcnow()
    reason = _text(reason, "reason", required=True)
    if db.session.scalar(db.select(DataRequest.id).where(
            DataRequest.user_id == user.id, DataRequest.kind == kind,
            DataRequest.status == RequestStatus.OPEN)) is not None:
        raise Conflict(_l("You already have an open request of this kind."), "kind")
    request = DataRequest(user_id=user.id, kind=kind, reason=reason, created_at=now,
                          due_on=working_days_after(now.date(), DEADLINE_WORKING_DAYS))
    db.session.add(request)
    audit.record(user, "data_request.create", request, now=now,
                 after={"kind": kind.value, "due_on": request.due_on.isoformat()})
    db.session.commit()
    return request


def queue(actor: User, *, open_only: bool = True) -> list[DataRequest]:
    require(actor, Permission.PRIVACY_REQUESTS)
    statement = db.select(DataRequest).order_by(DataRequest.due_on, DataRequest.id)
    if open_only:
        statement = statement.where(DataRequest.status == RequestStatus.OPEN)
    return list(db.session.scalars(statement))


def answer_request(actor: User, request: DataRequest, status: RequestStatus, answer: str, *,
                   now: datetime | None = None) -> DataRequest:
    """Close a request. A refusal or a partial deletion must say why (the law that keeps
    the data); a deletion done or partly kept erases the person now."""
    require(actor, Permission.PRIVACY_REQUESTS)
    now = now or utcnow()
    if request.status is not RequestStatus.OPEN:
        raise Conflict(_l("This request has been answered already."))
    if status is RequestStatus.OPEN:
        raise ValidationFailed(_l("Choose an answer."), "status")
    answer = _text(answer, "answer", required=status in (RequestStatus.REFUSED,
                                                         RequestStatus.PARTLY_KEPT))
    kept: list[str] = []
    if request.kind is RequestKind.DELETION and status is not RequestStatus.REFUSED \
            and request.user is not None:
        kept = erasure.erase_person(actor, request.user, now=now, commit=False)
        if kept and status is RequestStatus.DONE:
            status = RequestStatus.PARTLY_KEPT
        if kept:
            answer = "\n".join(filter(None, [answer, *kept]))
    request.status, request.answer = status, answer
    request.handled_at, request.handled_by_id = now, actor.id
    audit.record(actor, "data_request.answer", request, now=now,
                 after={"status": status.value, "kept": bool(kept)})
    db.session.commit()
    return request


def own_requests(user: User) -> list[DataRequest]:
    return [r for r in db.session.scalars(db.select(DataRequest).where(
        DataRequest.user_id == user.id).order_by(DataRequest.id.desc()))]


