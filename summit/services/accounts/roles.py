"""Granting and removing roles, and the admin flags of accounts."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination

from summit.database import utcnow
from summit.extensions import db
from summit.models import Membership, Role, Summit, User
from summit.permissions import Permission, require
from summit.services.accounts import logins, users as accounts
from summit.services.core import audit
from summit.services.core.errors import Conflict, NotAllowed, NotFound


def members(actor: User, summit: Summit) -> list[Membership]:
    require(actor, Permission.ROLES_MANAGE, summit)
    return list(db.session.scalars(
        db.select(Membership).where(Membership.summit_id == summit.id)
        .options(db.joinedload(Membership.user))
        .join(Membership.user).order_by(Membership.role, User.email)
    ))


def grant_role(actor: User | None, summit: Summit, email: str, role: Role,
               now: datetime | None = None, *, commit: bool = True) -> Membership:
    """Give the user with this email a role at the summit. ``actor=None`` is the CLI."""
    if actor is not None:
        require(actor, Permission.ROLES_MANAGE, summit)
    user = accounts.find_user(email)
    if user is None:
        raise NotFound(_l("No account uses this email address. Ask the person to sign up "
                          "first."), "email")
    existing = db.session.scalar(db.select(Membership).filter_by(
        user_id=user.id, summit_id=summit.id, role=role))
    if existing is not None:
        raise Conflict(_l("%(email)s already has this role.", email=user.email), "role")
    membership = Membership(user=user, summit=summit, role=role,
                            granted_by_id=actor.id if actor else None)
    db.session.add(membership)
    audit.record(actor, "membership.grant", membership, summit=summit, now=now,
                 after={"user": user.email, "role": role.value})
    if commit:
        db.session.commit()
    return membership


def revoke_role(actor: User, membership: Membership, now: datetime | None = None) -> None:
    summit = membership.summit
    require(actor, Permission.ROLES_MANAGE, summit)
    if membership.role is Role.ORGANISER:
        organisers = db.session.scalar(db.select(db.func.count(Membership.id)).filter_by(
            summit_id=summit.id, role=Role.ORGANISER))
        if organisers <= 1:
            raise Conflict(_l("A summit needs at least one organiser. Add another organiser "
                              "before removing this one."), "role")
    audit.record(actor, "membership.revoke", membership, summit=summit, now=now,
                 before={"user": membership.user.email, "role": membership.role.value})
    db.session.delete(membership)
    db.session.commit()


def list_users(actor: User, q: str = "", page: int = 1, per_page: int = 50) -> Pagination:
    if not actor.is_admin:
        raise NotAllowed(_l("Only administrators can list accounts."))
    query = db.select(User).options(db.selectinload(User.memberships)
                                    .joinedload(Membership.summit))
    term = q.strip()
    if term:
        # icontains matches case-insensitively on PostgreSQL too (LIKE does only on SQLite),
        # and autoescape keeps % and _ in the search literal.
        query = query.where(db.or_(User.email.icontains(term, autoescape=True),
                                   User.name.icontains(term, autoescape=True)))
    return db.paginate(query.order_by(User.email), page=page, per_page=per_page,
                       max_per_page=200, error_out=False)


def _set_account_flag(actor: User, user: User, action: str, flag: str, value: bool,
                      refusal: object, now: datetime | None) -> None:
    """Admins switch an account flag; nobody switches it off for themselves (no lock-out)."""
    if not actor.is_admin:
        raise NotAllowed(_l("Only administrators can change this."))
    if user.id == actor.id and not value:
        raise Conflict(refusal, flag)
    if getattr(user, flag) != value:
        setattr(user, flag, value)
        after: dict = {flag: value}
        if flag == "active" and not value:
            # A disabled account's browsers and tokens stop working at once.
            after.update(logins.end_everything(user, now or utcnow()))
        audit.record(actor, action, user, now=now, before={flag: not value}, after=after)
        db.session.commit()


def set_admin(actor: User, user: User, is_admin: bool, now: datetime | None = None) -> None:
    _set_account_flag(actor, user, "user.set_admin", "is_admin", is_admin,
                      _l("You cannot remove your own administrator rights."), now)


def set_active(actor: User, user: User, active: bool, now: datetime | None = None) -> None:
    _set_account_flag(actor, user, "user.set_active", "active", active,
                      _l("You cannot disable your own account."), now)
