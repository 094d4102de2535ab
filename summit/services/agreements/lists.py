"""The ledger of agreements: search, filters, sorting and pages (constant query count)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import or_

from summit.database import utcnow
from summit.extensions import db
from summit.models import Agreement, AgreementKind, AgreementParty, AgreementStatus, Summit, User
from summit.permissions import Permission, require
from summit.services.agreements import stats as agreement_stats

SORTS = {
    "signed": (Agreement.signed_at.desc(), Agreement.id.desc()),
    "-signed": (Agreement.signed_at, Agreement.id),
    "amount": (Agreement.amount.desc(), Agreement.id),
    "activity": (Agreement.last_activity_at, Agreement.id),
    "title": (Agreement.title, Agreement.id),
}


@dataclass
class LedgerFilters:
    q: str = ""
    status: str = ""
    county: str = ""
    sector: str = ""
    kind: str = ""
    stale_days: int | None = None
    signed_from: date | None = None
    signed_to: date | None = None
    sort: str = "signed"


def ledger_query(summits: list[Summit], filters: LedgerFilters, now: datetime | None = None):
    scope = agreement_stats.scope_for(summits, filters.signed_from, filters.signed_to)
    query = db.select(Agreement).where(*agreement_stats.bounds(scope))
    if filters.q:
        like = f"%{filters.q}%"
        query = query.where(or_(
            Agreement.title.ilike(like),
            Agreement.parties.any(AgreementParty.organisation.ilike(like))))
    if filters.status in {s.value for s in AgreementStatus}:
        query = query.where(Agreement.status == AgreementStatus(filters.status))
    if filters.kind in {k.value for k in AgreementKind}:
        query = query.where(Agreement.kind == AgreementKind(filters.kind))
    if filters.county:
        query = query.where(Agreement.county == filters.county)
    if filters.sector:
        query = query.where(Agreement.sector == filters.sector)
    if filters.stale_days:
        query = query.where(agreement_stats.stale_condition(filters.stale_days, now or utcnow()))
    return query.order_by(*SORTS.get(filters.sort, SORTS["signed"]))


def list_agreements(actor: User, summit: Summit, filters: LedgerFilters, *, page: int = 1,
                    per_page: int = 50, now: datetime | None = None) -> Pagination:
    require(actor, Permission.AGREEMENTS_READ, summit)
    query = ledger_query([summit], filters, now).options(
        db.selectinload(Agreement.parties), db.joinedload(Agreement.successor))
    return db.paginate(query, page=page, per_page=per_page, max_per_page=200, error_out=False)


def all_for_export(summits: list[Summit], filters: LedgerFilters) -> list[Agreement]:
    return list(db.session.scalars(ledger_query(summits, filters).options(
        db.selectinload(Agreement.parties), db.joinedload(Agreement.summit),
        db.joinedload(Agreement.predecessor))))


def for_report(summits: list[Summit], scope, limit: int = 300) -> list[Agreement]:
    """The counted agreements of a report, largest amount first."""
    filters = LedgerFilters(signed_from=scope.signed_from, signed_to=scope.signed_to,
                            sort="amount")
    return list(db.session.scalars(ledger_query(summits, filters)
                                   .where(agreement_stats.counted()).limit(limit)))


def facets(summit: Summit) -> dict[str, list[str]]:
    """Counties and sectors already used at the summit, for filters and suggestions."""
    def distinct(column) -> list[str]:
        return sorted(db.session.scalars(db.select(column).where(
            Agreement.summit_id == summit.id).distinct()))

    counties = set(distinct(Agreement.county)) | {d.county for d in summit.delegations
                                                  if d.county}
    return {"counties": sorted(counties), "sectors": distinct(Agreement.sector)}


def upgradable(summit: Summit) -> list[Agreement]:
    """Agreements of the summit an upgrade may name: those not upgraded yet."""
    return list(db.session.scalars(
        db.select(Agreement).where(Agreement.summit_id == summit.id,
                                   agreement_stats.counted())
        .order_by(Agreement.signed_at.desc())))
