"""Who saw a full ID or press card number: every view of a full value is audited, as the
private export is (the pages and lists show masked values)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from summit.extensions import db
from summit.services.core import audit

if TYPE_CHECKING:
    from summit.models import Summit, User


def record_full_view(actor: User, action: str, obj: Any, summit: Summit,
                     fields: tuple[str, ...]) -> None:
    """Audit (as ``action``) that ``actor`` was shown the full value of ``fields`` of ``obj``
    (only fields that hold a value: an empty one shows nothing)."""
    shown = [name for name in fields if getattr(obj, name, "")]
    if not shown:
        return
    audit.record(actor, action, obj, summit=summit, after={"fields": shown})
    db.session.commit()
