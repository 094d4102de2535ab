"""The console's figures and to-do list, each section only for the roles that may see it.

Every figure is an aggregate in SQL: the number of queries does not grow with registrations,
delegations, salons or agreements (tests/console/test_console.py counts them). The figures
(not the to-do list, which is read afresh on every page) are kept for
CONSOLE_FIGURES_SECONDS per summit, sections and language, as plain values, and the page says
the time they were computed ("as of"): a console opened by several staff, or reloaded, costs
the to-do list's few statements, not the figures' dozen.
"""
from __future__ import annotations

import functools
import time as clock
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, case, func, select

from summit.database import UTCDateTime, utcnow
from summit.extensions import db
from summit.models import (
    AgendaItem,
    Agreement,
    Arrival,
    Badge,
    BadgeJob,
    Delegation,
    JobStatus,
    PressApplication,
    PressStatus,
    Registration,
    RegistrationStatus,
)
from summit.models.registration import HOLDS_PLACE
from summit.permissions import ROLE_PERMISSIONS, Permission, can, require
from summit.services.agreements import stats as agreement_stats
from summit.services.agreements.signing import FINAL

if TYPE_CHECKING:
    from summit.models import Summit, User

KEPT = "summit.console_figures"  # app.extensions: (expiry, figures) per summit, sections, language
TODO_LIMIT = 20  # per kind; the list links on to the full queue
PRESS_TO_DECIDE = (PressStatus.SUBMITTED,)


@dataclass
class Todo:
    kind: str          # "registration", "press", "agreement", "badge_job"
    since: datetime    # when it started waiting (UTC)
    title: str
    object_id: int | str


@dataclass
class Console:
    sections: set[str] = field(default_factory=set)
    registrations: dict[str, Any] = field(default_factory=dict)
    delegations: list[dict] = field(default_factory=list)
    badges: dict[str, int] = field(default_factory=dict)
    salons: list[dict] = field(default_factory=list)
    press: dict[str, int] = field(default_factory=dict)
    arrivals: dict[str, int] = field(default_factory=dict)
    agreements: dict[str, Any] = field(default_factory=dict)
    todos: list[Todo] = field(default_factory=list)
    as_of: datetime | None = None  # when the figures were computed (UTC)


# Each section and the permission that shows it.
SECTIONS = {
    "registrations": Permission.REGISTRATIONS_MANAGE,
    "badges": Permission.BADGES_MANAGE,
    "salons": Permission.BOOKINGS_MANAGE,
    "press": Permission.PRESS_REVIEW,
    "arrivals": Permission.ATTENDANCE_READ,
    "agreements": Permission.AGREEMENTS_READ,
}


def sections_for(actor: User, summit: Summit) -> set[str]:
    """The console's sections this person may see."""
    return {name for name, permission in SECTIONS.items() if can(actor, permission, summit)}


def sections_held(held: frozenset[Permission]) -> set[str]:
    """``sections_for`` from the person's permissions at the summit."""
    return {name for name, permission in SECTIONS.items() if permission in held}


def kept_as_of(summit_id: int, sections: set[str], language: str) -> datetime | None:
    """When the figures ``console`` would show now were computed, if they are kept and
    still current; None when the next console computes them afresh."""
    kept = current_app.extensions.get(KEPT, {})
    found = kept.get((summit_id, frozenset(sections), language))
    return found[1].as_of if found is not None and found[0] > clock.monotonic() else None


def _registrations(summit: Summit, language: str) -> dict[str, Any]:
    rows = db.session.execute(
        select(Registration.category_id, Registration.status, func.count(Registration.id))
        .where(Registration.summit_id == summit.id)
        .group_by(Registration.category_id, Registration.status)).all()
    by_status: dict[str, int] = {status.value: 0 for status in RegistrationStatus}
    by_category: dict[int, dict[str, int]] = {}
    for category_id, status, count in rows:
        by_status[status.value] += count
        by_category.setdefault(category_id, {})[status.value] = count
    categories = [{"id": c.id, "label": c.label(language), "counts": by_category.get(c.id, {})}
                  for c in summit.categories]
    return {"by_status": by_status, "by_category": categories,
            "total": sum(by_status.values())}


def _delegations(summit: Summit) -> list[dict]:
    # Counted in one pass over the summit's registrations, then joined to the delegations
    # (an outer join per delegation would scan the registrations once for each).
    used = (select(Registration.delegation_id, func.count(Registration.id).label("used"))
            .where(Registration.summit_id == summit.id,
                   Registration.delegation_id.is_not(None),
                   Registration.status.in_(HOLDS_PLACE))
            .group_by(Registration.delegation_id).subquery())
    rows = db.session.execute(
        select(Delegation.id, Delegation.name, Delegation.quota,
               func.coalesce(used.c.used, 0))
        .outerjoin(used, used.c.delegation_id == Delegation.id)
        .where(Delegation.summit_id == summit.id)
        .order_by(Delegation.name)).all()
    found = [{"id": id_, "name": name, "quota": quota, "used": count}
             for id_, name, quota, count in rows]
    # Fullest first: the console lists the first few, the delegations page has them all.
    return sorted(found, key=lambda d: -(d["used"] / d["quota"]) if d["quota"] else 0)


