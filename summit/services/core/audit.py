"""The audit log: every state change calls ``record`` inside its own transaction."""
from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination

from summit.database import utcnow
from summit.extensions import db
from summit.models import AuditEntry
from summit.permissions import Permission, require
from summit.services.core.errors import NotAllowed

if TYPE_CHECKING:
    from summit.models import Summit, User


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(item) for item in value]
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The named attributes of ``obj`` as JSON-ready values, for before/after."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def record(
    actor: User | None,
    action: str,
    obj: Any,
    *,
    summit: Summit | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """Add an audit entry to the current transaction (the caller commits)."""
    # Unwrap werkzeug proxies such as flask_login.current_user.
    obj = getattr(obj, "_get_current_object", lambda: obj)()
    actor = getattr(actor, "_get_current_object", lambda: actor)()
    if obj.id is None:
        db.session.flush()
    entry = AuditEntry(
        at=now or utcnow(),
        actor_id=actor.id if actor is not None and getattr(actor, "id", None) else None,
        summit_id=summit.id if summit is not None else None,
        action=action,
        object_type=type(obj).__tablename__,
        object_id=str(obj.id),
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry


def list_entries(
    actor: User,
    *,
    summit: Summit | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Pagination:
    """Entries newest first. Organisers read their summit's; admins read everything."""
    if summit is None and not actor.is_admin:
        raise NotAllowed(_l("Only administrators can read the whole audit log."))
    require(actor, Permission.AUDIT_READ, summit)
    query = db.select(AuditEntry).options(db.joinedload(AuditEntry.actor))
    if summit is not None:
        query = query.where(AuditEntry.summit_id == summit.id)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id:
        query = query.where(AuditEntry.object_id == object_id)
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return db.paginate(query, page=page, per_page=per_page, max_per_page=200, error_out=False)


def object_types() -> list[str]:
    return sorted(db.session.scalars(db.select(AuditEntry.object_type).distinct()))
