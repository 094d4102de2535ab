"""The electronic entry code a delegate shows on their phone: the badge's own signed token as
a QR code, so the gate's scanner accepts it exactly like the printed badge."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from summit.services.badges import issuing
from summit.services.badges.design import qr_data_uri

if TYPE_CHECKING:
    from summit.models import Badge, Registration, User


@dataclass(frozen=True)
class EntryCode:
    badge: Badge
    token: str
    qr: str  # a PNG data URI, one pixel per module: the page scales it up, pixelated


def entry_code(actor: User | None, registration: Registration) -> EntryCode:
    """The registrant's (or staff's) entry code once approved. Raises NotAllowed for someone
    else, Conflict while not approved or when the badge is revoked (as the badge download)."""
    badge = issuing.badge_for_download(actor, registration)
    token = issuing.token_for(badge)
    return EntryCode(badge, token, qr_data_uri(token))