def _badges(summit: Summit) -> dict[str, int]:
    approved = and_(Registration.summit_id == summit.id,
                    Registration.status == RegistrationStatus.APPROVED)
    row = db.session.execute(
        select(func.count(Registration.id),
               func.sum(case((Badge.id.is_(None), 1), else_=0)),
               func.sum(case((and_(Badge.id.is_not(None), Badge.printed_at.is_(None)), 1),
                             else_=0)),
               func.sum(case((and_(Badge.printed_at.is_not(None),
                                   Badge.printed_version != Badge.version), 1), else_=0)))
        .select_from(Registration)
        .outerjoin(Badge, and_(Badge.registration_id == Registration.id,
                               Badge.revoked_at.is_(None)))
        .where(approved)).one()
    approved_count, no_badge, never_printed, reissued = (value or 0 for value in row)
    failed = db.session.scalar(select(func.count(BadgeJob.id)).where(
        BadgeJob.summit_id == summit.id, BadgeJob.status == JobStatus.FAILED)) or 0
    return {"approved": approved_count, "not_printed": no_badge + never_printed,
            "reissued": reissued, "failed_jobs": failed}


def _salons(summit: Summit, language: str) -> list[dict]:
    items = db.session.execute(
        select(AgendaItem.id, AgendaItem.title_zh, AgendaItem.title_en, AgendaItem.day,
               AgendaItem.start, AgendaItem.capacity, AgendaItem.seats_taken)
        .where(AgendaItem.summit_id == summit.id, AgendaItem.bookable.is_(True))
        .order_by(AgendaItem.day, AgendaItem.start, AgendaItem.id)).all()
    return [{"id": id_, "title": (title_en if language == "en" and title_en else title_zh),
             "day": day, "start": start, "capacity": capacity or 0, "taken": taken or 0}
            for id_, title_zh, title_en, day, start, capacity, taken in items]


def _press(summit: Summit) -> dict[str, int]:
    rows = db.session.execute(
        select(PressApplication.status, func.count(PressApplication.id))
        .where(PressApplication.summit_id == summit.id)
        .group_by(PressApplication.status)).all()
    counts = {status.value: count for status, count in rows}
    return {"to_decide": sum(counts.get(s.value, 0) for s in PRESS_TO_DECIDE),
            "needs_info": counts.get(PressStatus.NEEDS_INFO.value, 0),
            "approved": counts.get(PressStatus.APPROVED.value, 0)}


def _arrivals(summit: Summit, expected: int | None, now: datetime) -> dict[str, int]:
    zone = ZoneInfo(summit.timezone)
    today = now.astimezone(zone).date()
    start = datetime.combine(today, time(0), zone).astimezone(UTC)
    end = start + timedelta(days=1)
    if expected is None:
        expected = db.session.scalar(select(func.count(Registration.id)).where(
            Registration.summit_id == summit.id,
            Registration.status == RegistrationStatus.APPROVED)) or 0
    total, today_count = db.session.execute(
        select(func.count(Arrival.id),
               func.sum(case((and_(Arrival.arrived_at >= start, Arrival.arrived_at < end), 1),
                             else_=0)))
        .where(Arrival.summit_id == summit.id)).one()
    return {"expected": expected, "arrived": total or 0, "today": today_count or 0}


def _agreements(summit: Summit, now: datetime) -> dict[str, Any]:
    scope = agreement_stats.scope_for([summit])
    row = db.session.execute(
        select(func.count(Agreement.id), func.sum(Agreement.amount),
               func.sum(case((agreement_stats.stale_condition(scope.stale_days, now), 1),
                             else_=0)))
        .where(*agreement_stats.bounds(scope), agreement_stats.counted())).one()
    count, amount, stale = row
    return {"count": count or 0, "amount": amount or 0, "stale": stale or 0,
            "stale_days": scope.stale_days}


# Each kind of to-do and the console section that shows it; in the statement a kind is
# numbered by its place here.
TODO_KINDS = {"registration": "registrations", "press": "press", "agreement": "agreements",
              "badge_job": "badges"}
KIND_NUMBERS = {kind: number for number, kind in enumerate(TODO_KINDS)}


def _todos(summit: Summit, sections: set[str], now: datetime) -> list[Todo]:
    """The to-do list, read afresh: one statement (a part per visible kind), built once per
    set of sections; rows come in each kind's order, kinds in ``TODO_KINDS``' order, then are
    sorted by how long they have waited (a stable sort, as before)."""
    shown = tuple(kind for kind, section in TODO_KINDS.items() if section in sections)
    if not shown:
        return []
    scope = agreement_stats.scope_for([summit])
    rows = db.session.connection().execute(todos_query(shown), {
        "summit_id": summit.id, "stale_before": now - timedelta(days=scope.stale_days)})
    names = tuple(TODO_KINDS)
    todos = [Todo(names[kind], since, title, key if names[kind] == "badge_job" else number)
             for kind, number, key, title, since in rows]
    return sorted(todos, key=lambda todo: todo.since)


