"""The editor's day as a grid: rooms as columns, quarter hours as rows (layout only)."""
from __future__ import annotations

from dataclasses import dataclass, field

SLOT_MINUTES = 5
DEFAULT_FIRST, DEFAULT_LAST = 8 * 60, 18 * 60


@dataclass
class Placed:
    item: object
    column: int
    row_start: int
    row_end: int
    conflicts: list = field(default_factory=list)
    # Second and later items sharing a column at the same time are drawn indented.
    indent: int = 0


@dataclass
class DayGrid:
    columns: list[tuple[int | None, object]]  # (room id, room) — None for items without room
    hours: list[tuple[int, str]]  # (grid row, "08:00")
    rows: int
    placed: list[Placed]
    first_minute: int = DEFAULT_FIRST
    slot_minutes: int = SLOT_MINUTES


def _minutes(value) -> int:
    return value.hour * 60 + value.minute


def day_grid(items: list, rooms: list, conflicts_by_item: dict) -> DayGrid:
    live = [item for item in items if not item.cancelled]
    first = min([DEFAULT_FIRST] + [_minutes(i.start) for i in live]) // 60 * 60
    last = max([DEFAULT_LAST] + [_minutes(i.end) for i in live])
    last = -(-last // 60) * 60
    columns: list[tuple[int | None, object]] = [(room.id, room) for room in rooms]
    if any(item.room_id is None for item in live):
        columns.append((None, None))
    index = {room_id: number + 2 for number, (room_id, _room) in enumerate(columns)}
    placed: list[Placed] = []
    for item in sorted(live, key=lambda i: (i.start, i.end, i.id)):
        row_start = (_minutes(item.start) - first) // SLOT_MINUTES + 2
        row_end = max(row_start + 1, -(-(_minutes(item.end) - first) // SLOT_MINUTES) + 2)
        column = index[item.room_id]
        indent = sum(1 for other in placed if other.column == column
                     and other.item.start < item.end and item.start < other.item.end)
        placed.append(Placed(item, column, row_start, row_end,
                             conflicts_by_item.get(item.id, []), indent))
    hours = [((minute - first) // SLOT_MINUTES + 2, f"{minute // 60:02d}:00")
             for minute in range(first, last, 60)]
    return DayGrid(columns, hours, (last - first) // SLOT_MINUTES, placed, first)
