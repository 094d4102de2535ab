"""Reading registrations: the organiser's searchable list, a delegation's members, a person's
own registrations and counts."""
from __future__ import annotations

from functools import cache
from typing import NamedTuple

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


# What a row of the organiser's HTML list shows: plain columns, no ORM objects (a page of 50
# rows drawn from tuples costs a fraction of 50 entities with their category and delegation).
ROW_COLUMNS = (Registration.id, Registration.name, Registration.name_native,
               Registration.name_pinyin, Registration.organisation_name, Registration.position,
               Registration.category_id, Registration.delegation_id, Registration.phone,
               Registration.status, Registration.substitute_for_id, Registration.walk_in,
               Registration.principal_id)


class RowPagination(Pagination):
    """A page of rows of ``ROW_COLUMNS`` (``Row`` tuples with those names), counted like
    ``db.paginate`` unless the total is known."""

    def _query_items(self) -> list:
        select = self._query_args["select"]
        if isinstance(select, tuple):  # a statement built once and its parameters
            statement, params = select
            return list(db.session.connection().execute(
                statement, dict(params, limit=self.per_page, offset=self._query_offset)))
        return list(db.session.connection().execute(
            select.limit(self.per_page).offset(self._query_offset)))

    def _query_count(self) -> int:
        known = self._query_args.get("total")
        if known is not None:
            return known
        select = self._query_args["select"]
        sub = select.order_by(None).subquery()
        return db.session.execute(db.select(db.func.count()).select_from(sub)).scalar() or 0


def list_rows(actor: User, summit: Summit, *, page: int = 1, per_page: int = 50,
              counts: dict[str, int] | None = None, **filters) -> RowPagination:
    """``list_registrations`` as plain rows of ``ROW_COLUMNS`` for the organiser's page (the
    page draws category and delegation from the summit's own lists)."""
    require(actor, Permission.REGISTRATIONS_MANAGE, summit)
    unfiltered = not (names.search_terms(filters.get("q", "")) or filters.get("status")
                      or filters.get("category") or filters.get("delegation_id"))
    if unfiltered and counts is not None:
        # The usual page: a statement built once per sort (building one cost more than
        # running it), its total the sum of the status counts the page shows anyway.
        sort = filters.get("sort", "name")
        query = (unfiltered_rows_query(sort if sort in SORTS else "name"),
                 {"summit_id": summit.id})
        total = sum(counts.values())
    else:
        query = search_query(summit, **filters).with_only_columns(*ROW_COLUMNS,
                                                                  maintain_column_froms=True)
        total = None
    return RowPagination(page=page, per_page=per_page, max_per_page=200, error_out=False,
                         select=query, total=total)


@cache
def unfiltered_rows_query(sort: str):
    """``list_rows``' statement for a summit's whole list in one of ``SORTS``' orders."""
    return (db.select(*ROW_COLUMNS)
            .where(Registration.summit_id == db.bindparam("summit_id"))
            .order_by(*SORTS.get(sort, SORTS["name"]))
            .limit(db.bindparam("limit")).offset(db.bindparam("offset")))


class CategoryOption(NamedTuple):
    id: int
    code: str
    colour: str
    label_zh: str
    label_en: str

    def label(self, language: str) -> str:
        return self.label_en if language == "en" and self.label_en else self.label_zh


class DelegationOption(NamedTuple):
    id: int
    name: str


class ListSetup(NamedTuple):
    """What the organiser's list shows besides its rows, read in one statement: the count
    of each status, the categories (in ``Summit.categories``' order) and the delegations
    (``Summit.delegations``' order, by name) as plain tuples."""
    counts: dict[str, int]
    categories: list[CategoryOption]
    delegations: list[DelegationOption]


def list_setup(summit: Summit) -> ListSetup:
    """Counts, categories and delegations of the list page: one round trip, read afresh on
    every page (a new registration, category or delegation shows at once)."""
    counts: dict[str, int] = {}
    categories: list[CategoryOption] = []
    delegations: list[DelegationOption] = []
    for part, _number, sort, key, a, b, c, d in db.session.connection().execute(
            list_setup_query(), {"summit_id": summit.id}):
        if part == 1:
            counts[sort] = key
        elif part == 2:
            categories.append(CategoryOption(key, a, b, c, d))
        else:
            delegations.append(DelegationOption(key, sort))
    return ListSetup(counts, categories, delegations)


@cache
def list_setup_query():
    """Rows of (part, number, sort, key, a, b, c, d) in the relationships' orders: part 1 a
    status and its count (read from the ``(summit_id, status)`` index alone), 2 a category
    (position, -, id, code, colour, label_zh, label_en), 3 a delegation (-, name, id)."""
    text, blank, zero, summit_id = db.String, db.literal(""), db.literal(0), \
        db.bindparam("summit_id")

    def row(part, number, sort, key, a, b, c, d):
        return db.select(db.literal(part).label("part"), number.label("number"),
                         db.type_coerce(sort, text).label("sort"), key.label("key"),
                         a.label("a"), b.label("b"), c.label("c"), d.label("d"))

    union = db.union_all(
        row(1, zero, Registration.status, db.func.count(), blank, blank, blank, blank)
        .where(Registration.summit_id == summit_id).group_by(Registration.status),
        row(2, AttendeeCategory.position, blank, AttendeeCategory.id, AttendeeCategory.code,
            AttendeeCategory.colour, AttendeeCategory.label_zh, AttendeeCategory.label_en)
        .where(AttendeeCategory.summit_id == summit_id),
        row(3, zero, Delegation.name, Delegation.id, blank, blank, blank, blank)
        .where(Delegation.summit_id == summit_id),
    ).subquery()
    return db.select(union).order_by(union.c.part, union.c.number, union.c.sort, union.c.key)


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
