"""Clashes in a programme, and which of them stop a change or a publication.

Decided here, once:

* refused outright (``agenda`` raises a validation error): an end before the start, a day
  outside the summit, a room or a person not of this summit;
* warnings the organiser confirms when saving: a room used twice at once, a person in two
  places at once, a participant whose registration is not approved;
* at publication, a room used twice and an item outside the summit's dates (its dates were
  changed after the item was planned) block: the public cannot be sent to one room for two
  things. The other warnings are shown again and must be confirmed.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from summit.models import RegistrationStatus
from summit.services.core import names
from summit.services.core.errors import Conflict
from summit.services.registration.submission import STATUS_LABELS

if TYPE_CHECKING:
    from summit.models import AgendaItem, AgendaParticipant, Summit

ROOM, PERSON, UNAPPROVED, OUTSIDE = "room", "person", "unapproved", "outside_dates"
BLOCKS_PUBLISHING = frozenset({ROOM, OUTSIDE})


@dataclass(frozen=True)
class Slot:
    """What a clash check needs to know about an item (saved or proposed)."""

    id: int | None
    day: date
    start: time
    end: time
    room_id: int | None
    title: str
    people: frozenset[tuple[tuple[str, str], str]]  # (person key, name shown)


@dataclass(frozen=True)
class AgendaConflict:
    kind: str
    item_ids: tuple[int, ...]
    message: object  # a lazy string: shown in the reader's language

    @property
    def blocks_publishing(self) -> bool:
        return self.kind in BLOCKS_PUBLISHING

    def __str__(self) -> str:
        return str(self.message)


class NeedsConfirmation(Conflict):
    """The change clashes with the programme: save it only when the organiser confirms."""

    code = "confirmation_required"

    def __init__(self, conflicts: list[AgendaConflict]) -> None:
        self.conflicts = conflicts
        text = " ".join(str(c) for c in conflicts)
        super().__init__(_l("Check and confirm: %(conflicts)s", conflicts=text), "confirm")


def person_key(participant: AgendaParticipant) -> tuple[str, str]:
    """Who a participant is: a registration, or a guest by the folded simplified name."""
    if participant.registration_id is not None:
        return ("registration", str(participant.registration_id))
    return ("guest", names.fold(names.to_simplified(participant.guest_name)))


def _shown_name(participant: AgendaParticipant) -> str:
    registration = participant.registration
    return registration.name if registration is not None else participant.guest_name


def people_of(participants: Iterable[AgendaParticipant]) -> frozenset:
    return frozenset((person_key(p), _shown_name(p)) for p in participants)


def slot_of(item: AgendaItem) -> Slot:
    return Slot(item.id, item.day, item.start, item.end, item.room_id, item.title_zh,
                people_of(item.participants))


def _overlap(a: Slot, b: Slot) -> bool:
    return a.day == b.day and a.start < b.end and b.start < a.end


def _hhmm(slot: Slot) -> str:
    return f"{slot.start:%H:%M}–{slot.end:%H:%M}"


def _room_clash(a: Slot, b: Slot) -> AgendaConflict:
    return AgendaConflict(ROOM, tuple(i for i in (a.id, b.id) if i is not None), _l(
        "The room is used twice at once: “%(a)s” (%(a_time)s) and “%(b)s” (%(b_time)s).",
        a=a.title, a_time=_hhmm(a), b=b.title, b_time=_hhmm(b)))


def _person_clash(name: str, a: Slot, b: Slot) -> AgendaConflict:
    return AgendaConflict(PERSON, tuple(i for i in (a.id, b.id) if i is not None), _l(
        "%(name)s is in two places at once: “%(a)s” and “%(b)s”.", name=name, a=a.title,
        b=b.title))


def _unapproved(item_id: int | None, participant: AgendaParticipant) -> AgendaConflict | None:
    registration = participant.registration
    if registration is None or registration.status is RegistrationStatus.APPROVED:
        return None

    return AgendaConflict(UNAPPROVED, (item_id,) if item_id else (), _l(
        "%(name)s takes part but the registration is not approved (%(status)s).",
        name=registration.name, status=STATUS_LABELS[registration.status]))


def clashes_with(proposed: Slot, others: list[Slot],
                 participants: list[AgendaParticipant]) -> list[AgendaConflict]:
    """What a proposed item (its participants given as rows) clashes with among the others."""
    people = people_of(participants)
    keys = {key: name for key, name in people}
    found: list[AgendaConflict] = []
    for other in others:
        if not _overlap(proposed, other):
            continue
        if proposed.room_id is not None and proposed.room_id == other.room_id:
            found.append(_room_clash(proposed, other))
        for key, _name in other.people:
            if key in keys:
                found.append(_person_clash(keys[key], proposed, other))
    for participant in participants:
        warning = _unapproved(proposed.id, participant)
        if warning is not None:
            found.append(warning)
    return found


def draft_conflicts(summit: Summit, items: list[AgendaItem]) -> list[AgendaConflict]:
    """Every clash in the draft (cancelled items do not count)."""
    live = [item for item in items if not item.cancelled]
    found: list[AgendaConflict] = []
    for item in live:
        if not summit.starts_on <= item.day <= summit.ends_on:
            found.append(AgendaConflict(OUTSIDE, (item.id,), _l(
                "“%(title)s” is on %(day)s, outside the summit's dates.", title=item.title_zh,
                day=item.day.isoformat())))
        for participant in item.participants:
            warning = _unapproved(item.id, participant)
            if warning is not None:
                found.append(warning)
    by_day: dict[date, list[Slot]] = defaultdict(list)
    for item in live:
        by_day[item.day].append(slot_of(item))
    for slots in by_day.values():
        slots.sort(key=lambda s: (s.start, s.end, s.id or 0))
        # Sweep: only items that started before this one ends can overlap it.
        for index, slot in enumerate(slots):
            for other in slots[index + 1:]:
                if other.start >= slot.end:
                    break
                if slot.room_id is not None and slot.room_id == other.room_id:
                    found.append(_room_clash(slot, other))
                mine = dict(slot.people)
                for key in sorted(mine.keys() & {k for k, _name in other.people}):
                    found.append(_person_clash(mine[key], slot, other))
    return found


def by_item(conflicts: list[AgendaConflict]) -> dict[int, list[AgendaConflict]]:
    grouped: dict[int, list[AgendaConflict]] = defaultdict(list)
    for conflict in conflicts:
        for item_id in conflict.item_ids:
            grouped[item_id].append(conflict)
    return grouped
