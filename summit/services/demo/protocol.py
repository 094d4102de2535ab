"""The demo's protocol: the leaders named in the Kangding report, in precedence order, the
podium of the welcome address, the welcome banquet's tables seated from the precedence list
and the delegations, and the signing ceremony's run-sheet (by amount, 政务; the witnesses of
the largest signing chosen, the others by default) with its host's script (each loaded
once)."""
from __future__ import annotations

from datetime import time

from summit.extensions import db
from summit.models import (
    AgendaItem,
    AgendaItemKind,
    Convention,
    MealKind,
    MealSession,
    PrecedenceEntry,
    Rank,
    SigningCeremony,
    SigningOrder,
    Summit,
    User,
)
from summit.services.accounts import users as accounts
from summit.services.agreements import ceremony as agreement_ceremony
from summit.services.protocol import banquet as tables, ceremony, precedence, script, seating

# (name, rank, organisation, title), as the report names them: the host province first.
LEADERS = (
    ("杨春轩", Rank.BUREAU, "四川省商务厅", "副厅长"),
    ("赵波", Rank.BUREAU, "甘孜藏族自治州人民政府", "州委常委、州政府常务副州长"),
    ("李兴文", Rank.BUREAU, "甘孜藏族自治州人民政府", "州委常委、州政府副州长"),
)


def seed_protocol(summit: Summit) -> None:
    organiser = accounts.find_user("organiser@example.com")
    if organiser is None:
        return
    if db.session.scalar(db.select(PrecedenceEntry.id).where(
            PrecedenceEntry.summit_id == summit.id).limit(1)) is None:
        _leaders_and_podium(organiser, summit)
    _signing_ceremony(organiser, summit)


def _signing_ceremony(organiser, summit: Summit) -> None:
    items = agreement_ceremony.ceremony_items(summit)
    if not items or db.session.scalar(db.select(SigningCeremony.id).where(
            SigningCeremony.item_id == items[0].id)) is not None:
        return
    item = items[0]
    ceremony.configure(organiser, item, SigningOrder.AMOUNT, Convention.GOVERNMENT)
    sheet = ceremony.compute(item)
    if sheet.signings:
        leaders = {e.name: e.id for e in precedence.ordered(summit)}
        chosen = [leaders[name] for name in ("杨春轩", "赵波") if name in leaders]
        ceremony.set_witnesses(organiser, item, sheet.signings[0].agreement.id, chosen)
    script.regenerate(organiser, item)


def _leaders_and_podium(organiser, summit: Summit) -> None:
    for name, rank, organisation, title in LEADERS:
        precedence.add_entry(organiser, summit, precedence.EntryDetails(
            name=name, rank=rank, organisation=organisation, title=title))
    opening = db.session.scalar(db.select(AgendaItem).where(
        AgendaItem.summit_id == summit.id, AgendaItem.kind == AgendaItemKind.ADDRESS)
        .order_by(AgendaItem.day, AgendaItem.start).limit(1))
    if opening is not None:
        seating.configure(organiser, opening, 1, 5, Convention.GOVERNMENT)
    seed_banquet(organiser, summit)


def seed_banquet(organiser: User, summit: Summit) -> None:
    """The welcome banquet on the first evening: 3 tables of 10 in the banquet hall, linked
    to the reception's seated 欢迎晚宴 meal."""
    dinner = AgendaItem(summit=summit, day=summit.starts_on, start=time(18, 30),
                        end=time(20, 30), kind=AgendaItemKind.OTHER, title_zh="欢迎晚宴",
                        title_en="Welcome banquet")
    db.session.add(dinner)
    db.session.commit()
    meal = db.session.scalar(db.select(MealSession.id).where(
        MealSession.summit_id == summit.id, MealSession.kind == MealKind.BANQUET).limit(1))
    tables.configure(organiser, dinner, 3, 10, Convention.GOVERNMENT, per_row=3,
                     room="康定情歌大酒店 宴会厅", meal_id=meal)
