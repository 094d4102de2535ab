"""Rows of the role × URL matrix for protocol (issue 18): organisers and protocol officers
write, officials read; the API reads for the same people. Health and metrics (issue 22)."""
from __future__ import annotations

from summit.extensions import db
from summit.models import AgendaItem, Podium, PrecedenceEntry, Rank, Role
from tests.support.agenda_factories import make_agenda_item

WRITE = frozenset({Role.PROTOCOL_OFFICER.value, Role.ORGANISER.value, "admin"})
READ = WRITE | {Role.OFFICIAL.value}


def item(w) -> AgendaItem:
    found = getattr(w, "protocol_item", None)
    if found is None:
        found = w.protocol_item = make_agenda_item(w.summit, "开幕式")
        db.session.add(Podium(item=found, rows=1, seats_per_row=5))  # readers see a chart
        db.session.commit()
    return found


def entry(w, name: str = "杨春轩") -> PrecedenceEntry:
    """A leader of their own per route that changes it (moving, removing)."""
    made = PrecedenceEntry(summit=w.summit, name=name, rank=Rank.BUREAU,
                           position=len(w.summit.slug) + hash(name) % 1000)
    db.session.add(made)
    db.session.commit()
    return made


def routes(Route, S, EVERYONE):
    P = "{}/protocol"
    return [
        Route("protocol.precedence_list", "GET", lambda w: P.format(S(w)), READ),
        Route("protocol.add_entry", "POST", lambda w: P.format(S(w)) + "/entries", WRITE,
              data=lambda w: {"name": "赵波", "rank": "bureau"}),
        Route("protocol.move", "POST",
              lambda w: f"/protocol/entries/{entry(w).id}/move/up", WRITE),
        Route("protocol.remove", "POST",
              lambda w: f"/protocol/entries/{entry(w).id}/delete", WRITE),
        Route("protocol.reorder", "POST", lambda w: P.format(S(w)) + "/order", WRITE,
              data=lambda w: {"order": ",".join(str(e.id) for e in db.session.scalars(
                  db.select(PrecedenceEntry).where(PrecedenceEntry.summit_id == w.summit.id)))
                  or "1"}),
        Route("protocol.item_page", "GET",
              lambda w: P.format(S(w)) + f"/items/{item(w).id}", READ),
        Route("protocol.attendance", "POST",
              lambda w: P.format(S(w)) + f"/items/{item(w).id}/attendance/{entry(w).id}",
              WRITE, data=lambda w: {"status": "absent"}),
        Route("protocol.configure_podium", "POST",
              lambda w: P.format(S(w)) + f"/items/{item(w).id}/podium", WRITE,
              data=lambda w: {"rows": 1, "seats_per_row": 5, "convention": "government"}),
        Route("protocol.place", "POST",
              lambda w: P.format(S(w)) + f"/items/{item(w).id}/place", WRITE,
              data=lambda w: {"entry_id": entry(w).id, "row": 1, "seat": 1}),
        Route("protocol.unlock", "POST",
              lambda w: P.format(S(w)) + f"/items/{item(w).id}/unlock/1/1", WRITE),
        Route("protocol.seating_pdf", "GET",
              lambda w: P.format(S(w)) + f"/items/{item(w).id}/seating.pdf", READ),
        Route("api.get_precedence", "GET", lambda w: f"/api/v1{S(w)}/precedence", READ),
        Route("api.get_seating", "GET",
              lambda w: f"/api/v1/agenda/items/{item(w).id}/seating", READ),
        # health for load balancers: anyone; metrics only from allowed addresses (the test
        # client's 127.0.0.1 is one)
        Route("ops.healthz", "GET", lambda w: "/healthz", EVERYONE),
        Route("ops.readyz", "GET", lambda w: "/readyz", EVERYONE),
        Route("ops.metrics_page", "GET", lambda w: "/metrics", EVERYONE),
    ]
