"""Registration of delegates: submission, capacity and waiting list.

Who may see and change a registration, and the changes themselves, are in
``registration.editing``; the decisions that move a registration along its states (approve,
reject, cancel, promote from the waiting list) are in ``registration.review``.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    HOLDS_PLACE,
    AttendeeCategory,
    Delegation,
    Diet,
    IdDocumentType,
    Invitation,
    Registration,
    RegistrationStatus,
    Summit,
    User,
)
from summit.permissions import Permission, can
from summit.services.accounts import users as accounts
from summit.services.core import audit, audit_words, mail, names, validation
from summit.services.core.errors import Conflict, DomainError, NotAllowed, ValidationFailed
from summit.services.privacy import notices
from summit.services.registration import mail as registration_mail
from summit.services.summits import settings as summits

DIET_LABELS = {Diet.NONE: _l("No special diet"), Diet.VEGETARIAN: _l("Vegetarian"),
               Diet.HALAL: _l("Halal"), Diet.OTHER: _l("Other (describe)")}
ID_LABELS = {IdDocumentType.RESIDENT_ID: _l("Resident ID card"),
             IdDocumentType.PASSPORT: _l("Passport"),
             IdDocumentType.HK_MACAO_PERMIT: _l("Mainland travel permit (Hong Kong, Macao)"),
             IdDocumentType.TAIWAN_PERMIT: _l("Mainland travel permit (Taiwan)"),
             IdDocumentType.OTHER: _l("Other document")}

S = RegistrationStatus

STATUS_LABELS = {
    S.PENDING: _l("Pending review"), S.APPROVED: _l("Approved"), S.REJECTED: _l("Rejected"),
    S.CANCELLED: _l("Cancelled"), S.WITHDRAWN: _l("Withdrawn"), S.WAITLISTED: _l("Waiting list"),
}
audit_words.name_enums(DIET_LABELS, ID_LABELS, STATUS_LABELS)

# Fields a delegate may change on their own registration before the edit deadline.
SELF_EDITABLE = ("name", "name_native", "name_pinyin", "position", "organisation_name",
                 "phone", "id_type", "id_number", "diet", "diet_note", "accessibility",
                 "arrival_date", "arrival_time", "arrival_transport", "arrival_pickup",
                 "departure_date", "departure_time", "departure_transport", "departure_pickup",
                 "hotel", "room_sharing")
AUDITED = ("name", "name_native", "name_pinyin", "position", "organisation_name", "email",
           "phone", "category_id", "delegation_id", "status", "status_reason")


@dataclass
class RegistrationDetails:
    name: str
    email: str
    category: str
    organisation_name: str = ""
    position: str = ""
    name_native: str = ""
    name_pinyin: str = ""
    phone: str = ""
    id_type: IdDocumentType | None = None
    id_number: str = ""
    diet: Diet = Diet.NONE
    diet_note: str = ""
    accessibility: str = ""
    arrival_date: date | None = None
    arrival_time: time | None = None
    arrival_transport: str = ""
    arrival_pickup: bool = False
    departure_date: date | None = None
    departure_time: time | None = None
    departure_transport: str = ""
    departure_pickup: bool = False
    hotel: str = ""
    room_sharing: str = ""
    locale: str = "zh_Hans"
    # The personal-data notice (None: not asked, as the API and staff do) and the separate
    # consent without which no ID number is taken (docs/privacy.md).
    consent: bool | None = None
    sensitive_consent: bool = False


CONSENT_NAMES = ("consent", "sensitive_consent")


def details_of(registration: Registration) -> RegistrationDetails:
    values = {f.name: getattr(registration, f.name) for f in fields(RegistrationDetails)
              if f.name not in ("category", *CONSENT_NAMES) and hasattr(registration, f.name)}
    return RegistrationDetails(category=registration.category.code, **values)


class AlreadyRegistered(Conflict):
    """The address is registered for this summit already. Carries what a new registration
    would have got, so a public submitter can be answered as if it were new."""

    def __init__(self, existing: Registration, category: AttendeeCategory,
                 delegation: Delegation | None, status_if_new: RegistrationStatus) -> None:
        super().__init__(_l("This email address is already registered for this summit."),
                         "email")
        self.existing, self.category, self.delegation = existing, category, delegation
        self.status_if_new = status_if_new


@dataclass(frozen=True)
class PublicSubmission:
    """What someone submitting the public form or API is told: the same whether or not the
    address was registered at the summit already (its owner is emailed instead), unless the
    submitter proves the address (see ``proves_address``)."""

    status: RegistrationStatus  # the new registration's, or what a new one would have had
    registration: Registration | None  # None: the address was taken, its owner emailed
    # What the submission said, as a registration shows it (a new one: the row itself;
    # a taken address: an unsaved copy, never added to the session).
    preview: Registration
    summit: Summit
    category: AttendeeCategory
    delegation: Delegation | None
    discreet: bool  # the answer may show nothing that only a new registration has


# --- checks ------------------------------------------------------------------------------

def clean_details(details: RegistrationDetails) -> RegistrationDetails:
    """Validate personal data; returns the details with normalised phone and ID."""
    if not details.name.strip():
        raise ValidationFailed(_l("Enter the name as on the ID document."), "name")
    if len(details.name) > 100:
        raise ValidationFailed(_l("At most %(n)d characters.", n=100), "name")
    if details.phone:
        details.phone = validation.normalise_phone(details.phone)
    if details.id_number:
        if details.id_type is None:
            raise ValidationFailed(_l("Choose the type of ID document."), "id_type")
        if details.id_type is IdDocumentType.RESIDENT_ID:
            details.id_number = validation.normalise_resident_id(details.id_number)
        elif len(details.id_number) > 32:
            raise ValidationFailed(_l("At most %(n)d characters.", n=32), "id_number")
    elif details.id_type is not None:
        raise ValidationFailed(_l("Enter the ID document number."), "id_number")
    if (details.arrival_date and details.departure_date
            and details.departure_date < details.arrival_date):
        raise ValidationFailed(_l("Departure cannot be before arrival."), "departure_date")
    return details


def category_by_code(summit: Summit, code: str) -> AttendeeCategory:
    for category in summit.categories:
        if category.code == code:
            return category
    raise ValidationFailed(_l("Choose one of the summit's categories."), "category")


def default_category(summit: Summit) -> AttendeeCategory | None:
    """The category the public form starts on: the first one open to the public."""
    return next((category for category in summit.categories if category.public), None)


def category_problem(summit: Summit, code: str | None, invitation_code: str | None):
    """Why the public form's category cannot be used as chosen (None: it can), checked
    with the form's other fields so that every error shows at once. The same rule as
    ``register_delegate``."""
    category = next((c for c in summit.categories if c.code == code), None)
    if category is None:
        return _l("Choose one of the summit's categories.")
    if not category.public and not invitation_code:
        return _l("This category is by invitation only: enter your invitation code.")
    return None


def _account_for(registration: Registration, now: datetime) -> str | None:
    """An anonymous registrant gets an account under the registration's address (no usable
    password yet) and, in the confirmation email, a link to set its password. None when the
    address has an account already (its owner logs in with it)."""
    if accounts.find_user(registration.email) is not None:
        return None
    try:
        user = accounts.create_user(registration.email, registration.name, None,
                                    locale=registration.locale, now=now)
        db.session.flush()
        registration.user_id = user.id
        db.session.commit()
    except IntegrityError:  # the same address signed up at the same moment
        db.session.rollback()
        return None
    return mail.external_url("auth.reset_password", token=accounts.reset_token(user))


def registration_open(summit: Summit, now: datetime) -> bool:
    if summit.registration_opens_at and now < summit.registration_opens_at:
        return False
    if summit.registration_closes_at and now > summit.registration_closes_at:
        return False
    return True


def find_invitation(summit: Summit, code: str, now: datetime) -> Invitation:
    code = (code or "").strip().upper()
    invitation = db.session.scalar(db.select(Invitation).where(
        Invitation.code == code, Invitation.summit_id == summit.id)) if code else None
    if invitation is None:
        raise ValidationFailed(_l("This invitation code is not valid for this summit."),
                               "invitation_code")
    if invitation.expires_at is not None and now > invitation.expires_at:
        raise ValidationFailed(_l("This invitation code has expired."), "invitation_code")
    if invitation.uses >= invitation.max_uses:
        raise ValidationFailed(_l("This invitation code has been used up."), "invitation_code")
    return invitation


def count_where(*conditions) -> int:
    return db.session.scalar(db.select(db.func.count(Registration.id)).where(*conditions))


def has_room(summit: Summit, category: AttendeeCategory) -> bool:
    holding = Registration.status.in_(HOLDS_PLACE)
    if summit.capacity is not None and \
            count_where(Registration.summit_id == summit.id, holding) >= summit.capacity:
        return False
    if category.capacity is not None and \
            count_where(Registration.category_id == category.id, holding) >= category.capacity:
        return False
    return True


def _check_quota(delegation: Delegation, exclude_id: int | None = None) -> None:
    conditions = [Registration.delegation_id == delegation.id,
                  Registration.status.in_(HOLDS_PLACE + (S.WAITLISTED,))]
    if exclude_id is not None:
        conditions.append(Registration.id != exclude_id)
    used = count_where(*conditions)
    if used >= delegation.quota:
        raise Conflict(_l("The delegation %(name)s has used all %(quota)d of its places.",
                          name=delegation.name, quota=delegation.quota), "delegation")


def apply_details(registration: Registration, details: RegistrationDetails,
                  names_only: tuple[str, ...] | None = None) -> None:
    """Copy checked details onto the registration (only ``names_only`` when given)."""
    # A derived pinyin sent back unchanged (edit forms prefill it) is derived again, so a
    # corrected name does not keep the old name's pinyin as an "override".
    stale_pinyin = None if registration.pinyin_overridden else registration.name_pinyin
    for f in fields(RegistrationDetails):
        if f.name in ("category", "name_pinyin", "locale", *CONSENT_NAMES):
            continue
        if names_only is not None and f.name not in names_only:
            continue
        value = getattr(details, f.name)
        setattr(registration, f.name, value.strip() if isinstance(value, str) else value)
    registration.email = registration.email.lower()
    tibetan = names.has_tibetan(registration.name_native)
    derived = names.pinyin_name(registration.name, no_surname=tibetan)
    wanted = (details.name_pinyin or "").strip()
    if stale_pinyin and wanted == stale_pinyin:
        wanted = ""
    registration.pinyin_overridden = bool(wanted) and wanted != derived
    registration.name_pinyin = (wanted or derived)[:100]
    registration.search_key = names.search_key(
        registration.name, registration.name_native, registration.name_pinyin)[:1000]
    registration.sort_key = names.sort_key(registration.name, registration.name_pinyin)[:100]


# --- submission --------------------------------------------------------------------------

def _refuse_taken(summit: Summit, email: str, category: AttendeeCategory,
                  delegation: Delegation | None) -> None:
    existing = db.session.scalar(db.select(Registration).where(
        Registration.summit_id == summit.id, Registration.email == email))
    if existing is not None:
        status = S.PENDING if has_room(summit, category) else S.WAITLISTED
        raise AlreadyRegistered(existing, category, delegation, status)


def proves_address(actor: User | None, summit: Summit, email: str) -> bool:
    """May the submitter learn that an address is registered? Staff of the summit, and the
    holder of a verified account with that address."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if can(actor, Permission.REGISTRATIONS_MANAGE, summit):
        return True
    return actor.email == email.strip().lower() and actor.email_verified


