"""What moved since the last print of the table cards: each card printed is remembered
(``CardPrint``: person, name, place); the seating now is compared with it, so only the
changed cards are printed again and the cards of people no longer seated are withdrawn."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import AgendaItem, CardJob, CardPrint, CardScope, CardSize, User
from summit.permissions import Permission, require
from summit.services.core import audit
from summit.services.core.errors import Conflict
from summit.services.protocol import cards

PLACE = re.compile(r"^([PT])(\d+)-(\d+)$")


def place_label(place: str | None) -> str:
    """"T3-5" in words: table 3 (or the main table), seat 5; "P1-2": podium row 1, seat 2."""
    found = PLACE.match(place or "")
    if found is None:
        return ""
    kind, first, seat = found.group(1), int(found.group(2)), int(found.group(3))
    if kind == "P":
        return str(_l("Podium row %(row)s, seat %(seat)s", row=first, seat=seat))
    if first == 1:
        return str(_l("Main table, seat %(seat)s", seat=seat))
    return str(_l("Table %(table)s, seat %(seat)s", table=first, seat=seat))


@dataclass(frozen=True)
class Change:
    person: str
    name: str
    before: str   # the place printed ("" when never printed)
    after: str    # the place now ("" when no longer seated)
    printed_name: str = ""

    @property
    def withdrawn(self) -> bool:
        return not self.after


def printed(item: AgendaItem) -> dict[str, CardPrint]:
    return {p.person: p for p in db.session.scalars(
        db.select(CardPrint).where(CardPrint.item_id == item.id))}


def since_last_print(item: AgendaItem, now: list[dict] | None = None) -> list[Change]:
    """Every card that differs from its last print: a new place, a new name (a deputy came),
    someone newly seated, or someone no longer seated. Nothing before the first print."""
    known = printed(item)
    if not known:
        return []
    now = cards.current_cards(item) if now is None else now
    result = []
    for card in now:
        last = known.pop(card["person"], None)
        if last is None:
            result.append(Change(card["person"], card["name"], "", card["place"]))
        elif (last.place, last.name) != (card["place"], card["name"][:200]):
            result.append(Change(card["person"], card["name"], last.place, card["place"],
                                 last.name))
    result += [Change(p.person, p.name, p.place, "") for p in known.values()]
    return result


def print_changed(actor: User, item: AgendaItem, size: CardSize) -> CardJob | None:
    """Print only the cards that changed; forget the cards of people no longer seated (they
    are withdrawn). None when there was nothing to print, only cards to withdraw."""
    require(actor, Permission.PROTOCOL_WRITE, item.summit)
    changes = since_last_print(item)
    if not changes:
        raise Conflict(_l("Nothing to print: no card changed since the last print."), "scope")
    gone = [c for c in changes if c.withdrawn]
    if gone:
        db.session.execute(db.delete(CardPrint).where(
            CardPrint.item_id == item.id, CardPrint.person.in_([c.person for c in gone])))
        audit.record(actor, "table_cards.withdrawn", item, summit=item.summit,
                     before={"cards": [c.name for c in gone]})
    wanted = [c.person for c in changes if not c.withdrawn]
    if not wanted:
        db.session.commit()
        return None
    return cards.start(actor, item, CardScope.CHANGED, size, persons=wanted)
