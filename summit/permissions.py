"""Who may do what: roles per summit, the permissions each grants, and the checks.

Services call ``require`` so that a rule holds whatever calls it; views call ``authorize`` to
answer 403 before doing any work. Templates use ``can``.
"""
from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any

from flask import abort
from flask_babel import lazy_gettext as _l, lazy_pgettext as _p
from flask_login import current_user

from summit.extensions import login_manager
from summit.models.membership import Role
from summit.services.core.errors import NotAllowed

if TYPE_CHECKING:
    from summit.models import Summit, User

__all__ = ["Role", "Permission", "ROLE_LABELS", "can", "permissions_at", "require", "authorize",
           "admin_required"]


class Permission(enum.Enum):
    SUMMIT_CREATE = "summit.create"
    SUMMIT_EDIT = "summit.edit"
    ROLES_MANAGE = "roles.manage"
    AUDIT_READ = "audit.read"
    REGISTRATIONS_MANAGE = "registrations.manage"
    DELEGATION_MANAGE = "delegation.manage"
    REGISTER = "register"
    PRESS_APPLY = "press.apply"
    PRESS_REVIEW = "press.review"
    AGREEMENTS_WRITE = "agreements.write"
    AGREEMENTS_READ = "agreements.read"
    ATTENDANCE_READ = "attendance.read"
    CHECKIN_SCAN = "checkin.scan"
    BADGES_MANAGE = "badges.manage"
    BOOKINGS_MANAGE = "bookings.manage"
    CONSOLE_VIEW = "console.view"  # the summit console (staff roles, each sees its part)
    DESK_PRINT = "desk.print"
    RECEPTION_MANAGE = "reception.manage"
    PRIVACY_MANAGE = "privacy.manage"
    PRIVACY_REQUESTS = "privacy.requests"
    PROTOCOL_WRITE = "protocol.write"
    PROTOCOL_READ = "protocol.read"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ORGANISER: frozenset({
        Permission.SUMMIT_CREATE, Permission.SUMMIT_EDIT, Permission.ROLES_MANAGE,
        Permission.AUDIT_READ, Permission.REGISTRATIONS_MANAGE, Permission.PRESS_REVIEW,
        Permission.AGREEMENTS_READ, Permission.ATTENDANCE_READ, Permission.CHECKIN_SCAN,
        Permission.BADGES_MANAGE, Permission.BOOKINGS_MANAGE, Permission.CONSOLE_VIEW,
        Permission.DESK_PRINT, Permission.RECEPTION_MANAGE, Permission.PRIVACY_MANAGE,
        Permission.PRIVACY_REQUESTS, Permission.PROTOCOL_WRITE, Permission.PROTOCOL_READ,
    }),
    Role.REGISTRAR: frozenset({Permission.DELEGATION_MANAGE, Permission.REGISTER}),
    Role.DELEGATE: frozenset({Permission.REGISTER}),
    Role.PRESS: frozenset({Permission.PRESS_APPLY}),
    Role.MEDIA_OFFICER: frozenset({Permission.PRESS_REVIEW, Permission.CONSOLE_VIEW}),
    Role.AGREEMENTS_OFFICER: frozenset({Permission.AGREEMENTS_WRITE, Permission.AGREEMENTS_READ,
                                        Permission.CONSOLE_VIEW}),
    Role.OFFICIAL: frozenset({Permission.AGREEMENTS_READ, Permission.ATTENDANCE_READ,
                              Permission.CONSOLE_VIEW, Permission.PROTOCOL_READ}),
    Role.CHECKIN_STAFF: frozenset({Permission.CHECKIN_SCAN, Permission.CONSOLE_VIEW}),
    Role.DESK_STAFF: frozenset({Permission.DESK_PRINT}),
    Role.RECEPTION_STAFF: frozenset({Permission.RECEPTION_MANAGE}),
    Role.PRIVACY_OFFICER: frozenset({Permission.PRIVACY_MANAGE, Permission.PRIVACY_REQUESTS}),
    Role.PROTOCOL_OFFICER: frozenset({Permission.PROTOCOL_WRITE, Permission.PROTOCOL_READ}),
}

ROLE_LABELS: dict[Role, Any] = {
    Role.ORGANISER: _p("role", "Organiser"),
    Role.REGISTRAR: _l("Delegation registrar"),
    Role.DELEGATE: _l("Delegate"),
    Role.PRESS: _l("Press"),
    Role.MEDIA_OFFICER: _l("Media officer"),
    Role.AGREEMENTS_OFFICER: _l("Agreements officer"),
    Role.OFFICIAL: _l("Official"),
    Role.CHECKIN_STAFF: _l("Check-in staff"),
    Role.DESK_STAFF: _l("Desk staff"),
    Role.RECEPTION_STAFF: _l("Reception staff"),
    Role.PRIVACY_OFFICER: _l("Privacy officer"),
    Role.PROTOCOL_OFFICER: _l("Protocol officer"),
}

# Permissions that are not tied to one summit: holding them at any summit is enough.
# A person's data requests concern all their summits: the queue is not one summit's.
GLOBAL_PERMISSIONS = frozenset({Permission.SUMMIT_CREATE, Permission.PRIVACY_REQUESTS})


def roles_at(user: User | None, summit: Summit | None) -> set[Role]:
    if user is None or summit is None or not getattr(user, "is_authenticated", False):
        return set()
    return {m.role for m in user.memberships if m.summit_id == summit.id}


def can(user: User | None, permission: Permission, summit: Summit | None = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_admin:
        return True
    if permission in GLOBAL_PERMISSIONS:
        held = {m.role for m in user.memberships}
    else:
        held = roles_at(user, summit)
    return any(permission in ROLE_PERMISSIONS[role] for role in held)


def permissions_at(user: User | None, summit: Summit | None) -> frozenset[Permission]:
    """Every permission ``user`` holds at ``summit``: ``can`` for all of them at once, for a
    page that checks many (the staff menu checks about thirty)."""
    user = getattr(user, "_get_current_object", lambda: user)()  # current_user: unwrap once
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return permissions_held(user.is_admin, ((m.summit_id, m.role) for m in user.memberships),
                            summit.id if summit is not None else None)


def permissions_held(is_admin: bool, memberships: Iterable[tuple[int, Role]],
                     summit_id: int | None) -> frozenset[Permission]:
    """``permissions_at`` from plain values: (summit id, role) per membership."""
    if is_admin:
        return frozenset(Permission)
    held: set[Permission] = set()
    for member_at, role in memberships:
        granted = ROLE_PERMISSIONS[role]
        held |= granted & GLOBAL_PERMISSIONS
        if summit_id is not None and member_at == summit_id:
            held |= granted
    return frozenset(held)


def require(user: User | None, permission: Permission, summit: Summit | None = None) -> None:
    if not can(user, permission, summit):
        raise NotAllowed(_l("You do not have permission to do this."))


def authorize(permission: Permission, summit: Summit | None = None) -> None:
    """For views: 401 for anonymous users (login redirect), 403 for the rest."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if not can(current_user, permission, summit):
        abort(403)


def admin_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
