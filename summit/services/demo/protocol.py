"""The demo's protocol: the leaders named in the Kangding report, in precedence order, and
the podium of the welcome address (loaded once)."""
from __future__ import annotations

from summit.extensions import db
from summit.models import AgendaItem, AgendaItemKind, Convention, PrecedenceEntry, Rank, Summit
from summit.services.accounts import users as accounts
from summit.services.protocol import precedence, seating

# (name, rank, organisation, title), as the report names them: the host province first.
LEADERS = (
    ("杨春轩", Rank.BUREAU, "四川省商务厅", "副厅长"),
    ("赵波", Rank.BUREAU, "甘孜藏族自治州人民政府", "州委常委、州政府常务副州长"),
    ("李兴文", Rank.BUREAU, "甘孜藏族自治州人民政府", "州委常委、州政府副州长"),
)


def seed_protocol(summit: Summit) -> None:
    organiser = accounts.find_user("organiser@example.com")
    if organiser is None or db.session.scalar(db.select(PrecedenceEntry.id).where(
            PrecedenceEntry.summit_id == summit.id).limit(1)) is not None:
        return
    for name, rank, organisation, title in LEADERS:
        precedence.add_entry(organiser, summit, precedence.EntryDetails(
            name=name, rank=rank, organisation=organisation, title=title))
    opening = db.session.scalar(db.select(AgendaItem).where(
        AgendaItem.summit_id == summit.id, AgendaItem.kind == AgendaItemKind.ADDRESS)
        .order_by(AgendaItem.day, AgendaItem.start).limit(1))
    if opening is not None:
        seating.configure(organiser, opening, 1, 5, Convention.GOVERNMENT)
