"""Media officers' decisions on press applications, and quotas per outlet and media type.

Decisions are made on the application, and approval is per person within it: an officer may
approve the application but reject some of its people (each with the reason code), and may
approve fewer zones than were requested (the approved zones apply to the whole crew). Every
decision writes the audit log and emails the applicant in the language they applied in.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    MediaType,
    PersonStatus,
    PressApplication,
    PressPerson,
    PressQuota,
    PressStatus,
    QuotaKind,
    ReasonCode,
    Summit,
    User,
)
from summit.permissions import Permission, require
from summit.services.core import audit
from summit.services.core.errors import Conflict, NotFound, ValidationFailed
from summit.services.press import (
    applications as press,
    badges as press_badges,
    labels as press_labels,
    mail as press_mail,
)
from summit.services.summits.settings import lock_summit

P = PressStatus
DECISIONS = ("approve", "reject", "waitlist", "needs_info", "revoke")
FROM = {
    "approve": (P.SUBMITTED, P.WAITLISTED),
    "reject": (P.SUBMITTED, P.WAITLISTED, P.NEEDS_INFO),
    "waitlist": (P.SUBMITTED,),
    "needs_info": (P.SUBMITTED, P.WAITLISTED),
    "revoke": (P.APPROVED,),
}
TO = {"approve": P.APPROVED, "reject": P.REJECTED, "waitlist": P.WAITLISTED,
      "needs_info": P.NEEDS_INFO, "revoke": P.REVOKED}
DECISION_LABELS = {"approve": _l("Approve"), "reject": _l("Reject"),
                   "waitlist": _l("Put on the waiting list"),
                   "needs_info": _l("Ask for more information"), "revoke": _l("Revoke")}
MAX_MESSAGE = 2000


@dataclass
class Decision:
    decision: str
    reason_code: str = ""
    message: str = ""
    internal_note: str = ""
    # Approve: the zones granted (None: all requested) and the people refused.
    zone_codes: list[str] | None = None
    rejected_people: tuple[int, ...] = ()


def _reason(code: str, required: bool) -> ReasonCode | None:
    if not code:
        if required:
            raise ValidationFailed(_l("Choose a reason."), "reason_code")
        return None
    try:
        return ReasonCode(code)
    except ValueError:
        raise ValidationFailed(_l("Choose one of: %(codes)s.", codes=", ".join(
            r.value for r in ReasonCode)), "reason_code") from None


def _snapshot(application: PressApplication) -> dict:
    return {"status": application.status.value,
            "reason_code": application.reason_code.value if application.reason_code else None,
            "message": application.message,
            "zones": [z.code for z in application.approved_zones],
            "people": {str(p.id): p.status.value for p in application.people}}


# --- quotas ---------------------------------------------------------------------------------

def accredited_count(summit: Summit, *, outlet_key: str | None = None,
                     media_type: MediaType | None = None,
                     exclude_id: int | None = None) -> int:
    query = db.select(db.func.count(PressPerson.id)).join(PressPerson.application).where(
        PressApplication.summit_id == summit.id, PressApplication.status == P.APPROVED,
        PressPerson.status == PersonStatus.APPROVED)
    if outlet_key is not None:
        query = query.where(PressApplication.outlet_key == outlet_key)
    if media_type is not None:
        query = query.where(PressApplication.media_type == media_type)
    if exclude_id is not None:
        query = query.where(PressApplication.id != exclude_id)
    return db.session.scalar(query) or 0


def _check_quotas(application: PressApplication, adding: int) -> None:
    summit = application.summit
    quotas = db.session.scalars(db.select(PressQuota).where(
        PressQuota.summit_id == summit.id, db.or_(
            db.and_(PressQuota.kind == QuotaKind.OUTLET,
                    PressQuota.key == application.outlet_key),
            db.and_(PressQuota.kind == QuotaKind.MEDIA_TYPE,
                    PressQuota.key == application.media_type.value)))).all()
    for quota in quotas:
        if quota.kind is QuotaKind.OUTLET:
            used = accredited_count(summit, outlet_key=quota.key, exclude_id=application.id)
            what = application.outlet_name
        else:
            used = accredited_count(summit, media_type=application.media_type,
                                    exclude_id=application.id)
            what = str(press_labels.MEDIA_LABELS[application.media_type])
        if used + adding > quota.limit:
            raise Conflict(_l("The quota for %(what)s is %(limit)d people: %(used)d are already "
                              "accredited and this approval would add %(adding)d.", what=what,
                              limit=quota.limit, used=used, adding=adding), "quota")


def quotas(actor: User, summit: Summit) -> list[tuple[PressQuota, int]]:
    """Each quota with the number of people it already counts (two grouped queries)."""
    require(actor, Permission.PRESS_REVIEW, summit)
    rows = db.session.scalars(db.select(PressQuota).where(PressQuota.summit_id == summit.id)
                              .order_by(PressQuota.kind, PressQuota.key)).all()
    counted = db.select(db.func.count(PressPerson.id)).join(PressPerson.application).where(
        PressApplication.summit_id == summit.id, PressApplication.status == P.APPROVED,
        PressPerson.status == PersonStatus.APPROVED)
    by_outlet = {key: n for n, key in db.session.execute(
        counted.add_columns(PressApplication.outlet_key)
        .group_by(PressApplication.outlet_key)).tuples()}
    by_type = {kind.value: n for n, kind in db.session.execute(
        counted.add_columns(PressApplication.media_type)
        .group_by(PressApplication.media_type)).tuples()}
    return [(quota, (by_outlet if quota.kind is QuotaKind.OUTLET else by_type).get(quota.key, 0))
            for quota in rows]


def set_quota(actor: User, summit: Summit, kind: str, name: str, limit: int | None,
              now: datetime | None = None) -> PressQuota | None:
    """Set (or with ``limit`` None, remove) the quota of an outlet or a media type."""
    require(actor, Permission.PRESS_REVIEW, summit)
    try:
        quota_kind = QuotaKind(kind)
    except ValueError:
        raise ValidationFailed(_l("Choose outlet or media type."), "kind") from None
    name = (name or "").strip()
    if quota_kind is QuotaKind.MEDIA_TYPE:
        try:
            key, label = MediaType(name).value, MediaType(name).value
        except ValueError:
            raise ValidationFailed(_l("Unknown media type."), "name") from None
    else:
        if not name or len(name) > 200:
            raise ValidationFailed(_l("Enter the outlet's name."), "name")
        key, label = press.outlet_key(name), name
    if limit is not None and not 0 <= limit <= 10_000:
        raise ValidationFailed(_l("Give a number from 0 to 10000."), "limit")
    quota = db.session.scalar(db.select(PressQuota).where(
        PressQuota.summit_id == summit.id, PressQuota.kind == quota_kind, PressQuota.key == key))
    before = {"limit": quota.limit} if quota is not None else None
    if limit is None:
        if quota is None:
            raise NotFound(_l("There is no such quota."), "name")
        audit.record(actor, "press_quota.delete", quota, summit=summit, now=now, before=before)
        db.session.delete(quota)
        db.session.commit()
        return None
    if quota is None:
        quota = PressQuota(summit=summit, kind=quota_kind, key=key)
        db.session.add(quota)
    quota.label, quota.limit = label, limit
    db.session.flush()
    audit.record(actor, "press_quota.set", quota, summit=summit, now=now, before=before,
                 after={"kind": quota_kind.value, "key": key, "limit": limit})
    db.session.commit()
    return quota


# --- decisions ------------------------------------------------------------------------------

def _approve(application: PressApplication, decision: Decision) -> None:
    requested = {z.code: z for z in application.requested_zones}
    codes = list(requested) if decision.zone_codes is None else list(
        dict.fromkeys(decision.zone_codes))
    beyond = [c for c in codes if c not in requested]
    if beyond:
        raise ValidationFailed(_l("Only requested zones can be approved; not: %(codes)s",
                                  codes=", ".join(beyond)), "zones")
    if not codes:
        raise ValidationFailed(_l("Approve at least one zone, or reject the application."),
                               "zones")
    ids = {p.id for p in application.people}
    refused = set(decision.rejected_people)
    if refused - ids:
        raise ValidationFailed(_l("This person is not part of the application."),
                               "rejected_people")
    adding = len(ids - refused)
    if adding == 0:
        raise ValidationFailed(_l("Approve at least one person, or reject the application."),
                               "rejected_people")
    reason = _reason(decision.reason_code, required=bool(refused))
    press_badges.require_press_category(application.summit)
    _check_quotas(application, adding)
    application.approved_zones = [requested[c] for c in codes]
    for person in application.people:
        if person.id in refused:
            person.status, person.reason_code = PersonStatus.REJECTED, reason
        else:
            person.status, person.reason_code = PersonStatus.APPROVED, None
    application.reason_code = reason
    db.session.flush()
    for person in application.people:
        if person.status is PersonStatus.APPROVED:
            press_badges.ensure_badge(person)


def decide(actor: User, application: PressApplication, decision: Decision,
           now: datetime | None = None) -> PressApplication:
    """One decision on an application (see DECISIONS), audited and emailed."""
    now = now or utcnow()
    summit = application.summit
    require(actor, Permission.PRESS_REVIEW, summit)
    if decision.decision not in DECISIONS:
        raise ValidationFailed(_l("Choose one of: %(codes)s.", codes=", ".join(DECISIONS)),
                               "decision")
    # Decisions on one summit's press one at a time (quota counts, two officers on the same
    # application): take the summit's write lock, then read the application as committed.
    lock_summit(summit)
    db.session.refresh(application)
    if application.status not in FROM[decision.decision]:
        raise Conflict(_l("An application that is %(status)s cannot be decided this way.",
                          status=press_labels.STATUS_LABELS[application.status]), "status")
    message = (decision.message or "").strip()
    note = (decision.internal_note or "").strip()
    for name, value in (("message", message), ("internal_note", note)):
        if len(value) > MAX_MESSAGE:
            raise ValidationFailed(_l("At most %(count)d characters.", count=MAX_MESSAGE), name)
    if decision.decision in ("needs_info", "revoke") and not message:
        raise ValidationFailed(_l("Write a message: the applicant will read it."), "message")
    before = _snapshot(application)
    if decision.decision == "approve":
        _approve(application, decision)
    elif decision.decision == "reject":
        reason = _reason(decision.reason_code, required=True)
        application.reason_code = reason
        for person in application.people:
            person.status, person.reason_code = PersonStatus.REJECTED, reason
    elif decision.decision == "revoke":
        application.reason_code = _reason(decision.reason_code, required=False)
        press_badges.revoke_all(application, message, now)
    else:
        application.reason_code = _reason(decision.reason_code, required=False)
    application.status = TO[decision.decision]
    application.message = message
    if note:
        application.internal_note = note
    application.decided_at = now
    application.decided_by_id = actor.id
    db.session.flush()
    after = _snapshot(application)
    if note:
        after["internal_note"] = note
    audit.record(actor, f"press.{decision.decision}", application, summit=summit, now=now,
                 before=before, after=after)
    db.session.commit()

    press_mail.send(application, f"press_{decision.decision}")
    return application


def parse_people(values: Iterable[object]) -> tuple[int, ...]:
    out = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, str)) or \
                not str(value).isdigit() or len(str(value)) > 12:
            raise ValidationFailed(_l("List the ids of the people to reject."),
                                   "rejected_people")
        out.append(int(value))
    return tuple(out)
