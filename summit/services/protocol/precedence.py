"""The precedence list (出席领导): rank first, then the organiser's own order; attendance per
agenda item (attending, a named deputy, or absent)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import (
    AgendaItem,
    Attendance,
    ItemAttendance,
    PrecedenceEntry,
    Rank,
    Registration,
    Summit,
    User,
)
from summit.models.protocol import RANK_ORDER
from summit.permissions import Permission, can, require
from summit.services.core import audit, audit_words
from summit.services.core.errors import Conflict, NotFound, ValidationFailed

RANK_LABELS = {
    Rank.PROVINCIAL: _l("Provincial or ministerial (省部级)"),
    Rank.BUREAU: _l("Bureau level (厅局级)"),
    Rank.COUNTY: _l("County or division level (县处级)"),
    Rank.TOWNSHIP: _l("Township or section level (乡科级)"),
    Rank.NONE: _l("No rank"),
}
ATTENDANCE_LABELS = {
    Attendance.ATTENDING: _l("Attending"),
    Attendance.DEPUTY: _l("Sent a deputy"),
    Attendance.ABSENT: _l("Absent"),
}
audit_words.name_enums(RANK_LABELS)
# Their codes in audit entries; "none" is left out of the shared table (a diet is "none" too).
audit_words.name_values({rank: label for rank, label in RANK_LABELS.items()
                         if rank is not Rank.NONE}, ATTENDANCE_LABELS)
AUDITED = ("name", "name_native", "rank", "organisation", "title", "position",
           "registration_id")
MAX_TEXT = 200


@dataclass(frozen=True)
class EntryDetails:
    name: str
    rank: Rank = Rank.NONE
    organisation: str = ""
    title: str = ""
    name_native: str = ""
    registration_id: int | None = None


def sort_key(entry: PrecedenceEntry) -> tuple[int, int, int]:
    return RANK_ORDER[entry.rank], entry.position, entry.id or 0


def ordered(summit: Summit) -> list[PrecedenceEntry]:
    entries = db.session.scalars(db.select(PrecedenceEntry)
                                 .where(PrecedenceEntry.summit_id == summit.id)).all()
    return sorted(entries, key=sort_key)


def _check(summit: Summit, details: EntryDetails) -> None:
    if not details.name.strip():
        raise ValidationFailed(_l("Enter the leader's name."), "name")
    for field in ("name", "name_native", "organisation", "title"):
        if len(getattr(details, field)) > MAX_TEXT:
            raise ValidationFailed(_l("At most %(count)s characters.", count=MAX_TEXT), field)
    if details.registration_id is not None:
        registration = db.session.get(Registration, details.registration_id)
        if registration is None or registration.summit_id != summit.id:
            raise ValidationFailed(_l("That registration is not at this summit."),
                                   "registration_id")
        taken = db.session.scalar(db.select(PrecedenceEntry.id).where(
            PrecedenceEntry.registration_id == details.registration_id))
        if taken is not None:
            raise Conflict(_l("This person is already on the precedence list."),
                           "registration_id")


def add_entry(actor: User, summit: Summit, details: EntryDetails) -> PrecedenceEntry:
    require(actor, Permission.PROTOCOL_WRITE, summit)
    _check(summit, details)
    last = db.session.scalar(db.select(db.func.max(PrecedenceEntry.position))
                             .where(PrecedenceEntry.summit_id == summit.id))
    entry = PrecedenceEntry(summit=summit, name=details.name.strip(),
                            name_native=details.name_native.strip(), rank=details.rank,
                            organisation=details.organisation.strip(),
                            title=details.title.strip(),
                            registration_id=details.registration_id,
                            position=(last or 0) + 1)
    db.session.add(entry)
    db.session.flush()
    audit.record(actor, "precedence.add", entry, summit=summit,
                 after=audit.snapshot(entry, AUDITED))
    db.session.commit()
    return entry


def remove_entry(actor: User, entry: PrecedenceEntry) -> None:
    require(actor, Permission.PROTOCOL_WRITE, entry.summit)
    audit.record(actor, "precedence.remove", entry, summit=entry.summit,
                 before=audit.snapshot(entry, AUDITED))
    db.session.delete(entry)
    db.session.commit()


def move(actor: User, entry: PrecedenceEntry, step: int) -> None:
    """Swap with the neighbour above (step -1) or below (+1) of the same rank."""
    require(actor, Permission.PROTOCOL_WRITE, entry.summit)
    same_rank = [e for e in ordered(entry.summit) if e.rank == entry.rank]
    index = same_rank.index(entry)
    other = index + step
    if step not in (-1, 1) or not 0 <= other < len(same_rank):
        raise Conflict(_l("%(name)s is already at the edge of their rank; change the rank to "
                          "move further.", name=entry.name))
    _renumber(same_rank)
    neighbour = same_rank[other]
    before = entry.position
    entry.position, neighbour.position = neighbour.position, entry.position
    audit.record(actor, "precedence.move", entry, summit=entry.summit,
                 before={"position": before}, after={"position": entry.position})
    db.session.commit()


def _renumber(entries: list[PrecedenceEntry]) -> None:
    for position, entry in enumerate(entries, start=1):
        entry.position = position


def reorder(actor: User, summit: Summit, entry_ids: list[int]) -> None:
    """The organiser's order after a drag: every entry of the summit, each once. Ranks still
    come first; the order applies within each rank."""
    require(actor, Permission.PROTOCOL_WRITE, summit)
    entries = {e.id: e for e in ordered(summit)}
    if len(entry_ids) != len(set(entry_ids)) or set(entry_ids) != set(entries):
        raise Conflict(_l("The list changed meanwhile; reload the page and try again."))
    before = [e.id for e in entries.values()]
    for position, entry_id in enumerate(entry_ids, start=1):
        entries[entry_id].position = position
    audit.record(actor, "precedence.reorder", summit, summit=summit,
                 before={"order": before}, after={"order": [e.id for e in ordered(summit)]})
    db.session.commit()


def set_attendance(actor: User, entry: PrecedenceEntry, item: AgendaItem, status: Attendance,
                   deputy_name: str = "") -> ItemAttendance:
    require(actor, Permission.PROTOCOL_WRITE, entry.summit)
    if item.summit_id != entry.summit_id:
        raise ValidationFailed(_l("That agenda item is not at this summit."), "item_id")
    deputy_name = deputy_name.strip()
    if status is Attendance.DEPUTY and not deputy_name:
        raise ValidationFailed(_l("Enter the deputy's name."), "deputy_name")
    if len(deputy_name) > MAX_TEXT:
        raise ValidationFailed(_l("At most %(count)s characters.", count=MAX_TEXT),
                               "deputy_name")
    row = db.session.scalar(db.select(ItemAttendance).where(
        ItemAttendance.entry_id == entry.id, ItemAttendance.item_id == item.id))
    before = {"status": row.status.value, "deputy_name": row.deputy_name} if row else \
        {"status": Attendance.ATTENDING.value, "deputy_name": ""}
    if row is None:
        row = ItemAttendance(entry=entry, item=item)
        db.session.add(row)
    row.status = status
    row.deputy_name = deputy_name if status is Attendance.DEPUTY else ""
    db.session.flush()
    audit.record(actor, "precedence.attendance", row, summit=entry.summit, before=before,
                 after={"status": status.value, "deputy_name": row.deputy_name,
                        "item_id": item.id})
    db.session.commit()
    return row


def attendance_map(item: AgendaItem) -> dict[int, ItemAttendance]:
    rows = db.session.scalars(db.select(ItemAttendance)
                              .where(ItemAttendance.item_id == item.id)).all()
    return {row.entry_id: row for row in rows}


@dataclass(frozen=True)
class Attendee:
    """Who sits for a precedence entry at an item: the leader or the named deputy."""
    entry: PrecedenceEntry
    name: str
    deputy: bool


def attendees(summit: Summit, item: AgendaItem) -> list[Attendee]:
    """Everyone attending the item in precedence order; a deputy takes the leader's place."""
    marks = attendance_map(item)
    result = []
    for entry in ordered(summit):
        mark = marks.get(entry.id)
        if mark is None or mark.status is Attendance.ATTENDING:
            result.append(Attendee(entry, entry.name, False))
        elif mark.status is Attendance.DEPUTY:
            result.append(Attendee(entry, mark.deputy_name, True))
    return result


def get_entry(entry_id: int) -> PrecedenceEntry:
    entry = db.session.get(PrecedenceEntry, entry_id)
    if entry is None:
        raise NotFound(_l("There is no such leader on a precedence list."))
    return entry


def may_write(actor: User, summit: Summit) -> bool:
    return can(actor, Permission.PROTOCOL_WRITE, summit)


def agenda_items(summit: Summit) -> list[AgendaItem]:
    return list(db.session.scalars(db.select(AgendaItem)
                                   .where(AgendaItem.summit_id == summit.id)
                                   .order_by(AgendaItem.day, AgendaItem.start, AgendaItem.id)))