def submit_registration(summit: Summit, details: RegistrationDetails, *,
                        actor: User | None = None, invitation_code: str | None = None,
                        now: datetime | None = None) -> PublicSubmission:
    """The public form and API: ``register_delegate``, but a taken address is answered as a
    new one would be (the form must not tell anyone which addresses are registered), and
    the registrant is emailed that someone tried again."""
    now = now or utcnow()
    discreet = not proves_address(actor, summit, details.email)
    try:
        registration = register_delegate(summit, details, actor=actor,
                                         invitation_code=invitation_code, now=now,
                                         notify=False)
    except AlreadyRegistered as taken:
        if not discreet:
            raise
        preview = Registration(status=taken.status_if_new, status_reason="", created_at=now)
        apply_details(preview, details)
        registration_mail.send_already_registered(taken.existing)
        return PublicSubmission(taken.status_if_new, None, preview, summit, taken.category,
                                taken.delegation, discreet)
    password_link = _account_for(registration, now) if actor is None else None
    registration_mail.send_received(registration, password_link=password_link)
    return PublicSubmission(registration.status, registration, registration, summit,
                            registration.category, registration.delegation, discreet)

def _check_consent(details: RegistrationDetails) -> None:
    """The notice must be agreed to; without the separate consent an ID document posted
    anyway is dropped, never stored (the form does not ask for it)."""
    if details.consent is None:
        return
    if not details.consent:
        raise ValidationFailed(_l("Agree to the personal-data notice to register."), "consent")
    if not details.sensitive_consent:
        details.id_type, details.id_number = None, ""


