"""Rows of the role × URL matrix for the signing ceremony's run-sheet and host's script, the
seating API's PUT and registered guests on the precedence list: organisers and protocol
officers write, officials read (finding and linking registrations is writing: it shows the
registration list)."""
from __future__ import annotations

from datetime import date

from summit.extensions import db
from summit.models import AgendaItem, Agreement, Podium, PrecedenceEntry, Registration, Role
from tests.app.matrix_protocol import READ, WRITE, entry
from tests.support import factories
from tests.support.agenda_factories import make_agenda_item

CEREMONY_DAY = date(2017, 8, 3)


def _officer(w):
    found = getattr(w, "ceremony_officer", None)
    if found is None:
        found = w.ceremony_officer = factories.make_member(
            w.summit, Role.AGREEMENTS_OFFICER, "matrix-ceremony-officer@example.com")
    return found


def ceremony(w, use: str) -> AgendaItem:
    """A signing ceremony of its own per use, with two agreements signed at it (5000万 first
    by amount, then 3000万), so that changing one (its order, settings, witnesses, script)
    leaves the others as they are."""
    made = w.__dict__.setdefault("ceremonies", {})
    if use not in made:
        item = factories.make_item(w.summit, "09:50", "10:20", day=CEREMONY_DAY,
                                   kind="signing_ceremony", title_zh=f"签约仪式（{use}）",
                                   title_en=f"Signing ceremony ({use})")
        for title, amount in (("康定电商协议", "50000000.00"), ("理塘服务体系协议", "30000000.00")):
            factories.make_agreement(w.summit, _officer(w), f"{title}（{use}）", amount=amount,
                                     ceremony_item_id=item.id, on_stage=True)
        db.session.commit()
        made[use] = item
    return made[use]


def second(w, use: str) -> Agreement:
    """The ceremony's second signing by amount (the 3000万 one)."""
    return db.session.scalars(db.select(Agreement).where(
        Agreement.ceremony_item_id == ceremony(w, use).id)
        .order_by(Agreement.amount)).first()


def podium_item(w) -> AgendaItem:
    """An item with a podium of its own, for the PUT that replaces its placements."""
    found = getattr(w, "put_podium_item", None)
    if found is None:
        found = w.put_podium_item = make_agenda_item(w.summit, "签约仪式主席台")
        db.session.add(Podium(item=found, rows=1, seats_per_row=5))
        db.session.commit()
    return found


def registration(w, use: str) -> Registration:
    """A registration of its own per request (adding or linking one takes it)."""
    count = w.__dict__["registration_count"] = w.__dict__.get("registration_count", 0) + 1
    return factories.make_registration(w.summit, "吴代表",
                                       email=f"ceremony-{use}-{count}@example.com")


def linked_entry(w) -> PrecedenceEntry:
    """A leader linked to a registration, to unlink."""
    made = entry(w, "已关联")
    made.registration_id = registration(w, "unlink").id
    db.session.commit()
    return made


def routes(Route, S, EVERYONE):
    def base(w, use: str) -> str:
        return f"{S(w)}/protocol/items/{ceremony(w, use).id}/ceremony"

    def people(w) -> str:
        return f"{S(w)}/protocol/registrations"

    return [
        Route("protocol.ceremony_page", "GET", lambda w: base(w, "view"), READ),
        Route("protocol.ceremony_settings", "POST", lambda w: base(w, "settings") + "/settings",
              WRITE, data=lambda w: {"order_by": "county", "convention": "international"}),
        Route("protocol.ceremony_move", "POST",
              lambda w: base(w, "move") + f"/signings/{second(w, 'move').id}/move/up", WRITE),
        Route("protocol.ceremony_witnesses", "POST",
              lambda w: base(w, "witnesses") + f"/signings/{second(w, 'witnesses').id}"
              "/witnesses", WRITE,
              data=lambda w: {"witnesses": [str(entry(w, "见证人").id)]}),
        Route("protocol.run_sheet_pdf", "GET", lambda w: base(w, "view") + "/run-sheet.pdf",
              READ),
        Route("protocol.script_save", "POST", lambda w: base(w, "script") + "/script", WRITE,
              data=lambda w: {"text": "尊敬的各位领导、各位来宾：\n签约仪式现在开始。"}),
        Route("protocol.script_regenerate", "POST",
              lambda w: base(w, "regenerate") + "/script/regenerate", WRITE),
        Route("protocol.script_download", "GET", lambda w: base(w, "view") + "/script.pdf",
              READ),
        Route("api.get_run_sheet", "GET",
              lambda w: f"/api/v1/agenda/items/{ceremony(w, 'view').id}/run-sheet", READ),
        Route("api.put_seating", "PUT",
              lambda w: f"/api/v1/agenda/items/{podium_item(w).id}/seating", WRITE,
              data=lambda w: {"placements": [{"row": 1, "seat": 1,
                                              "entry_id": entry(w, "主席台").id,
                                              "locked": True}]}),
        Route("protocol.find_registrations", "GET", lambda w: people(w) + "?q=吴", WRITE),
        Route("protocol.add_registration", "POST",
              lambda w: people(w) + f"/{registration(w, 'add').id}/add", WRITE),
        Route("protocol.link_registration", "POST",
              lambda w: people(w) + f"/{registration(w, 'link').id}/link", WRITE,
              data=lambda w: {"entry_id": entry(w, "待关联").id}),
        Route("protocol.unlink_registration", "POST",
              lambda w: f"/protocol/entries/{linked_entry(w).id}/unlink", WRITE),
    ]