@functools.cache
def todos_query(kinds: tuple[str, ...]):
    """Rows of (kind's number, id, key, title, since), each kind's first TODO_LIMIT in its
    order: pending registrations, press applications to decide, agreements without follow-up
    for the default stale days (as ``agreement_stats.stale_condition`` of the console's
    scope), failed badge batches (their key)."""
    summit_id, stale_before = db.bindparam("summit_id"), db.bindparam("stale_before",
                                                                      type_=UTCDateTime())
    blank, zero = db.literal(""), db.literal(0)

    def part(kind, number, key, title, since, where, order):
        inner = (select(db.literal(KIND_NUMBERS[kind]).label("kind"), number.label("number"),
                        db.type_coerce(key, db.String).label("key"),
                        db.type_coerce(title, db.String).label("title"),
                        db.type_coerce(since, UTCDateTime()).label("since"))
                 .where(*where).order_by(*order).limit(TODO_LIMIT).subquery())
        return select(inner)

    parts = {
        "registration": part(
            "registration", Registration.id, blank, Registration.name, Registration.created_at,
            (Registration.summit_id == summit_id,
             Registration.status == RegistrationStatus.PENDING),
            (Registration.created_at, Registration.id)),
        "press": part(
            "press", PressApplication.id, blank, PressApplication.outlet_name,
            func.coalesce(PressApplication.submitted_at, PressApplication.created_at),
            (PressApplication.summit_id == summit_id,
             PressApplication.status.in_(PRESS_TO_DECIDE)),
            (PressApplication.submitted_at, PressApplication.id)),
        "agreement": part(
            "agreement", Agreement.id, blank, Agreement.title, Agreement.last_activity_at,
            (Agreement.summit_id == summit_id, agreement_stats.counted(),
             Agreement.status.not_in(FINAL),
             Agreement.last_activity_at < stale_before),
            (Agreement.last_activity_at, Agreement.id)),
        "badge_job": part(
            "badge_job", zero, BadgeJob.key, BadgeJob.error,
            func.coalesce(BadgeJob.finished_at, BadgeJob.created_at),
            (BadgeJob.summit_id == summit_id, BadgeJob.status == JobStatus.FAILED),
            (BadgeJob.created_at,)),
    }
    chosen = [parts[kind] for kind in kinds]
    # UNION ALL gives each part's rows in its order, parts in this order (PostgreSQL's
    # Append, SQLite's compound select).
    return chosen[0] if len(chosen) == 1 else db.union_all(*chosen)


KEPT_MAX = 256  # figures kept per app; emptied beyond


def console(actor: User, summit: Summit, language: str = "zh_Hans",
            now: datetime | None = None) -> Console:
    """Everything the console shows this person: the figures (kept for
    CONSOLE_FIGURES_SECONDS, see the module's docstring) and the to-do list (always afresh),
    in at most a dozen queries."""
    require(actor, Permission.CONSOLE_VIEW, summit)
    now = now or utcnow()
    sections = sections_for(actor, summit)
    keep = float(current_app.config.get("CONSOLE_FIGURES_SECONDS", 0) or 0)
    kept: dict[tuple, tuple[float, Console]] = current_app.extensions.setdefault(KEPT, {})
    key = (summit.id, frozenset(sections), language)
    found = kept.get(key) if keep > 0 else None
    if found is not None and found[0] > clock.monotonic():
        result = replace(found[1])
    else:
        result = _figures(summit, sections, language, now)
        if keep > 0:
            if len(kept) >= KEPT_MAX:
                kept.clear()
            kept[key] = (clock.monotonic() + keep, result)
            result = replace(result)
    result.todos = _todos(summit, sections, now)
    return result


def _figures(summit: Summit, sections: set[str], language: str, now: datetime) -> Console:
    """The figures of ``sections``, as plain values (kept across requests: no ORM object)."""
    result = Console(sections=sections, as_of=now)
    if "registrations" in sections:
        result.registrations = _registrations(summit, language)
        result.delegations = _delegations(summit)
    if "badges" in sections:
        result.badges = _badges(summit)
    if "salons" in sections:
        result.salons = _salons(summit, language)
    if "press" in sections:
        result.press = _press(summit)
    if "arrivals" in sections:
        expected = (result.registrations["by_status"][RegistrationStatus.APPROVED.value]
                    if result.registrations else None)
        result.arrivals = _arrivals(summit, expected, now)
    if "agreements" in sections:
        result.agreements = _agreements(summit, now)
    return result


def landing_summit(user: User) -> str | None:
    """The slug of the summit whose console this person lands on after logging in: the most
    recent one where they hold a staff role (None for delegates, press and visitors)."""
    staff = [m.summit for m in user.memberships
             if Permission.CONSOLE_VIEW in ROLE_PERMISSIONS[m.role]]
    if not staff:
        return None
    return max(staff, key=lambda s: (s.starts_on, s.id)).slug

