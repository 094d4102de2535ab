"""Demo step: the rural e-commerce strategic cooperation agreements the Ganzi prefecture signed
with companies at the Kangding conference (李兴文 signed for the prefecture, ``shared/seed``),
and their follow-up over the next months, recorded through the real services.

The companies are invented for the demo. The ceremony agreements are linked to the programme's
signing ceremony (``demo.agenda``) and so signed at its start. Idempotent: an agreement whose
title is already at the summit is left alone, except that a ceremony agreement recorded before
the programme existed is linked to it (as an audited correction).
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    AmountKind,
    MilestoneState,
    PartySide,
    Summit,
    UpdateKind,
)
from summit.services.accounts import users as accounts
from summit.services.agreements import (
    ceremony as agreement_ceremony,
    edits as agreement_edits,
    followup as agreement_followup,
    signing as agreements,
)

PREFECTURE = ("甘孜藏族自治州人民政府", "李兴文", "州委常委、副州长")
WITNESSES = "赵波（州委常委、州政府常务副州长）\n杨春轩（省商务厅副厅长）"
K, A, St = AgreementKind, AmountKind, AgreementStatus
# title, kind, county, sector, amount, amount kind, company, signatory, jobs, households
AGREEMENTS = (
    ("甘孜州农村电商战略合作协议", K.STRATEGIC, "康定市", "农村电商", "50000000", A.AGREEMENT,
     "四川川藏云商科技有限公司", "王海", 300, 2000),
    ("理塘县农村电商公共服务体系建设合作协议", K.FRAMEWORK, "理塘县", "电商公共服务", "30000000",
     A.PLANNED_INVESTMENT, "成都高原优品供应链有限公司", "刘欣", 120, 1500),
    ("乡城县特色农产品网络销售采购协议", K.PURCHASE, "乡城县", "农产品上行", "15000000",
     A.PURCHASE_VALUE, "广州南粤鲜达电子商务有限公司", "陈家明", 60, 800),
    ("泸定县冷链物流仓储投资协议", K.INVESTMENT, "泸定县", "冷链物流", "120000000",
     A.PLANNED_INVESTMENT, "四川蜀道冷链物流集团有限公司", "张毅", 200, 600),
    ("“圣洁甘孜”网络旗舰店运营合作协议", K.PLATFORM, "康定市", "品牌营销", "8000000",
     A.AGREEMENT, "杭州云岭网络科技有限公司", "周敏", 40, 300),
    ("丹巴县乡村旅游电商合作意向书", K.INTENT, "丹巴县", "文旅电商", "20000000", A.AGREEMENT,
     "深圳美丽乡途旅游发展有限公司", "黄磊", 80, 400),
    ("稻城县电商扶贫结对帮扶协议", K.STRATEGIC, "稻城县", "电商扶贫", "10000000", A.AGREEMENT,
     "四川省电子商务行业协会", "罗静", 50, 1200),
)
# title -> follow-up entries: (day, kind, value, text)
HISTORY = {
    "甘孜州农村电商战略合作协议": (
        ("2017-09-15", UpdateKind.STATUS, St.CONTRACTED, "签订正式合同"),
        ("2017-10-20", UpdateKind.FUNDS, "15000000", "首期资金到位"),
        ("2017-11-10", UpdateKind.STATUS, St.CONSTRUCTION_STARTED, "州电商产业园开工"),
        ("2018-01-25", UpdateKind.MILESTONE, ("县级电商服务中心建成", "2018-01-31", "2018-01-25",
                                              MilestoneState.MET), ""),
        ("2018-03-05", UpdateKind.STATUS, St.IN_PRODUCTION, "服务中心投入运营"),
        ("2018-05-18", UpdateKind.FUNDS, "50000000", "资金全部到位"),
        ("2018-06-30", UpdateKind.STATUS, St.LANDED, "项目落地验收"),
    ),
    "理塘县农村电商公共服务体系建设合作协议": (
        ("2017-10-09", UpdateKind.STATUS, St.CONTRACTED, ""),
        ("2017-12-01", UpdateKind.FUNDS, "6000000", ""),
        ("2018-02-20", UpdateKind.STATUS, St.CONSTRUCTION_STARTED, "乡镇服务站开工建设"),
        ("2018-04-16", UpdateKind.FUNDS, "12000000", ""),
    ),
    "乡城县特色农产品网络销售采购协议": (
        ("2017-09-01", UpdateKind.STATUS, St.CONTRACTED, "首批松茸、藏香猪采购合同"),
        ("2017-11-30", UpdateKind.FUNDS, "3000000", "首批货款结算"),
        ("2018-03-31", UpdateKind.MILESTONE, ("年度采购额达到500万元", "2018-03-31", None,
                                              MilestoneState.NOT_MET), "受冬季运输影响"),
    ),
    "泸定县冷链物流仓储投资协议": (
        ("2017-09-20", UpdateKind.STATUS, St.CONTRACTED, ""),
        ("2017-11-15", UpdateKind.STATUS, St.CONSTRUCTION_STARTED, "冷库主体工程开工"),
        ("2017-12-20", UpdateKind.FUNDS, "40000000", ""),
        ("2018-04-28", UpdateKind.FUNDS, "80000000", ""),
        ("2018-06-10", UpdateKind.STATUS, St.IN_PRODUCTION, "冷库试运行"),
    ),
    "丹巴县乡村旅游电商合作意向书": (
        ("2017-12-15", UpdateKind.NOTE, None, "企业来丹巴实地考察"),
        ("2018-04-02", UpdateKind.STATUS, St.TERMINATED, "企业经营战略调整，终止合作"),
    ),
    "稻城县电商扶贫结对帮扶协议": (
        ("2017-10-12", UpdateKind.STATUS, St.CONTRACTED, "结对帮扶方案签订"),
        ("2018-01-10", UpdateKind.FUNDS, "2500000", ""),
    ),
}
UPGRADE = ("理塘县农村电商公共服务体系建设升级合作协议", "理塘县农村电商公共服务体系建设合作协议",
           "45000000", "2018-05-08")


def _at(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), ZoneInfo("Asia/Shanghai")) \
        .astimezone(UTC)


def _details(row, signed_at: datetime) -> agreements.AgreementDetails:
    title, kind, county, sector, amount, amount_kind, company, signatory, jobs, homes = row
    return agreements.AgreementDetails(
        title=title, kind=kind, county=county, sector=sector, amount=amount,
        amount_kind=amount_kind, signed_at=signed_at, on_stage=True, witnesses=WITNESSES,
        expected_jobs=jobs, households_helped=homes,
        parties=[agreements.PartyDetails(PartySide.A, *PREFECTURE),
                 agreements.PartyDetails(PartySide.B, company, signatory, "董事长")])


def _follow_up(officer, agreement: Agreement) -> None:
    for day, kind, value, text in HISTORY.get(agreement.title, ()):
        details = agreements.UpdateDetails(kind=kind, happened_on=date.fromisoformat(day),
                                           note=text)
        if kind is UpdateKind.STATUS:
            details.status_to = value
            if value is St.TERMINATED:
                details.reason, details.note = text, ""
        elif kind is UpdateKind.FUNDS:
            details.funds_in_place = Decimal(value)
        elif kind is UpdateKind.MILESTONE:
            title, due, met, state = value
            details.milestone_title, details.milestone_state = title, state
            details.milestone_due_on = date.fromisoformat(due)
            details.milestone_met_on = date.fromisoformat(met) if met else None
        agreement_followup.add_update(officer, agreement, details, now=_at(day, 17))


def _link(officer, agreement: Agreement, ceremony) -> None:
    if ceremony is None or agreement.ceremony_item_id is not None:
        return
    details = agreement_edits.details_of(agreement)
    details.ceremony_item_id = ceremony.id
    agreement_edits.correct_signing_record(officer, agreement, details, now=utcnow())


def seed_agreements(summit: Summit) -> None:
    officer = accounts.find_user("agreements@example.com")
    if officer is None:
        return
    known = {a.title: a for a in db.session.scalars(
        db.select(Agreement).where(Agreement.summit_id == summit.id))}
    signing = _at(summit.starts_on.isoformat(), 11)
    ceremonies = agreement_ceremony.ceremony_items(summit)
    ceremony = ceremonies[0] if ceremonies else None
    for row in AGREEMENTS:
        if row[0] in known:
            _link(officer, known[row[0]], ceremony)
            continue
        details = _details(row, signing)
        if ceremony is not None:  # signed at the ceremony's start
            details.signed_at, details.ceremony_item_id = None, ceremony.id
        known[row[0]] = agreements.record_agreement(officer, summit, details, now=signing)
        _follow_up(officer, known[row[0]])
    title, earlier, amount, day = UPGRADE
    if title not in known and earlier in known:
        base = next(row for row in AGREEMENTS if row[0] == earlier)
        details = _details((title,) + base[1:4] + (amount,) + base[5:], _at(day))
        details.on_stage, details.predecessor_id = False, known[earlier].id
        upgraded = agreements.record_agreement(officer, summit, details, now=_at(day))
        agreement_followup.add_update(officer, upgraded, agreements.UpdateDetails(
            kind=UpdateKind.STATUS, happened_on=date.fromisoformat(day),
            status_to=St.CONSTRUCTION_STARTED, note="沿用原项目施工"), now=_at(day, 16))
        agreement_followup.add_update(officer, upgraded, agreements.UpdateDetails(
            kind=UpdateKind.FUNDS, happened_on=date.fromisoformat(day),
            funds_in_place=Decimal("20000000"), note="原协议已到位资金转入"), now=_at(day, 17))
