"""Delegations (a county's group with a quota and a registrar) and invitation codes."""
from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import AttendeeCategory, Delegation, Invitation, Membership, Role, Summit, User
from summit.permissions import Permission, require
from summit.services.accounts import users as accounts
from summit.services.core import audit
from summit.services.core.errors import Conflict, NotFound, ValidationFailed

# No 0/O or 1/I: codes are read aloud and typed from paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
DELEGATION_FIELDS = ("name", "county", "quota", "registrar_id")


def _registrar(summit: Summit, email: str | None) -> User | None:
    if not email:
        return None
    user = accounts.find_user(email)
    if user is None:
        raise NotFound(_l("No account uses this email address. Ask the person to sign up "
                          "first."), "registrar_email")
    if not any(m.summit_id == summit.id and m.role is Role.REGISTRAR for m in user.memberships):
        db.session.add(Membership(user=user, summit=summit, role=Role.REGISTRAR))
    return user


def save_delegation(actor: User, summit: Summit, *, name: str, county: str, quota: int,
                    registrar_email: str | None, delegation: Delegation | None = None,
                    now: datetime | None = None) -> Delegation:
    require(actor, Permission.REGISTRATIONS_MANAGE, summit)
    name = name.strip()
    clash = db.session.scalar(db.select(Delegation.id).where(
        Delegation.summit_id == summit.id, Delegation.name == name))
    if clash is not None and (delegation is None or clash != delegation.id):
        raise Conflict(_l("This summit already has a delegation with this name."), "name")
    if quota < 1:
        raise ValidationFailed(_l("The quota must be at least 1."), "quota")
    before = audit.snapshot(delegation, DELEGATION_FIELDS) if delegation else None
    if delegation is None:
        delegation = Delegation(summit=summit)
        db.session.add(delegation)
    delegation.name, delegation.county, delegation.quota = name, county.strip(), quota
    registrar = _registrar(summit, registrar_email)
    delegation.registrar_id = registrar.id if registrar else None
    db.session.flush()
    audit.record(actor, "delegation.create" if before is None else "delegation.update",
                 delegation, summit=summit, now=now, before=before,
                 after=audit.snapshot(delegation, DELEGATION_FIELDS))
    db.session.commit()
    return delegation


def delegations_of_registrar(user: User) -> list[Delegation]:
    return list(db.session.scalars(db.select(Delegation).where(Delegation.registrar_id == user.id)
                                   .order_by(Delegation.name)))


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def create_invitation(actor: User, summit: Summit, *, category: AttendeeCategory | None,
                      delegation: Delegation | None, max_uses: int,
                      expires_at: datetime | None, note: str = "",
                      now: datetime | None = None) -> Invitation:
    require(actor, Permission.REGISTRATIONS_MANAGE, summit)
    if category is not None and category.summit_id != summit.id:
        raise ValidationFailed(_l("Choose one of the summit's categories."), "category")
    if delegation is not None and delegation.summit_id != summit.id:
        raise ValidationFailed(_l("Choose one of the summit's delegations."), "delegation")
    if max_uses < 1:
        raise ValidationFailed(_l("At least one use."), "max_uses")
    code = new_code()
    while db.session.scalar(db.select(Invitation.id).where(Invitation.code == code)):
        code = new_code()
    invitation = Invitation(summit=summit, code=code, category=category, delegation=delegation,
                            max_uses=max_uses, expires_at=expires_at, note=note.strip())
    db.session.add(invitation)
    db.session.flush()
    audit.record(actor, "invitation.create", invitation, summit=summit, now=now,
                 after={"code": code, "category": category.code if category else None,
                        "delegation": delegation.name if delegation else None,
                        "max_uses": max_uses})
    db.session.commit()
    return invitation


def invitations(actor: User, summit: Summit) -> list[Invitation]:
    require(actor, Permission.REGISTRATIONS_MANAGE, summit)
    return list(db.session.scalars(
        db.select(Invitation).where(Invitation.summit_id == summit.id)
        .options(db.joinedload(Invitation.category), db.joinedload(Invitation.delegation))
        .order_by(Invitation.created_at.desc())))