def _check_id_needed(details: RegistrationDetails, category: AttendeeCategory) -> None:
    """A category that needs an ID number refuses a form without the separate consent (the
    form shows the category's reason) or without the number."""
    if details.consent is None or not category.id_required:
        return
    reason = category.id_reason or str(_l("security checks it at the gate"))
    if not details.sensitive_consent:
        raise ValidationFailed(_l(
            "The category %(category)s needs an ID number (%(reason)s): tick the separate "
            "consent for the ID number and photo, or choose another category.",
            category=category.label(details.locale or "zh_Hans"), reason=reason),
            "sensitive_consent")
    if not details.id_number:
        raise ValidationFailed(_l("Enter the ID document number."), "id_number")


def register_delegate(
    summit: Summit, details: RegistrationDetails, *, actor: User | None = None,
    invitation_code: str | None = None, delegation: Delegation | None = None,
    now: datetime | None = None, notify: bool = True,
) -> Registration:
    """Register one person. Open form, invitation, registrar or organiser alike."""
    now = now or utcnow()
    staff = actor is not None and can(actor, Permission.REGISTRATIONS_MANAGE, summit)
    if delegation is not None and not staff:
        if actor is None or delegation.registrar_id != actor.id:
            raise NotAllowed(_l("Only the delegation's registrar can add its members."))
    if not staff and delegation is None and not registration_open(summit, now):
        raise DomainError(_l("Registration for this summit is closed."))
    _check_consent(details)
    details = clean_details(details)
    category = category_by_code(summit, details.category)
    invitation = find_invitation(summit, invitation_code, now) if invitation_code else None
    if invitation is not None:
        if invitation.category_id is not None and invitation.category_id != category.id:
            category = invitation.category
        delegation = delegation or invitation.delegation
    _check_id_needed(details, category)
    if not category.public and invitation is None and not staff and delegation is None:
        raise ValidationFailed(_l("This category is by invitation only: enter your invitation "
                                  "code."), "category")
    email = details.email.strip().lower()
    _refuse_taken(summit, email, category, delegation)

    summits.lock_summit(summit)
    if invitation is not None:
        claimed = db.session.execute(
            db.update(Invitation).where(Invitation.id == invitation.id,
                                        Invitation.uses < Invitation.max_uses)
            .values(uses=Invitation.uses + 1)).rowcount
        if not claimed:
            db.session.rollback()
            raise ValidationFailed(_l("This invitation code has been used up."),
                                   "invitation_code")
    if delegation is not None:
        try:
            _check_quota(delegation)
        except Conflict:
            # Undo the claimed invitation use and release the summit lock.
            db.session.rollback()
            raise
    status = S.PENDING if has_room(summit, category) else S.WAITLISTED
    registration = Registration(summit=summit, category=category, delegation=delegation,
                                invitation=invitation, status=status, created_at=now,
                                locale=details.locale or "zh_Hans",
                                user_id=actor.id if actor is not None and not staff
                                and delegation is None else None)
    apply_details(registration, details)
    if details.consent:
        registration.consent_notice = notices.current_for_consent(summit)
        registration.consented_at = now
        registration.sensitive_consent = details.sensitive_consent
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError:  # the same address registered at the same moment
        db.session.rollback()
        _refuse_taken(summit, email, category, delegation)
        raise Conflict(_l("This email address is already registered for this summit."),
                       "email") from None
    audit.record(actor, "registration.create", registration, summit=summit, now=now,
                 after=audit.snapshot(registration, AUDITED))
    db.session.commit()
    if notify:
        registration_mail.send_received(registration)
    return registration
