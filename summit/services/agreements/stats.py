"""The officials' dashboard: counts, amounts and the four follow-up rates, computed by the
database (GROUP BY), never by looping over agreements in Python.

Which agreements count: those of the summits in scope, signed within the date filter, except
an agreement that has been upgraded by a later one (it has a successor): the upgrade carries
the amount, so the pair counts once. Terminated agreements count (a promise not kept).

The four rates, over the counted agreements (``RATE_DEFINITIONS`` is printed on the page):

* performance rate 履约率 = agreements contracted or further (contracted, construction started,
  in production, landed) ÷ counted agreements;
* construction start rate 开工率 = agreements whose construction has started or gone further
  (construction started, in production, landed) ÷ counted agreements;
* landing rate 落地率 = landed agreements ÷ counted agreements;
* funds in place rate 资金到位率 = sum of funds in place ÷ sum of amounts (both in yuan).

Rates are percentages with one decimal, rounded half up; "—" when the denominator is zero.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func

from summit.database import utcnow
from summit.extensions import db
from summit.models import Agreement, AgreementStatus, AgreementUpdate, Summit, UpdateKind
from summit.services.agreements.signing import FINAL, LIFECYCLE

S = AgreementStatus
PERFORMING = (S.CONTRACTED, S.CONSTRUCTION_STARTED, S.IN_PRODUCTION, S.LANDED)
STARTED = (S.CONSTRUCTION_STARTED, S.IN_PRODUCTION, S.LANDED)
LANDED = (S.LANDED,)
ZERO = Decimal("0.00")
DEFAULT_STALE_DAYS = 30
STALE_LIST_LIMIT = 50

RATE_DEFINITIONS = (
    ("performance", _l("Performance rate"),
     _l("Agreements contracted or further along (contracted, construction started, in "
        "production, landed) ÷ counted agreements.")),
    ("construction", _l("Construction start rate"),
     _l("Agreements whose construction has started or gone further (construction started, in "
        "production, landed) ÷ counted agreements.")),
    ("landing", _l("Landing rate"), _l("Landed agreements ÷ counted agreements.")),
    ("funds", _l("Funds in place rate"),
     _l("Sum of funds in place ÷ sum of agreement amounts, in yuan.")),
)
COUNTED_NOTE = _l("Counted agreements: those signed in the chosen period, terminated ones "
                  "included; an agreement upgraded by a later one is counted once, as the "
                  "later one.")


@dataclass
class Scope:
    summit_ids: list[int]
    signed_from: date | None = None
    signed_to: date | None = None
    stale_days: int = DEFAULT_STALE_DAYS
    timezone: str = "Asia/Shanghai"


@dataclass
class Group:
    key: object
    count: int = 0
    amount: Decimal = ZERO
    funds: Decimal = ZERO
    performing: int = 0
    started: int = 0
    landed: int = 0

    @property
    def rates(self) -> dict[str, Decimal | None]:
        return {"performance": percent(self.performing, self.count),
                "construction": percent(self.started, self.count),
                "landing": percent(self.landed, self.count),
                "funds": percent(self.funds, self.amount)}


@dataclass
class Summary:
    scope: Scope
    total: Group
    by_status: list[Group]
    by_county: list[Group]
    by_sector: list[Group]
    by_kind: list[Group]
    funds_by_month: list[tuple[str, Decimal, Decimal]]  # (YYYY-MM, change, cumulative)
    funnel: list[tuple[AgreementStatus, int]]
    stale: list[Agreement]
    stale_count: int
    superseded: int
    computed_at: datetime = field(default_factory=utcnow)

    @property
    def rates(self) -> dict[str, Decimal | None]:
        return self.total.rates


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def counted():
    """SQL condition: the agreement has not been upgraded by a later one."""
    return Agreement.superseded.is_(False)


def bounds(scope: Scope) -> list:
    zone = ZoneInfo(scope.timezone)
    conditions = [Agreement.summit_id.in_(scope.summit_ids)]
    if scope.signed_from:
        conditions.append(Agreement.signed_at >= datetime.combine(
            scope.signed_from, time(0), zone))
    if scope.signed_to:
        conditions.append(Agreement.signed_at < datetime.combine(
            scope.signed_to + timedelta(days=1), time(0), zone))
    return conditions


def _in(statuses: tuple) -> object:
    return func.sum(case((Agreement.status.in_(statuses), 1), else_=0))


def _grouped(scope: Scope, column) -> list[Group]:
    rows = db.session.execute(
        db.select(column, func.count(Agreement.id),
                  func.coalesce(func.sum(Agreement.amount), ZERO),
                  func.coalesce(func.sum(Agreement.funds_in_place), ZERO),
                  _in(PERFORMING), _in(STARTED), _in(LANDED))
        .where(*bounds(scope), counted())
        .group_by(column)).all()
    groups = [Group(key, count, amount or ZERO, funds or ZERO, int(performing or 0),
                    int(started or 0), int(landed or 0))
              for key, count, amount, funds, performing, started, landed in rows]
    return sorted(groups, key=lambda g: (-g.amount, -g.count, str(g.key)))


def _funds_by_month(scope: Scope) -> list[tuple[str, Decimal, Decimal]]:
    # The entries carry their agreement's summit, signing time and "upgraded" flag, so this
    # reads one covering index, whatever the number of entries' agreements.
    signed = AgreementUpdate.agreement_signed_at
    conditions = [AgreementUpdate.summit_id.in_(scope.summit_ids),
                  AgreementUpdate.kind == UpdateKind.FUNDS,
                  AgreementUpdate.agreement_superseded.is_(False)]
    zone = ZoneInfo(scope.timezone)
    if scope.signed_from:
        conditions.append(signed >= datetime.combine(scope.signed_from, time(0), zone))
    if scope.signed_to:
        conditions.append(signed < datetime.combine(scope.signed_to + timedelta(days=1),
                                                    time(0), zone))
    rows = db.session.execute(
        db.select(AgreementUpdate.happened_month, func.sum(AgreementUpdate.funds_change))
        .where(*conditions).group_by(AgreementUpdate.happened_month)
        .order_by(AgreementUpdate.happened_month)).all()
    changes = {month: change or ZERO for month, change in rows}
    series, running = [], ZERO
    # Every month from the first to the last, those without entries too, so that a chart
    # spaces the months evenly.
    for month in months_between(rows[0][0], rows[-1][0]) if rows else []:
        running += changes.get(month, ZERO)
        series.append((month, changes.get(month, ZERO), running))
    return series


def months_between(first: str, last: str) -> list[str]:
    """'2017-11', '2018-02' -> every 'YYYY-MM' from the one to the other."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last and len(months) < 1200:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def stale_condition(days: int, now: datetime):
    return and_(Agreement.status.not_in(FINAL),
                Agreement.last_activity_at < now - timedelta(days=days))


