"""The arrivals board: who has arrived against who is expected, by category, delegation and
gate, over time; refused scans and offline conflicts; and the attendance export.

Every figure is a GROUP BY: the board costs the same handful of queries at 10 or 10,000
holders, so polling it every few seconds is cheap.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l, lazy_pgettext as _p
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from summit.database import utcnow
from summit.extensions import db
from summit.models import Badge, Delegation, Registration, RegistrationStatus, Summit, User
from summit.models.checkin import Arrival, CheckIn
from summit.permissions import Permission, can, require
from summit.services.checkin import salons as checkin_salons
from summit.services.core import audit, exports
from summit.services.core.validation import mask_phone

BUCKET = timedelta(minutes=15)
REFUSED = ("invalid", "revoked", "not_approved", "wrong_summit")


def _rows(breakdown: dict, expected: dict) -> list[dict]:
    keys = sorted(set(expected) | set(breakdown), key=lambda k: (k is None, str(k)))
    return [{"key": key, "expected": expected.get(key, 0), "arrived": breakdown.get(key, 0)}
            for key in keys]


def board(actor: User, summit: Summit, now: datetime | None = None) -> dict:
    require(actor, Permission.ATTENDANCE_READ, summit)
    now = now or utcnow()
    zone = ZoneInfo(summit.timezone)
    approved = (Registration.summit_id == summit.id,
                Registration.status == RegistrationStatus.APPROVED)

    def grouped(column, arrived: bool) -> dict:
        base = select(column, func.count())
        if arrived:
            base = base.select_from(Arrival).join(Badge, Arrival.badge_id == Badge.id).join(
                Registration, Badge.registration_id == Registration.id)
        else:
            base = base.select_from(Registration)
        return dict(db.session.execute(base.where(*approved).group_by(column)).all())

    categories = {c.id: c for c in summit.categories}
    delegations = {d.id: d.name for d in db.session.scalars(
        select(Delegation).where(Delegation.summit_id == summit.id))}
    by_category = [{**row, "label": categories[row["key"]].label_zh,
                    "label_en": categories[row["key"]].label_en,
                    "colour": categories[row["key"]].colour}
                   for row in _rows(grouped(Registration.category_id, True),
                                    grouped(Registration.category_id, False))
                   if row["key"] in categories]
    by_delegation = [{**row, "label": delegations.get(row["key"], "")}
                     for row in _rows(grouped(Registration.delegation_id, True),
                                      grouped(Registration.delegation_id, False))]
    # Walk-ins (registered at the desk) and substitutes, counted apart: one query.
    walk_in_rows = select(Registration.id).where(*approved, Registration.walk_in.is_(True))
    expected_walk_ins, arrived_walk_ins, substitutes = db.session.execute(select(
        select(func.count()).select_from(walk_in_rows.subquery()).scalar_subquery(),
        select(func.count()).select_from(Arrival).join(Badge, Arrival.badge_id == Badge.id)
        .where(Badge.registration_id.in_(walk_in_rows)).scalar_subquery(),
        select(func.count()).select_from(Registration).where(
            *approved, Registration.substitute_for_id.is_not(None)).scalar_subquery())).one()
    walk_ins = {"expected": expected_walk_ins or 0, "arrived": arrived_walk_ins or 0}
    gates = dict(db.session.execute(
        select(Arrival.gate, func.count()).where(Arrival.summit_id == summit.id)
        .group_by(Arrival.gate)).all())
    scans = dict(db.session.execute(
        select(CheckIn.result, func.count()).where(CheckIn.summit_id == summit.id)
        .group_by(CheckIn.result)).all())
    times = db.session.scalars(select(Arrival.arrived_at).where(
        Arrival.summit_id == summit.id).order_by(Arrival.arrived_at)).all()
    return {
        "generated_at": now.isoformat(),
        "updated": now.astimezone(zone).strftime("%H:%M:%S"),
        "expected": sum(r["expected"] for r in by_category),
        "arrived": sum(r["arrived"] for r in by_category),
        "by_category": by_category,
        "by_delegation": by_delegation,
        "walk_ins": walk_ins,
        "pre_registered": {
            "expected": sum(r["expected"] for r in by_category) - walk_ins["expected"],
            "arrived": sum(r["arrived"] for r in by_category) - walk_ins["arrived"]},
        "substitutes": substitutes,
        "by_gate": [{"gate": g, "arrived": n} for g, n in sorted(gates.items())],
        "over_time": _over_time(times, zone),
        "scans": {result: scans.get(result, 0) for result in
                  ("ok", "duplicate") + REFUSED},
        "offline_scans": db.session.scalar(select(func.count()).where(
            CheckIn.summit_id == summit.id, CheckIn.offline.is_(True))) or 0,
        "conflicts": conflicts(summit, zone),
        "salons": checkin_salons.report(summit),
    }


def _over_time(times: list[datetime], zone: ZoneInfo) -> list[dict]:
    """Arrivals per quarter hour (local time), and the running total."""
    counts: Counter = Counter()
    for moment in times:
        local = moment.astimezone(zone)
        counts[local.replace(minute=local.minute - local.minute % 15, second=0,
                             microsecond=0)] += 1
    total, series = 0, []
    for start in sorted(counts):
        total += counts[start]
        series.append({"start": start.isoformat(), "label": start.strftime("%m-%d %H:%M"),
                       "arrived": counts[start], "total": total})
    return series


def _conflicting_scans(summit: Summit, limit: int) -> list:
    """(later scan, the scan it met, holder's name), newest first."""
    other = aliased(CheckIn)
    rows = db.session.execute(
        select(CheckIn, other, Registration.name)
        .join(other, CheckIn.conflict_with_id == other.id)
        .join(Badge, CheckIn.badge_id == Badge.id)
        .join(Registration, Badge.registration_id == Registration.id)
        .where(CheckIn.summit_id == summit.id, CheckIn.result == "duplicate")
        .order_by(CheckIn.received_at.desc()).limit(limit)).all()
    return rows


def conflicts(summit: Summit, zone: ZoneInfo, limit: int = 50) -> list[dict]:
    """Badges let in at two places while offline: the later scan and the one it met."""
    rows = _conflicting_scans(summit, limit)

    def at(moment: datetime) -> str:
        return moment.astimezone(zone).strftime("%m-%d %H:%M:%S")

    return [{"name": name, "first_gate": first.gate, "first_at": at(first.scanned_at),
             "first_device": first.device, "second_gate": late.gate,
             "second_at": at(late.scanned_at), "second_device": late.device}
            for late, first, name in rows]


EXPORT_COLUMNS = (
    _l("Name as on ID"), _l("Name in pinyin"), _l("Category"), _l("Delegation"),
    _l("Organisation"), _l("Mobile phone"), _p("people", "Arrived"), _l("Arrived at"), _l("Gate"),
    _l("Checked in with"),
)


def may_see_phones(actor: User, summit: Summit) -> bool:
    """Organisers call those who have not come; officials read figures, not numbers."""
    return can(actor, Permission.REGISTRATIONS_MANAGE, summit)


def export_xlsx(actor: User, summit: Summit, now: datetime | None = None,
                language: str = "zh") -> bytes:
    """Every approved registration with its arrival; the scans and conflicts on sheets of
    their own."""
    require(actor, Permission.ATTENDANCE_READ, summit)
    phones = may_see_phones(actor, summit)
    rows = db.session.execute(
        select(Registration, Arrival, CheckIn.method)
        .outerjoin(Badge, Badge.registration_id == Registration.id)
        .outerjoin(Arrival, Arrival.badge_id == Badge.id)
        .outerjoin(CheckIn, Arrival.checkin_id == CheckIn.id)
        .where(Registration.summit_id == summit.id,
               Registration.status == RegistrationStatus.APPROVED)
        .options(db.joinedload(Registration.category), db.joinedload(Registration.delegation))
        .order_by(Registration.sort_key, Registration.id)).all()
    book = exports.Book(summit.timezone)
    sheet = book.sheet(_l("Attendance"), EXPORT_COLUMNS, freeze=True)
    method_labels = {"scan": str(_l("Badge scan")), "manual": str(_l("Look-up at the desk"))}
    for registration, arrival, method in rows:
        sheet.append([
            registration.name, registration.name_pinyin, registration.category.label(language),
            registration.delegation.name if registration.delegation else "",
            registration.organisation_name,
            registration.phone if phones else mask_phone(registration.phone),
            str(_l("Yes")) if arrival else str(_l("No")),
            arrival.arrived_at if arrival else None,
            arrival.gate if arrival else "", method_labels.get(method, "") if arrival else ""])
    found = book.sheet(_l("Conflicts"), (_l("Name as on ID"), _l("First gate"),
                                         _l("First scan"), _l("Second gate"),
                                         _l("Second scan")))
    for late, first, name in _conflicting_scans(summit, limit=10_000):
        found.append([name, first.gate, first.scanned_at, late.gate, late.scanned_at])
    salons = book.sheet(_l("Salons"), (_l("Salon"), _l("Name as on ID"), _l("Booked"),
                                       _l("Attended at")))
    for title, name, booked, at in checkin_salons.attendance_rows(summit):
        salons.append([title, name, str(_l("Yes")) if booked else str(_l("No (walk-in)")),
                       at])
    audit.record(actor, "attendance.export", summit, summit=summit, now=now,
                 after={"rows": len(rows), "phones": phones})
    db.session.commit()
    return book.save()
