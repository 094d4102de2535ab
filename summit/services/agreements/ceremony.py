"""The signing ceremony an agreement was signed at: an agenda item of kind ``signing_ceremony``
of the same summit.

Signing time rule: when a signing record names a ceremony item but no signing time, the
agreement is taken as signed when the ceremony starts: the item's day and start, a wall-clock
time in the summit's time zone (agenda items keep local times, ``models.agenda``). A signing
time given explicitly always wins (an agreement may be signed later in a long ceremony).
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import AgendaItem, AgendaItemKind, Agreement, Summit, User
from summit.permissions import Permission, can
from summit.services.core.errors import ValidationFailed
from summit.services.core.validation import valid_id

FIELD = "ceremony_item_id"


def ceremony_items(summit: Summit) -> list[AgendaItem]:
    """The summit's signing-ceremony items in programme order (one query)."""
    return list(db.session.scalars(
        db.select(AgendaItem)
        .where(AgendaItem.summit_id == summit.id,
               AgendaItem.kind == AgendaItemKind.SIGNING_CEREMONY)
        .order_by(AgendaItem.day, AgendaItem.start, AgendaItem.id)))


def starts_at(summit: Summit, item: AgendaItem) -> datetime:
    """The item's start as an aware time in the summit's zone."""
    return datetime.combine(item.day, item.start, ZoneInfo(summit.timezone))


def resolve(summit: Summit, item_id: int | None) -> AgendaItem | None:
    """The ceremony item named by a signing record; refuses an unknown id, an item of another
    summit (reported as unknown, so ids of other summits are not revealed) and an item of
    another kind."""
    if item_id is None:
        return None
    if isinstance(item_id, bool) or not isinstance(item_id, int):
        raise ValidationFailed(_l("Must be a whole number."), FIELD)
    item = db.session.get(AgendaItem, item_id) if valid_id(item_id) else None
    if item is None or item.summit_id != summit.id:
        raise ValidationFailed(_l("There is no such agenda item at this summit."), FIELD)
    if item.kind is not AgendaItemKind.SIGNING_CEREMONY:
        raise ValidationFailed(_l("“%(title)s” is not a signing ceremony.",
                                  title=item.title_zh), FIELD)
    return item


def apply(summit: Summit, details) -> AgendaItem | None:
    """Check ``details.ceremony_item_id`` and default ``details.signed_at`` to its start."""
    item = resolve(summit, details.ceremony_item_id)
    if item is not None and details.signed_at is None:
        details.signed_at = starts_at(summit, item)
    return item


def signed_at_item(user: User | None, summit: Summit, uid: str) -> list[Agreement] | None:
    """The agreements signed at the item ``uid``, for a user who may read agreements (``None``
    for anyone else: the page then shows nothing of them). Two queries."""
    if user is None or not getattr(user, "is_authenticated", False) \
            or not can(user, Permission.AGREEMENTS_READ, summit):
        return None
    return list(db.session.scalars(
        db.select(Agreement).join(AgendaItem, Agreement.ceremony_item_id == AgendaItem.id)
        .where(AgendaItem.summit_id == summit.id, AgendaItem.uid == uid)
        .options(db.selectinload(Agreement.parties))
        .order_by(Agreement.signed_at, Agreement.id)))