def summarise(scope: Scope, now: datetime | None = None) -> Summary:
    """Everything the dashboard shows, in seven queries whatever the number of agreements."""
    now = now or utcnow()
    by_status = _grouped(scope, Agreement.status)
    total = Group("total")
    for group in by_status:
        for name in ("count", "amount", "funds", "performing", "started", "landed"):
            setattr(total, name, getattr(total, name) + getattr(group, name))
    counts = {group.key: group.count for group in by_status}
    funnel = [(stage, sum(counts.get(s, 0) for s in LIFECYCLE[i:]))
              for i, stage in enumerate(LIFECYCLE)]
    funnel[0] = (S.SIGNED, total.count)
    stale_where = (*bounds(scope), counted(), stale_condition(scope.stale_days, now))
    stale = list(db.session.scalars(
        db.select(Agreement).where(*stale_where).options(db.joinedload(Agreement.summit))
        .order_by(Agreement.last_activity_at, Agreement.id).limit(STALE_LIST_LIMIT)))
    stale_count = db.session.scalar(db.select(func.count(Agreement.id)).where(*stale_where))
    superseded = db.session.scalar(db.select(func.count(Agreement.id)).where(
        *bounds(scope), Agreement.superseded.is_(True)))
    order = {status: i for i, status in enumerate(LIFECYCLE + (S.TERMINATED,))}
    return Summary(
        scope=scope, total=total, by_status=sorted(by_status, key=lambda g: order[g.key]),
        by_county=_grouped(scope, Agreement.county), by_sector=_grouped(scope, Agreement.sector),
        by_kind=_grouped(scope, Agreement.kind), funds_by_month=_funds_by_month(scope),
        funnel=funnel, stale=stale, stale_count=stale_count, superseded=superseded,
        computed_at=now)


def scope_for(summits: list[Summit], signed_from: date | None = None,
              signed_to: date | None = None, stale_days: int = DEFAULT_STALE_DAYS) -> Scope:
    zone = summits[0].timezone if len(summits) == 1 else "Asia/Shanghai"
    return Scope([s.id for s in summits], signed_from, signed_to, stale_days, zone)


def _group_json(group: Group) -> dict:
    key = group.key.value if hasattr(group.key, "value") else group.key
    return {"key": key, "count": group.count, "amount": str(group.amount),
            "funds_in_place": str(group.funds), "performing": group.performing,
            "construction_started": group.started, "landed": group.landed,
            "rates": {name: (str(rate) if rate is not None else None)
                      for name, rate in group.rates.items()}}


def summary_json(summary: Summary) -> dict:
    """Exact decimal strings: the same numbers the dashboard shows."""
    return {
        "filters": {"signed_from": summary.scope.signed_from.isoformat()
                    if summary.scope.signed_from else None,
                    "signed_to": summary.scope.signed_to.isoformat()
                    if summary.scope.signed_to else None,
                    "stale_days": summary.scope.stale_days},
        "totals": _group_json(summary.total),
        "rates": {name: (str(rate) if rate is not None else None)
                  for name, rate in summary.rates.items()},
        "definitions": {key: str(text) for key, _label, text in RATE_DEFINITIONS},
        "by_status": [_group_json(g) for g in summary.by_status],
        "by_county": [_group_json(g) for g in summary.by_county],
        "by_sector": [_group_json(g) for g in summary.by_sector],
        "by_kind": [_group_json(g) for g in summary.by_kind],
        "funds_by_month": [{"month": m, "change": str(c), "cumulative": str(t)}
                           for m, c, t in summary.funds_by_month],
        "stale": {"count": summary.stale_count,
                  "items": [{"id": a.id, "title": a.title,
                             "last_activity_at": a.last_activity_at.isoformat()}
                            for a in summary.stale]},
        "superseded": summary.superseded,
    }
