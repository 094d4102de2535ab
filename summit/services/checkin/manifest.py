"""What an offline scanner downloads: the summit's public key, every badge's current version
with the few fields its screen shows, the refused badges, who has arrived, and the gates."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    Badge,
    PressApplication,
    PressPerson,
    Registration,
    RegistrationStatus,
    Summit,
    User,
)
from summit.models.checkin import Arrival
from summit.permissions import Permission, require
from summit.services.badges import issuing as badges, tokens as badge_tokens
from summit.services.checkin import gates as checkin_gates, salons as checkin_salons
from summit.services.checkin.holders import holder_of
from summit.services.press import badges as press_badges


def _admitted(badge: Badge) -> bool:
    if badge.press_person is not None:
        return press_badges.accredited(badge.press_person)
    return badge.registration is not None and \
        badge.registration.status == RegistrationStatus.APPROVED


def manifest(actor: User, summit: Summit) -> dict:
    """A revoked or reissued badge is refused offline as soon as the device has downloaded
    this again; a badge issued after the download verifies by its signature alone."""
    require(actor, Permission.CHECKIN_SCAN, summit)
    rows = db.session.scalars(
        select(Badge)
        .where(Badge.summit_id == summit.id)
        .options(selectinload(Badge.registration).selectinload(Registration.category)
                 .selectinload(AttendeeCategory.zones))
        .options(selectinload(Badge.press_person).selectinload(PressPerson.application)
                 .selectinload(PressApplication.approved_zones)))
    _ = summit.categories  # the press category, read once for every press badge
    valid, revoked, refused = [], [], {}
    for badge in rows:
        if badge.revoked or not _admitted(badge):
            revoked.append(badge.ref)
            refused[badge.ref] = "revoked" if badge.revoked else "not_approved"
        else:
            valid.append({"ref": badge.ref, "version": badge.version,
                          "holder": holder_of(badge)})
    arrived = {ref: {"at": at.isoformat(), "gate": gate} for ref, at, gate in db.session.execute(
        select(Badge.ref, Arrival.arrived_at, Arrival.gate)
        .join(Badge, Arrival.badge_id == Badge.id).where(Arrival.summit_id == summit.id))}
    key = badges.private_key(summit).public_key()
    gates = checkin_gates.gates_of(summit)
    return {"summit": summit.slug, "title": summit.title_zh,
            "key_id": badge_tokens.key_id(key).hex(),
            "public_key": badge_tokens.public_key_text(key), "badges": valid,
            "revoked": revoked, "refused": refused, "arrived": arrived,
            "gates": [gate.name for gate in gates],
            "salon_doors": {gate.name: str(gate.agenda_item_id)
                            for gate in gates if gate.agenda_item_id},
            "salons": checkin_salons.manifest_part(summit),
            "generated_at": utcnow().isoformat()}
