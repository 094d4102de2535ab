"""The demo summit's two-day programme, published as version 1 (a step of ``seed_demo``).

Modelled on the report in ``shared/seed``: a welcome address, an official's speech, the signing
of rural e-commerce strategic cooperation agreements, exchange talks and an e-commerce salon.
Added only once: a summit that already has rooms is left as it is.
"""
from __future__ import annotations

from datetime import date, datetime, time

from summit.extensions import db
from summit.models import (
    AgendaItem,
    AgendaItemKind as K,
    AgendaParticipant,
    AgendaVersion,
    ParticipantRole as R,
    Registration,
    Room,
    Summit,
)
from summit.services.accounts import users as accounts
from summit.services.agenda.publish import publish_agenda
from summit.services.core import audit

DAY1, DAY2 = date(2017, 8, 3), date(2017, 8, 4)
ROOMS = (
    ("主会场", "Main hall", 400), ("第一会议室", "Meeting room 1", 120),
    ("电商沙龙厅", "E-commerce salon room", 60), ("贵宾室", "VIP lounge", 30),
)
# Officials named in the report take part as guests; the others are demo registrations.
ZHAO = ("赵波", "州委常委、州政府常务副州长", "甘孜藏族自治州人民政府")
YANG = ("杨春轩", "副厅长", "四川省商务厅")
LI = ("李兴文", "州委常委、州政府副州长", "甘孜藏族自治州人民政府")
EXPERT = ("刘晓东", "电商专家", "四川省电子商务行业协会")

# (day, start, end, room, kind, title zh, title en, description zh, description en,
#  [(role, registration email | guest tuple)], salon seats)
ITEMS = (
    (DAY1, "08:30", "09:00", "主会场", K.OTHER, "签到入场", "Registration and seating", "", "",
     [], None),
    (DAY1, "09:00", "09:20", "主会场", K.ADDRESS, "欢迎致辞", "Welcome address",
     "甘孜州人民政府致辞。", "Welcome by the Ganzi prefecture government.",
     [(R.HOST, "li.ming@example.com"), (R.SPEAKER, ZHAO)], None),
    (DAY1, "09:20", "09:50", "主会场", K.SPEECH, "省商务厅领导讲话",
     "Speech by the Department of Commerce", "电商精准扶贫的形势与任务。",
     "E-commerce for targeted poverty alleviation: where we stand.",
     [(R.HOST, "li.ming@example.com"), (R.SPEAKER, YANG)], None),
    (DAY1, "09:50", "10:20", "主会场", K.SIGNING_CEREMONY, "农村电商战略合作协议签约仪式",
     "Signing of rural e-commerce strategic cooperation agreements",
     "甘孜州与部分知名企业签订农村电商战略合作协议。",
     "The prefecture signs strategic cooperation agreements with e-commerce companies.",
     [(R.SIGNATORY, LI), (R.SIGNATORY, "zhaxi@example.com"), (R.WITNESS, YANG),
      (R.WITNESS, ZHAO)], None),
    (DAY1, "10:20", "10:40", None, K.BREAK, "茶歇", "Tea break", "", "", [], None),
    (DAY1, "10:40", "12:00", "主会场", K.EXCHANGE_TALK, "交流发言：电商精准扶贫经验分享",
     "Exchange talks: experience of e-commerce poverty alleviation",
     "各县市和企业代表交流发言。", "Counties and companies share what worked.",
     [(R.MODERATOR, "li.ming@example.com"), (R.SPEAKER, "delegate@example.com"),
      (R.SPEAKER, "anna@example.com"), (R.INTERPRETER, "zhao.bo@example.com")], None),
    (DAY1, "12:00", "13:30", None, K.BREAK, "午餐", "Lunch", "", "", [], None),
    (DAY1, "14:00", "16:00", "电商沙龙厅", K.SALON, "电商沙龙：“圣洁甘孜”品牌网上营销",
     "E-commerce salon: selling the “Holy Ganzi” brand online",
     "座谈分享，名额有限，请提前预约座位。", "A round-table; seats are limited, book in advance.",
     [(R.MODERATOR, "zhaxi@example.com"), (R.PANELIST, "zhao.bo@example.com"),
      (R.PANELIST, "anna@example.com"), (R.PANELIST, EXPERT)], 40),
    (DAY2, "09:00", "11:00", "第一会议室", K.EXCHANGE_TALK,
     "交流发言：县乡村四级电商公共服务体系",
     "Exchange talks: county-to-village e-commerce services",
     "州建园区、县建中心、乡建站、村建点。",
     "Parks in the prefecture, centres in counties, stations in townships, points in villages.",
     [(R.MODERATOR, "li.ming@example.com"), (R.SPEAKER, "delegate@example.com")], None),
    (DAY2, "09:00", "10:30", "主会场", K.KEYNOTE, "主旨演讲：电商产业链整合与升级",
     "Keynote: integrating and upgrading the e-commerce chain", "", "",
     [(R.SPEAKER, EXPERT)], None),
    (DAY2, "11:30", "12:00", "主会场", K.ADDRESS, "闭幕致辞", "Closing address", "", "",
     [(R.SPEAKER, LI)], None),
)


def _hm(value: str) -> time:
    return time.fromisoformat(value)


def seed_programme(summit: Summit, now: datetime) -> None:
    if summit.ends_on < DAY2:  # a demo database from before the programme had two days
        summit.ends_on = DAY2
    if db.session.scalar(db.select(Room.id).where(Room.summit_id == summit.id).limit(1)):
        db.session.commit()
        return
    rooms = {}
    for position, (name_zh, name_en, capacity) in enumerate(ROOMS):
        rooms[name_zh] = Room(summit=summit, name_zh=name_zh, name_en=name_en,
                              capacity=capacity, position=position)
        db.session.add(rooms[name_zh])
    people = {r.email: r for r in db.session.scalars(
        db.select(Registration).where(Registration.summit_id == summit.id))}
    for (day, start, end, room, kind, title_zh, title_en, description_zh, description_en,
         participants, seats) in ITEMS:
        item = AgendaItem(summit=summit, day=day, start=_hm(start), end=_hm(end),
                          room=rooms[room] if room else None, kind=kind, title_zh=title_zh,
                          title_en=title_en, description_zh=description_zh,
                          description_en=description_en, bookable=seats is not None,
                          capacity=seats, created_at=now, updated_at=now)
        for position, (role, who) in enumerate(participants):
            if isinstance(who, tuple):
                item.participants.append(AgendaParticipant(
                    role=role, guest_name=who[0], guest_title=who[1], guest_organisation=who[2],
                    position=position))
            elif who in people:
                item.participants.append(AgendaParticipant(role=role, registration=people[who],
                                                           position=position))
        db.session.add(item)
        db.session.flush()
        audit.record(None, "agenda_item.create", item, summit=summit, now=now,
                     after={"title_zh": title_zh, "source": "seed-demo"})
    db.session.commit()
    organiser = accounts.find_user("organiser@example.com")
    if organiser is not None and not db.session.scalar(
            db.select(AgendaVersion.id).where(AgendaVersion.summit_id == summit.id)):
        publish_agenda(organiser, summit, note="首次发布", confirm=True, now=now, notify=False)
