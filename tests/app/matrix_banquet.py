"""Rows of the role × URL matrix for banquet tables and table cards (issue 18): organisers
and protocol officers write, officials read."""
from __future__ import annotations

from summit.extensions import db
from summit.models import (
    AgendaItem,
    Banquet,
    BanquetTable,
    CardJob,
    CardScope,
    CardSize,
    JobStatus,
    PrecedenceEntry,
    Rank,
)
from summit.services.core import uploads
from summit.services.protocol.cards import UPLOAD_KIND
from tests.app.matrix_protocol import READ, WRITE
from tests.support.agenda_factories import make_agenda_item


def dinner(w) -> AgendaItem:
    """An item with two tables of 10 and one leader to seat."""
    found = getattr(w, "banquet_item", None)
    if found is None:
        found = w.banquet_item = make_agenda_item(w.summit, "欢迎晚宴")
        db.session.add(Banquet(item=found, tables=[BanquetTable(number=1, seats=10),
                                                   BanquetTable(number=2, seats=10)]))
        w.banquet_leader = PrecedenceEntry(summit=w.summit, name="李兴文", rank=Rank.BUREAU)
        db.session.add(w.banquet_leader)
        db.session.commit()
    return found


def job(w) -> CardJob:
    """A finished print of the dinner's cards, with its PDF."""
    found = getattr(w, "card_job", None)
    if found is None:
        item = dinner(w)
        token = uploads.store(UPLOAD_KIND, b"%PDF-1.4\n%%EOF\n", {"job": 0})
        found = w.card_job = CardJob(
            key=f"cards{w.summit.id}", summit=w.summit, item=item, scope=CardScope.EVERYONE,
            size=CardSize.A4, cards=[], total=1, done=1, status=JobStatus.DONE,
            file_token=token, file_size=15)
        db.session.add(found)
        db.session.commit()
    return found


def routes(Route, S, EVERYONE):
    def base(w) -> str:
        return f"{S(w)}/protocol/items/{dinner(w).id}"

    def cards(w) -> str:
        return f"{S(w)}/protocol/cards/{job(w).key}"

    return [
        Route("protocol.tables_page", "GET", lambda w: base(w) + "/tables", READ),
        Route("protocol.configure_tables", "POST", lambda w: base(w) + "/tables", WRITE,
              data=lambda w: {"tables": 2, "seats": 10, "per_row": 5,
                              "convention": "government", "meal_id": ""}),
        Route("protocol.edit_table", "POST", lambda w: base(w) + "/tables/2", WRITE,
              data=lambda w: {"seats": 8, "room": "宴会厅"}),
        Route("protocol.place_at_table", "POST", lambda w: base(w) + "/tables/place", WRITE,
              data=lambda w: {"person": f"e{w.banquet_leader.id}", "table": 2, "seat": 1}),
        Route("protocol.unlock_table_seat", "POST",
              lambda w: base(w) + "/tables/unlock/2/1", WRITE),
        Route("protocol.tables_pdf", "GET", lambda w: base(w) + "/tables.pdf", READ),
        Route("protocol.print_cards", "POST", lambda w: base(w) + "/cards", WRITE,
              data=lambda w: {"scope": "table", "table": 1, "size": "a5"}),
        Route("protocol.print_changed_cards", "POST", lambda w: base(w) + "/cards/changed",
              WRITE, data=lambda w: {"size": "a4"}),
        Route("protocol.cards_job", "GET", cards, READ),
        Route("protocol.cards_status", "GET", lambda w: cards(w) + "/status", READ),
        Route("protocol.cards_pdf", "GET", lambda w: cards(w) + ".pdf", READ),
        Route("protocol.cards_retry", "POST", lambda w: cards(w) + "/retry", WRITE),
    ]
