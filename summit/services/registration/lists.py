"""Reading registrations: the organiser's searchable list, a delegation's members, a person's
own registrations and counts."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination

from summit.extensions import db
from summit.models import (
    HOLDS_PLACE,
    AttendeeCategory,
    Delegation,
    Registration,
    RegistrationStatus,
    Summit,
    User,
)
from summit.permissions import Permission, require
from summit.services.core import names
from summit.services.core.errors import ValidationFailed

S = RegistrationStatus


def registrations_of(user: User) -> list[Registration]:
    return list(db.session.scalars(
        db.select(Registration).where(db.or_(Registration.user_id == user.id,
                                             Registration.email == user.email))
        .order_by(Registration.created_at.desc())))


SORTS = {
    "name": (Registration.sort_key, Registration.id),
    "-name": (Registration.sort_key.desc(), Registration.id.desc()),
    "created": (Registration.created_at, Registration.id),
    "-created": (Registration.created_at.desc(), Registration.id.desc()),
    "status": (Registration.status, Registration.sort_key),
}


def search_query(summit: Summit, *, q: str = "", status: str = "", category: str = "",
                 delegation_id: int | None = None, sort: str = "name"):
    query = db.select(Registration).where(Registration.summit_id == summit.id)
    terms = names.search_terms(q)
    if terms:
        query = query.where(db.or_(
            *(Registration.search_key.contains(term, autoescape=True) for term in terms),
            Registration.email.contains(q.strip().lower(), autoescape=True),
            Registration.organisation_name.contains(q.strip(), autoescape=True)))
    if status:
        try:
            query = query.where(Registration.status == S(status))
        except ValueError:
            raise ValidationFailed(_l("Unknown status."), "status") from None
    if category:
        query = query.join(Registration.category).where(AttendeeCategory.code == category)
    if delegation_id:
        query = query.where(Registration.delegation_id == delegation_id)
    return query.order_by(*SORTS.get(sort, SORTS["name"]))


def list_registrations(actor: User, summit: Summit, *, page: int = 1, per_page: int = 50,
                       counts: dict[str, int] | None = None, **filters) -> Pagination:
    """A page of the summit's registrations. ``counts`` (``counts_by_status``, which the
    list page shows anyway) gives the total of an unfiltered list without counting again."""
    require(actor, Permission.REGISTRATIONS_MANAGE, summit)
    query = search_query(summit, **filters).options(
        db.joinedload(Registration.category), db.joinedload(Registration.delegation))
    unfiltered = not (names.search_terms(filters.get("q", "")) or filters.get("status")
                      or filters.get("category") or filters.get("delegation_id"))
    if counts is None or not unfiltered:
        return db.paginate(query, page=page, per_page=per_page, max_per_page=200,
                           error_out=False)
    result = db.paginate(query, page=page, per_page=per_page, max_per_page=200,
                         error_out=False, count=False)
    result.total = sum(counts.values())
    return result


def delegation_members(actor: User, delegation: Delegation) -> list[Registration]:
    if delegation.registrar_id != actor.id:
        require(actor, Permission.REGISTRATIONS_MANAGE, delegation.summit)
    return list(db.session.scalars(
        db.select(Registration).where(Registration.delegation_id == delegation.id)
        .options(db.joinedload(Registration.category)).order_by(Registration.sort_key)))


def counts_by_status(summit: Summit) -> dict[str, int]:
    rows = db.session.execute(
        db.select(Registration.status, db.func.count())
        .where(Registration.summit_id == summit.id).group_by(Registration.status)).all()
    return {status.value: count for status, count in rows}


def places_used(summit: Summit) -> dict[int, int]:
    """Places each delegation of the summit holds (pending, approved or waitlisted)."""
    rows = db.session.execute(
        db.select(Registration.delegation_id, db.func.count(Registration.id))
        .where(Registration.summit_id == summit.id, Registration.delegation_id.is_not(None),
               Registration.status.in_(HOLDS_PLACE + (S.WAITLISTED,)))
        .group_by(Registration.delegation_id)).all()
    return {delegation_id: count for delegation_id, count in rows}
