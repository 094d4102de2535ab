"""The dashboard's sums and the four rates on a hand-computed example, with an upgraded
agreement that counts once (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from summit.extensions import db
from summit.models import AgreementStatus, Role, UpdateKind
from summit.services.agreements import (
    followup as agreement_followup,
    signing as agreements,
    stats as agreement_stats,
)
from tests.support import factories

S = AgreementStatus
SIGNED = datetime(2017, 8, 3, 3, 0, tzinfo=UTC)
NOW = datetime(2018, 6, 1, 8, 0, tzinfo=UTC)


def _follow(officer, agreement, target=None, funds=None, day=date(2018, 1, 5), now=NOW):
    if target is not None:
        agreement_followup.add_update(officer, agreement, agreements.UpdateDetails(
            kind=UpdateKind.STATUS, happened_on=day, status_to=target,
            reason="终止" if target is S.TERMINATED else ""), now=now)
    if funds is not None:
        agreement_followup.add_update(officer, agreement, agreements.UpdateDetails(
            kind=UpdateKind.FUNDS, happened_on=day, funds_in_place=funds), now=now)


@pytest.fixture
def example(summit):
    """Seven agreements; A2 is upgraded by A8, so six count.

    | agreement | county | amount         | status               | funds          |
    | A1        | 康定市 | 50,000,000.00  | landed               | 50,000,000.00  |
    | A2 (old)  | 理塘县 | 30,000,000.00  | construction_started | 12,000,000.00  |
    | A8 (A2↑)  | 理塘县 | 45,000,000.00  | construction_started | 20,000,000.00  |
    | A3        | 乡城县 | 15,000,000.50  | contracted           | 3,000,000.25   |
    | A4        | 泸定县 | 120,000,000.00 | in_production        | 80,000,000.00  |
    | A5        | 康定市 | 8,000,000.00   | signed               | 0              |
    | A6        | 丹巴县 | 20,000,000.00  | terminated           | 0              |
    """
    officer = factories.make_member(summit, Role.AGREEMENTS_OFFICER, "officer@example.com")

    def make(title, amount, county, **kw):
        return factories.make_agreement(summit, officer, title, amount=amount, county=county,
                                        signed_at=SIGNED, **kw)

    a1 = make("A1", "50000000", "康定市")
    _follow(officer, a1, S.LANDED, "50000000", day=date(2017, 10, 20))
    a2 = make("A2", "30000000", "理塘县")
    _follow(officer, a2, S.CONSTRUCTION_STARTED, "12000000", day=date(2017, 12, 1))
    a8 = factories.make_agreement(
        summit, officer, "A8", amount="45000000", county="理塘县", predecessor=a2,
        signed_at=datetime(2018, 5, 8, 2, 0, tzinfo=UTC),
        now=datetime(2018, 5, 8, 3, 0, tzinfo=UTC))
    _follow(officer, a8, S.CONSTRUCTION_STARTED, "20000000", day=date(2018, 5, 8))
    a3 = make("A3", "15000000.50", "乡城县")
    _follow(officer, a3, S.CONTRACTED, "3000000.25", day=date(2017, 11, 30))
    a4 = make("A4", "120000000", "泸定县")
    _follow(officer, a4, S.IN_PRODUCTION, "80000000", day=date(2017, 12, 20))
    make("A5", "8000000", "康定市")
    a6 = make("A6", "20000000", "丹巴县")
    _follow(officer, a6, S.TERMINATED)
    return summit


def summary_of(summit, **kwargs):
    return agreement_stats.summarise(agreement_stats.scope_for([summit], **kwargs), now=NOW)


def test_totals_and_the_four_rates_match_the_hand_computed_example(example):
    summary = summary_of(example)

    assert summary.total.count == 6  # A2 is counted once, as A8
    assert summary.superseded == 1
    assert summary.total.amount == Decimal("258000000.50")
    assert summary.total.funds == Decimal("153000000.25")
    assert (summary.total.performing, summary.total.started, summary.total.landed) == (4, 3, 1)
    assert summary.rates == {
        "performance": Decimal("66.7"),  # 4 / 6
        "construction": Decimal("50.0"),  # 3 / 6
        "landing": Decimal("16.7"),  # 1 / 6
        "funds": Decimal("59.3"),  # 153,000,000.25 / 258,000,000.50 = 59.302…
    }


def test_groups_by_county_count_the_upgrade_once(example):
    by_county = {g.key: g for g in summary_of(example).by_county}

    assert by_county["理塘县"].count == 1
    assert by_county["理塘县"].amount == Decimal("45000000.00")  # not 75,000,000
    assert by_county["理塘县"].funds == Decimal("20000000.00")
    kangding = by_county["康定市"]
    assert (kangding.count, kangding.amount, kangding.funds) == (
        2, Decimal("58000000.00"), Decimal("50000000.00"))
    assert kangding.rates == {"performance": Decimal("50.0"), "construction": Decimal("50.0"),
                              "landing": Decimal("50.0"), "funds": Decimal("86.2")}
    # Largest amount first.
    assert [g.key for g in summary_of(example).by_county] == [
        "泸定县", "康定市", "理塘县", "丹巴县", "乡城县"]


def test_status_groups_and_funnel(example):
    summary = summary_of(example)

    assert {g.key: g.count for g in summary.by_status} == {
        S.SIGNED: 1, S.CONTRACTED: 1, S.CONSTRUCTION_STARTED: 1, S.IN_PRODUCTION: 1,
        S.LANDED: 1, S.TERMINATED: 1}
    assert summary.funnel == [(S.SIGNED, 6), (S.CONTRACTED, 4), (S.CONSTRUCTION_STARTED, 3),
                              (S.IN_PRODUCTION, 2), (S.LANDED, 1)]


def test_funds_over_time_by_month_exclude_the_upgraded_agreement(example):
    assert summary_of(example).funds_by_month == [
        ("2017-10", Decimal("50000000.00"), Decimal("50000000.00")),
        ("2017-11", Decimal("3000000.25"), Decimal("53000000.25")),
        ("2017-12", Decimal("80000000.00"), Decimal("133000000.25")),
        # Months without entries are there too, so a chart spaces months evenly.
        ("2018-01", Decimal("0"), Decimal("133000000.25")),
        ("2018-02", Decimal("0"), Decimal("133000000.25")),
        ("2018-03", Decimal("0"), Decimal("133000000.25")),
        ("2018-04", Decimal("0"), Decimal("133000000.25")),
        ("2018-05", Decimal("20000000.00"), Decimal("153000000.25")),
    ]


def test_the_date_filter_and_stale_agreements(example):
    before_upgrade = summary_of(example, signed_to=date(2017, 12, 31))
    # A8 was signed in 2018, so within 2017 the A2 it upgrades is still superseded:
    assert before_upgrade.total.count == 5
    assert before_upgrade.total.amount == Decimal("213000000.50")
    only_2018 = summary_of(example, signed_from=date(2018, 1, 1))
    assert [g.key for g in only_2018.by_county] == ["理塘县"]

    stale = summary_of(example, stale_days=30)
    # All but landed and terminated were last touched on 2018-06-01 (NOW) or at signing.
    assert [a.title for a in stale.stale] == ["A5"]
    assert stale.stale_count == 1


def test_empty_scope_has_no_rates(summit):
    summary = summary_of(summit)
    assert summary.total.count == 0 and summary.rates["landing"] is None


def test_the_summary_json_uses_exact_decimal_strings(example):
    body = agreement_stats.summary_json(summary_of(example))

    assert body["totals"]["amount"] == "258000000.50"
    assert body["totals"]["funds_in_place"] == "153000000.25"
    assert body["rates"] == {"performance": "66.7", "construction": "50.0", "landing": "16.7",
                             "funds": "59.3"}


def test_the_query_count_does_not_grow_with_agreements(summit, example, count_queries):
    with count_queries() as few:
        summary_of(example)
    officer = db.session.scalar(db.select(factories.User).where(
        factories.User.email == "officer@example.com"))
    for n in range(40):
        factories.make_agreement(summit, officer, f"更多协议 {n}", county=f"县{n % 7}",
                                 signed_at=SIGNED)
    with count_queries() as many:
        summary_of(example)
    assert len(few) == len(many) <= 9
