"""Who may see a press application and who reviews them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from summit.models import PressApplication, Summit, User
from summit.permissions import Permission, can
from summit.services.core.errors import NotAllowed


def may_review(actor: User | None, summit: Summit) -> bool:
    return can(actor, Permission.PRESS_REVIEW, summit)


def may_view(actor: User | None, application: PressApplication) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return application.user_id == actor.id or may_review(actor, application.summit)


def require_view(actor: User | None, application: PressApplication) -> None:
    if not may_view(actor, application):
        raise NotAllowed(_l("You do not have permission to do this."))
