"""Each summit's personal-data notice, versioned: who processes what, for what, how long and
with whom it is shared. A summit without one shows the default text, saved as version 1 when
the first person agrees to it; an edit is a new version, and consents keep theirs."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import force_locale, gettext as _, lazy_gettext as _l

from summit.database import utcnow
from summit.extensions import db
from summit.models import PrivacyNotice
from summit.permissions import Permission, require
from summit.services.core import audit
from summit.services.core.errors import ValidationFailed

if TYPE_CHECKING:
    from summit.models import Summit, User

LANGUAGES = ("zh_Hans", "zh_Hant", "en")
DEFAULT_RETENTION_DAYS = 180


def default_text(summit: Summit, language: str) -> str:
    with force_locale(language):
        return _(
            "The organiser of %(summit)s processes the personal data you give here (name, "
            "organisation, position, phone, email, travel and hotel wishes; an ID number and "
            "photo only with your separate consent) to register you, print your badge, admit "
            "you at the gates and arrange your travel and room. It is shared only with the "
            "hotels, drivers and security services of the summit. It is kept until %(days)d "
            "days after the summit ends and then anonymised; agreement records are kept as the "
            "law requires. You can download your data, and ask for a correction or deletion, "
            "on the My data page.", summit=summit.title(language), days=DEFAULT_RETENTION_DAYS)


def installation_text(language: str) -> str:
    """The notice of someone signing up outside any summit: the account alone."""
    with force_locale(language):
        return _(
            "Summit keeps the name, email address and password (hashed) of your account, and "
            "when you log in, to let you register for summits and see your registrations. It "
            "is shared with no one. When you register for a summit, that summit's notice "
            "tells you what more it needs and why. You can download your data, and ask for a "
            "correction or deletion, on the My data page.")


def _default(summit: Summit | None, language: str) -> str:
    return installation_text(language) if summit is None else default_text(summit, language)


def current(summit: Summit | None) -> PrivacyNotice | None:
    """The latest version of a summit's notice (None: the installation's)."""
    owner = PrivacyNotice.summit_id.is_(None) if summit is None else \
        PrivacyNotice.summit_id == summit.id
    return db.session.scalar(db.select(PrivacyNotice).where(owner)
                             .order_by(PrivacyNotice.version.desc()).limit(1))


def text_of(summit: Summit | None, language: str) -> tuple[int, str]:
    """The version a form shows and its text in ``language`` (None: the installation's)."""
    notice = current(summit)
    if notice is None:
        return 1, _default(summit, language)
    return notice.version, notice.text(language)


def current_for_consent(summit: Summit | None) -> PrivacyNotice:
    """The notice a consent given now is linked to (the default, saved, if none yet): in the
    caller's transaction. None: the installation's notice (sign-up)."""
    notice = current(summit)
    if notice is None:
        notice = PrivacyNotice(summit_id=summit.id if summit else None, version=1, **{
            f"text_{language.lower()}": _default(summit, language)
            for language in LANGUAGES})
        db.session.add(notice)
        db.session.flush()
    return notice


def publish_notice(actor: User, summit: Summit, texts: dict[str, str], *,
                   now: datetime | None = None) -> PrivacyNotice:
    """A new version of the notice, in the three languages (each required)."""
    require(actor, Permission.PRIVACY_MANAGE, summit)
    for language in LANGUAGES:
        value = (texts.get(language) or "").strip()
        if not value:
            raise ValidationFailed(_l("Write the notice in every language."),
                                   f"text_{language.lower()}")
        if len(value) > 20000:
            raise ValidationFailed(_l("At most %(n)d characters.", n=20000),
                                   f"text_{language.lower()}")
    latest = current(summit)
    notice = PrivacyNotice(summit_id=summit.id, version=(latest.version + 1) if latest else 1,
                           created_by_id=actor.id, created_at=now or utcnow(), **{
                               f"text_{language.lower()}": texts[language].strip()
                               for language in LANGUAGES})
    db.session.add(notice)
    audit.record(actor, "privacy_notice.publish", notice, summit=summit, now=now,
                  after={"version": notice.version})
    db.session.commit()
    return notice
