"""Who may see and change a registration (staff, the registrant, their delegation's
registrar), and the changes themselves: staff edit every field, the registrant their names,
position and organisation until the summit's edit deadline."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from summit.database import utcnow
from summit.extensions import db
from summit.models import Registration, RegistrationStatus, User
from summit.permissions import Permission, can
from summit.services.core import audit
from summit.services.core.errors import Conflict, DomainError, NotAllowed
from summit.services.registration import submission


def may_manage(actor: User | None, registration: Registration) -> bool:
    """Staff, the registrant (by account, or by a verified account with the same email) and
    the registrant's delegation registrar may see, edit and cancel a registration."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if can(actor, Permission.REGISTRATIONS_MANAGE, registration.summit):
        return True
    if registration.user_id == actor.id or (
            registration.email == actor.email and actor.email_verified):
        return True
    return (registration.delegation is not None
            and registration.delegation.registrar_id == actor.id)


def require_owner_or_staff(actor: User | None, registration: Registration) -> None:
    if actor is None:
        raise NotAllowed(_l("Please log in first."))
    if not may_manage(actor, registration):
        raise NotAllowed(_l("You do not have permission to do this."))
    if registration.user_id is None and registration.email == actor.email:
        # Registered before having an account: link it to the account now proving the email.
        registration.user_id = actor.id


def update_registration(actor: User, registration: Registration,
                        details: submission.RegistrationDetails,
                        now: datetime | None = None) -> Registration:
    now = now or utcnow()
    require_owner_or_staff(actor, registration)
    summit = registration.summit
    staff = can(actor, Permission.REGISTRATIONS_MANAGE, summit)
    if not staff and summit.edit_deadline is not None and now > summit.edit_deadline:
        raise DomainError(_l("The deadline for changes has passed. Contact the organisers."))
    if registration.status in (RegistrationStatus.REJECTED, RegistrationStatus.CANCELLED,
                               RegistrationStatus.WITHDRAWN):
        raise Conflict(_l("A registration that is %(status)s cannot be changed.",
                          status=submission.STATUS_LABELS[registration.status]))
    details = submission.clean_details(details)
    before = audit.snapshot(registration, submission.AUDITED)
    if staff:
        new_category = submission.category_by_code(summit, details.category)
        email = details.email.strip().lower()
        # Checked before any change, so a refusal leaves nothing half-edited in the session.
        if email != registration.email and db.session.scalar(db.select(Registration.id).where(
                Registration.summit_id == summit.id, Registration.email == email)):
            raise Conflict(_l("This email address is already registered for this summit."),
                           "email")
        if new_category.id != registration.category_id:
            registration.category = new_category
        submission.apply_details(registration, details)
    else:
        submission.apply_details(registration, details, names_only=submission.SELF_EDITABLE)
    registration.updated_at = now
    db.session.flush()
    after = audit.snapshot(registration, submission.AUDITED)
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        audit.record(actor, "registration.update", registration, summit=summit, now=now,
                     before={k: before[k] for k in changed},
                     after={k: after[k] for k in changed})
    db.session.commit()
    return registration
