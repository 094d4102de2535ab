"""Fixtures and helpers shared by the agreements tests (part of the tests' plugin): a signing
ceremony on the agenda, the recording form's values and follow-up updates."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from summit.models import (
    AgendaItem,
    Agreement,
    AgreementStatus,
    AgreementUpdate,
    Summit,
    UpdateKind,
    User,
)
from summit.services.agreements import followup as agreement_followup, signing as agreements
from tests.support import factories

NOW = datetime(2018, 6, 1, 8, 0, tzinfo=UTC)
CEREMONY_DAY = date(2017, 8, 3)


@pytest.fixture
def ceremony(summit: Summit) -> AgendaItem:
    """A signing ceremony at the test summit, 09:50–10:20 on 3 August 2017."""
    return factories.make_item(summit, "09:50", "10:20", day=CEREMONY_DAY,
                               kind="signing_ceremony", title_zh="农村电商战略合作协议签约仪式",
                               title_en="Signing ceremony")


def form_values(**overrides) -> dict:
    """A complete recording form (strategic agreement of 5000万 signed at 康定市), with
    `overrides`."""
    values = {"title": "农村电商战略合作协议", "kind": "strategic", "county": "康定市",
              "sector": "农村电商", "amount": "5000万", "amount_kind": "agreement",
              "signed_at": "2017-08-03T10:30", "on_stage": "y", "party_a": "甘孜藏族自治州人民政府",
              "party_a_signatory": "李兴文", "party_a_title": "副州长",
              "party_b": "四川川藏云商科技有限公司", "party_b_signatory": "王海",
              "party_b_title": "董事长", "witnesses": "赵波\n杨春轩", "expected_jobs": "300",
              "households_helped": "2000", "predecessor_id": ""}
    values.update(overrides)
    return values


def status(officer: User, agreement: Agreement, target: AgreementStatus, reason: str = "",
           correction: bool = False, day: date = date(2018, 1, 5)) -> AgreementUpdate:
    """A status update recorded by `officer` at `NOW`."""
    return agreement_followup.add_update(officer, agreement, agreements.UpdateDetails(
        kind=UpdateKind.STATUS, happened_on=day, status_to=target, reason=reason,
        correction=correction), now=NOW)


def funds(officer: User, agreement: Agreement, value: str, confirm: bool = False,
          note: str = "", day: date = date(2018, 1, 5)) -> AgreementUpdate:
    """A funds-in-place update recorded by `officer` at `NOW`."""
    return agreement_followup.add_update(officer, agreement, agreements.UpdateDetails(
        kind=UpdateKind.FUNDS, happened_on=day, funds_in_place=value, note=note),
        confirm=confirm, now=NOW)
