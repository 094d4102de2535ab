"""Meals: sessions (breakfast to banquet), who is entitled (by category, or everyone
approved), diet counts from registration, and the meal pass: a badge scanned at the
restaurant door once per person per meal, answered like a check-in scan.

A scan inserts the person's ``meal_scans`` row (unique per meal and person: a second scan,
even at the same moment on another phone, finds the first) and then takes one of the
session's places by a conditional UPDATE (``served < capacity``), so no meal is served
beyond its capacity on either database.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    MealKind,
    MealScan,
    MealSession,
    Registration,
    RegistrationStatus,
    Summit,
    User,
)
from summit.permissions import Permission, can, require
from summit.services.badges import issuing as badges
from summit.services.checkin import holders
from summit.services.checkin.scans import MAX_TOKEN, ScanAnswer, scan_input
from summit.services.core import audit
from summit.services.core.errors import NotAllowed, NotFound, ValidationFailed
from summit.services.core.validation import required_line
from summit.services.summits.settings import local_to_utc

KIND_LABELS = {MealKind.BREAKFAST: _l("Breakfast"), MealKind.LUNCH: _l("Lunch"),
               MealKind.DINNER: _l("Dinner"), MealKind.BANQUET: _l("Banquet")}
AUDITED = ("kind", "title", "venue", "starts_at", "capacity", "seated", "categories")
# The fields of a meal scan's JSON body (the scanner page sends a check-in's).
SCAN_FIELDS = ("token", "gate", "scan_id", "device", "scanned_at", "offline")
RESULTS = ("ok", "duplicate", "invalid", "revoked", "not_approved", "wrong_summit",
           "not_entitled", "full")


@dataclass(frozen=True)
class MealDetails:
    kind: MealKind
    title: str
    venue: str
    starts_at: datetime  # wall-clock at the summit
    capacity: int
    seated: bool = False
    categories: tuple[str, ...] = ()


def save_meal(actor: User, summit: Summit, details: MealDetails,
              meal: MealSession | None = None) -> MealSession:
    require(actor, Permission.RECEPTION_MANAGE, summit)
    if not isinstance(details.capacity, int) or not 1 <= details.capacity <= 100_000:
        raise ValidationFailed(_l("A meal serves 1 to 100000 people."), "capacity")
    codes = {c.code for c in summit.categories}
    unknown = [code for code in details.categories if code not in codes]
    if unknown:
        raise ValidationFailed(_l("Use one of: %(values)s", values=", ".join(sorted(codes))),
                               "categories")
    before = audit.snapshot(meal, AUDITED) if meal is not None else None
    if meal is None:
        meal = MealSession(summit_id=summit.id)
        db.session.add(meal)
    elif details.capacity < meal.served:
        raise ValidationFailed(_l("%(n)d people have been served already.", n=meal.served),
                               "capacity")
    meal.kind, meal.title = details.kind, required_line(details.title, "title")
    meal.venue = required_line(details.venue, "venue")
    meal.starts_at = local_to_utc(details.starts_at, summit.timezone)
    meal.capacity, meal.seated = details.capacity, details.seated
    meal.categories = " ".join(sorted(set(details.categories)))
    db.session.flush()
    audit.record(actor, "meal.save", meal, summit=summit, before=before,
                 after=audit.snapshot(meal, AUDITED))
    db.session.commit()
    return meal


def meals(summit: Summit) -> list[MealSession]:
    return list(db.session.scalars(db.select(MealSession).where(
        MealSession.summit_id == summit.id).order_by(MealSession.starts_at)))


def get_meal(summit: Summit, meal_id: int) -> MealSession:
    meal = db.session.get(MealSession, meal_id)
    if meal is None or meal.summit_id != summit.id:
        raise NotFound(_l("There is no such meal."))
    return meal


def _entitled_query(meal: MealSession):
    """The registrations entitled to the meal: approved, in its categories if it names any."""
    query = db.select(Registration).where(Registration.summit_id == meal.summit_id,
                                          Registration.status == RegistrationStatus.APPROVED)
    if meal.categories:
        query = query.join(AttendeeCategory,
                           AttendeeCategory.id == Registration.category_id).where(
            AttendeeCategory.code.in_(meal.categories.split()))
    return query


@dataclass
class MealCounts:
    expected: int
    served: int
    diets: dict[str, int]
    notes: list[tuple[str, str]]  # (name, diet note: allergies and the like)


def counts(actor: User, summit: Summit) -> dict[int, MealCounts]:
    """Expected (entitled), served and diet counts of every meal: one query a meal."""
    require(actor, Permission.RECEPTION_MANAGE, summit)
    found = {}
    for meal in meals(summit):
        rows = db.session.execute(_entitled_query(meal).with_only_columns(
            Registration.name, Registration.diet, Registration.diet_note)).all()
        found[meal.id] = MealCounts(
            expected=len(rows), served=meal.served,
            diets=dict(Counter(diet.value for _, diet, _ in rows)),
            notes=[(name, note) for name, _, note in rows if note])
    return found


def _may_scan(actor: User, summit: Summit) -> None:
    if not (can(actor, Permission.CHECKIN_SCAN, summit)
            or can(actor, Permission.RECEPTION_MANAGE, summit)):
        raise NotAllowed(_l("You do not have permission to do this."))


def scan(actor: User, summit: Summit, meal: MealSession, token: object,
         scan_id: object = None, now: datetime | None = None, *, gate: object = None,
         device: object = "", scanned_at: object = None, offline: object = False
         ) -> ScanAnswer:
    """Serve the badge's holder once at this meal. Answers like a check-in scan: ok,
    duplicate (with the first time), invalid, revoked, not_approved, wrong_summit, and
    not_entitled (not in the meal's categories) or full (the meal's capacity is reached)."""
    _may_scan(actor, summit)
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
        raise ValidationFailed(_l("A scan needs a valid %(field)s.", field="token"), "token")
    now = now or utcnow()
    # The scanner page sends a check-in's fields: each is checked as a check-in's is.
    scan_input(gate if gate is not None else "meal",
               scan_id if scan_id is not None else "meal", device, scanned_at, offline, now)
    check = badges.check_token(summit, token)
    badge = check.badge
    holder = holders.holder_of(badge) if badge is not None and (
        badge.registration is not None or badge.press_person is not None) and \
        check.result in ("ok", "revoked", "not_approved") else None
    if check.result != "ok":
        return ScanAnswer(check.result, holder=holder)
    registration = badge.registration
    if registration is None or db.session.scalar(_entitled_query(meal).where(
            Registration.id == registration.id).with_only_columns(Registration.id)) is None:
        return ScanAnswer("not_entitled", holder=holder)
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" \
        else sqlite.insert
    inserted = db.session.execute(
        insert(MealScan).values(meal_id=meal.id, registration_id=registration.id,
                                scanned_at=now, operator_id=actor.id)
        .on_conflict_do_nothing(index_elements=["meal_id", "registration_id"])
        .returning(MealScan.id)).scalar()
    if inserted is None:
        first = db.session.scalar(db.select(MealScan.scanned_at).where(
            MealScan.meal_id == meal.id, MealScan.registration_id == registration.id))
        db.session.rollback()
        return ScanAnswer("duplicate", first, meal.venue, holder)
    taken = db.session.execute(
        db.update(MealSession).where(MealSession.id == meal.id,
                                     MealSession.served < MealSession.capacity)
        .values(served=MealSession.served + 1)
        .execution_options(synchronize_session=False)).rowcount == 1
    if not taken:
        db.session.rollback()
        return ScanAnswer("full", holder=holder)
    db.session.commit()
    return ScanAnswer("ok", holder=holder)


def served_json(actor: User, summit: Summit) -> list[dict]:
    """Served against expected for every meal, for the live page."""
    return [{"id": meal_id, "served": c.served, "expected": c.expected}
            for meal_id, c in counts(actor, summit).items()]
