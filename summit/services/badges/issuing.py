"""Badges: who gets one, the signed token in its QR, reissue and revocation, templates.

Rules live here; drawing lives in ``badges.render`` and batch printing in ``badges.batches``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    Badge,
    BadgeSize,
    BadgeTemplate,
    PersonStatus,
    PressStatus,
    Registration,
    RegistrationStatus,
    Summit,
    User,
)
from summit.permissions import Permission, require
from summit.services.badges import (
    design as badge_design,
    keys as signing_keys,
    limits as template_limits,
    render as badge_render,
    stamps,
    tokens as badge_tokens,
)
from summit.services.badges.design import BadgeFace, Design, DesignError, TooCostly
from summit.services.core import audit
from summit.services.core.errors import Conflict, NotAllowed, ValidationFailed
from summit.services.core.names import has_han
from summit.services.registration.editing import may_manage
from summit.services.registration.submission import STATUS_LABELS

# --- keys and tokens ----------------------------------------------------------------------


def private_key(summit: Summit) -> Ed25519PrivateKey:
    return signing_keys.private_key(summit)


def public_key_text(summit: Summit) -> str:
    return badge_tokens.public_key_text(private_key(summit).public_key())


def token_for(badge: Badge) -> str:
    return stamps.token_of(badge.summit, badge.ref, badge.version)


@dataclass(frozen=True)
class TokenCheck:
    result: str  # ok | invalid | revoked | not_approved | wrong_summit
    badge: Badge | None = None


def check_token(summit: Summit, token: str) -> TokenCheck:
    """What a gate should answer for a scanned token (recording the scan is check-in's job)."""
    try:
        claims, _header, _signature = badge_tokens.decode(token)
    except badge_tokens.InvalidToken:
        return TokenCheck("invalid")
    # One query for what the gate's screen shows too (holder, category, zones).
    badge = db.session.execute(
        select(Badge).where(Badge.ref == claims.badge_ref.hex())
        .options(joinedload(Badge.registration).joinedload(Registration.category)
                 .joinedload(AttendeeCategory.zones))).unique().scalar_one_or_none()
    if badge is None:
        return TokenCheck("invalid")
    try:
        badge_tokens.verify(token, private_key(badge.summit).public_key())
    except badge_tokens.InvalidToken:
        return TokenCheck("invalid")
    if badge.summit_id != summit.id:
        return TokenCheck("wrong_summit")
    if badge.revoked:
        return TokenCheck("revoked", badge)
    if claims.version != badge.version:
        # An older print of a reissued badge: it no longer opens any gate.
        return TokenCheck("revoked", badge)
    if badge.registration is not None and badge.registration.status != RegistrationStatus.APPROVED:
        return TokenCheck("not_approved", badge)
    person = badge.press_person
    if person is not None and (person.status is not PersonStatus.APPROVED
                               or person.application.status is not PressStatus.APPROVED):
        return TokenCheck("not_approved", badge)
    return TokenCheck("ok", badge)


# --- who gets a badge --------------------------------------------------------------------

def new_ref() -> str:
    return badge_tokens.new_badge_ref().hex()


def badge_of(registration: Registration) -> Badge | None:
    return db.session.scalar(select(Badge).where(Badge.registration_id == registration.id))


def ensure_badge(registration: Registration) -> Badge:
    """The registration's badge, created on first need (the caller commits)."""
    badge = badge_of(registration)
    if badge is None:
        badge = Badge(summit=registration.summit, registration=registration, ref=new_ref())
        db.session.add(badge)
        db.session.flush()
    return badge


def require_printable(registration: Registration) -> None:
    if registration.status != RegistrationStatus.APPROVED:
        raise Conflict(_l("Badges are printed for approved registrations only; this one is "
                          "%(status)s.", status=STATUS_LABELS[registration.status]), "status")


def badge_for_download(actor: User | None, registration: Registration) -> Badge:
    """A delegate's own badge once approved; staff and the delegation's registrar any."""
    if actor is None or not may_manage(actor, registration):
        raise NotAllowed(_l("You do not have permission to do this."))
    require_printable(registration)
    badge = ensure_badge(registration)
    db.session.commit()
    if badge.revoked:
        raise Conflict(_l("This badge is revoked: %(reason)s", reason=badge.revoked_reason),
                       "status")
    return badge


def _badge_state(badge: Badge) -> dict:
    return {"version": badge.version, "revoked": badge.revoked,
            "revoked_reason": badge.revoked_reason}


def reissue(actor: User, registration: Registration, now: datetime | None = None) -> Badge:
    """A new print with a new token: every earlier print stops opening gates."""
    require(actor, Permission.BADGES_MANAGE, registration.summit)
    require_printable(registration)
    badge = ensure_badge(registration)
    before = _badge_state(badge)
    badge.version += 1
    badge.printed_at = None
    badge.printed_version = None
    audit.record(actor, "badge.reissue", badge, summit=badge.summit, now=now,
                 before=before, after=_badge_state(badge))
    db.session.commit()
    return badge


def revoke(actor: User, registration: Registration, reason: str,
           now: datetime | None = None) -> Badge:
    require(actor, Permission.BADGES_MANAGE, registration.summit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_l("Say why the badge is revoked."), "reason")
    if len(reason) > 200:
        raise ValidationFailed(_l("At most %(count)d characters.", count=200), "reason")
    badge = ensure_badge(registration)
    if badge.revoked:
        raise Conflict(_l("This badge is already revoked."), "status")
    before = _badge_state(badge)
    badge.revoked_at = now or utcnow()
    badge.revoked_reason = reason
    audit.record(actor, "badge.revoke", badge, summit=badge.summit, now=now,
                 before=before, after=_badge_state(badge))
    db.session.commit()
    return badge


def restore(actor: User, registration: Registration, now: datetime | None = None) -> Badge:
    """Undo a revocation. The badge is reissued too, so a print made while it was revoked
    (or lost with it) stays useless."""
    require(actor, Permission.BADGES_MANAGE, registration.summit)
    badge = ensure_badge(registration)
    if not badge.revoked:
        raise Conflict(_l("This badge is not revoked."), "status")
    before = _badge_state(badge)
    badge.revoked_at = None
    badge.revoked_reason = ""
    badge.version += 1
    badge.printed_at = None
    badge.printed_version = None
    audit.record(actor, "badge.restore", badge, summit=badge.summit, now=now,
                 before=before, after=_badge_state(badge))
    db.session.commit()
    return badge


# --- what a badge shows --------------------------------------------------------------------

def template_of(category: AttendeeCategory) -> BadgeTemplate:
    """The category's saved template, or an unsaved one with the defaults."""
    template = db.session.scalar(
        select(BadgeTemplate).where(BadgeTemplate.category_id == category.id))
    return template or BadgeTemplate(category=category, band_colour="", text_colour="#ffffff",
                                     title_zh="", title_en="", footer="", html="", css="")


def design_of(category: AttendeeCategory, template: BadgeTemplate | None = None) -> Design:
    template = template or template_of(category)
    return Design(band_colour=template.band_colour or category.colour,
                  text_colour=template.text_colour or "#ffffff",
                  html=template.html or "", css=template.css or "")


def designs_of(summit: Summit) -> dict[str, Design]:
    templates = {t.category_id: t for t in db.session.scalars(
        select(BadgeTemplate).join(AttendeeCategory).where(
            AttendeeCategory.summit_id == summit.id))}
    return {c.code: design_of(c, templates.get(c.id)) for c in summit.categories}


def _titles(category: AttendeeCategory, template: BadgeTemplate) -> tuple[str, str]:
    return (template.title_zh or category.label_zh,
            template.title_en or category.label_en)


def face_of(badge: Badge, template: BadgeTemplate | None = None) -> BadgeFace:
    registration = badge.registration
    category = registration.category
    template = template or template_of(category)
    title, title_en = _titles(category, template)
    return BadgeFace(
        design=category.code,
        token=token_for(badge),
        name=registration.name,
        name_native=registration.name_native,
        pinyin=registration.name_pinyin if has_han(registration.name) else "",
        organisation=registration.organisation_name,
        position=registration.position,
        title=title, title_en=title_en,
        zones=tuple((z.code, z.label_zh) for z in category.zones),
        footer=template.footer or badge.summit.title_zh,
    )


SAMPLES = {
    "zh_hans": ("赵波", "", "Zhao Bo"),
    "zh_hant": ("趙波", "", "Zhao Bo"),
    "tibetan": ("扎西德勒", "བཀྲ་ཤིས་བདེ་ལེགས", "Zhaxi Dele"),
    "latin": ("Anna Schmidt", "", ""),
    "long": ("欧阳" + "娜" * 40, "", "Ouyang " + "Na " * 40),
}


def sample_face(category: AttendeeCategory, template: BadgeTemplate, sample: str = "zh_hans"
                ) -> BadgeFace:
    name, native, pinyin = SAMPLES.get(sample, SAMPLES["zh_hans"])
    title, title_en = _titles(category, template)
    summit = category.summit
    token = badge_tokens.sign(private_key(summit), b"\0" * 8, 1)
    return BadgeFace(
        design=category.code, token=token, name=name, name_native=native, pinyin=pinyin,
        organisation="甘孜藏族自治州商务局", position="局长", title=title, title_en=title_en,
        zones=tuple((z.code, z.label_zh) for z in category.zones),
        footer=template.footer or summit.title_zh)


def render_badge(badge: Badge, size: BadgeSize = BadgeSize.A6, processes: int = 1) -> bytes:
    category = badge.registration.category
    template = template_of(category)
    face = face_of(badge, template)
    return render_faces([face], {face.design: design_of(category, template)}, size, processes)


def render_faces(faces: list[BadgeFace], designs: dict[str, Design], size: BadgeSize,
                 processes: int = 1) -> bytes:
    """One person's badge as PDF; a saved template that fails for them is a clear conflict.

    ``processes`` above 1: drawn in the render processes of batches (``render.pool``), so
    that badges asked for at the same moment (ten desks) draw on every core instead of
    taking turns for one interpreter."""
    try:
        if processes > 1:
            return badge_render.pool(processes).submit(
                badge_render.render_pdf, faces, designs, size).result()
        return badge_render.render_pdf(faces, designs, size)
    except DesignError as error:
        raise Conflict(design_error_message(error), "template") from None


def design_error_message(error: DesignError) -> str:
    """What to tell the organiser about a template that failed, in their language."""
    if isinstance(error, TooCostly):
        name = error.name if len(error.name) <= 24 else error.name[:23] + "…"
        if error.limit == "time":
            return str(_l("This badge template takes too long to draw: the badge of %(name)s "
                          "took more than %(seconds)s seconds. Make its loops shorter.",
                          name=name, seconds=template_limits.SECONDS))
        return str(_l("This badge template builds text or lists too large for a badge (the "
                      "badge of %(name)s). Use smaller numbers, widths and repeats.",
                      name=name))
    return str(_l("A badge template cannot be used: %(reason)s", reason=str(error)))


# --- templates -----------------------------------------------------------------------------

@dataclass
class TemplateDetails:
    band_colour: str = ""
    text_colour: str = "#ffffff"
    title_zh: str = ""
    title_en: str = ""
    footer: str = ""
    html: str = ""
    css: str = ""


TEMPLATE_FIELDS = ("band_colour", "text_colour", "title_zh", "title_en", "footer", "html", "css")


def details_of(template: BadgeTemplate) -> TemplateDetails:
    return TemplateDetails(**{f: getattr(template, f) or "" for f in TEMPLATE_FIELDS})


def draft_template(category: AttendeeCategory, details: TemplateDetails) -> BadgeTemplate:
    """An unsaved template holding ``details``: what the live preview draws."""
    return BadgeTemplate(category=category, **{f: getattr(details, f) for f in TEMPLATE_FIELDS})


def check_template(category: AttendeeCategory, details: TemplateDetails) -> BadgeTemplate:
    """The draft, if it renders; otherwise ValidationFailed naming the field and the reason."""
    limits = {"title_zh": 60, "title_en": 60, "footer": 120}
    for name, limit in limits.items():
        if len(getattr(details, name)) > limit:
            raise ValidationFailed(_l("At most %(count)d characters.", count=limit), name)
    for name in ("band_colour", "text_colour"):
        value = getattr(details, name)
        if value and not badge_design.COLOUR.match(value):
            raise ValidationFailed(_l("A colour looks like #1f6feb."), name)
    draft = draft_template(category, details)
    try:
        badge_design.validate_design(design_of(category, draft),
                                     sample_face(category, draft, "long"))
    except TooCostly as error:
        raise ValidationFailed(design_error_message(error), "html") from None
    except DesignError as error:
        field = {"css": "css", "colour": "band_colour"}.get(error.part, "html")
        raise ValidationFailed(_l("This template cannot be used: %(reason)s", reason=str(error)),
                               field) from None
    return draft


def save_template(actor: User, category: AttendeeCategory, details: TemplateDetails,
                  now: datetime | None = None) -> BadgeTemplate:
    require(actor, Permission.BADGES_MANAGE, category.summit)
    check_template(category, details)
    template = db.session.scalar(
        select(BadgeTemplate).where(BadgeTemplate.category_id == category.id))
    before = None
    if template is None:
        template = BadgeTemplate(category=category)
        db.session.add(template)
    else:
        before = {f: getattr(template, f) for f in TEMPLATE_FIELDS}
    for name in TEMPLATE_FIELDS:
        setattr(template, name, getattr(details, name))
    template.updated_at = now or utcnow()
    audit.record(actor, "badge_template.save", template, summit=category.summit, now=now,
                 before=before, after={f: getattr(details, f) for f in TEMPLATE_FIELDS})
    db.session.commit()
    return template


def preview_png(category: AttendeeCategory, template: BadgeTemplate, sample: str,
                size: BadgeSize) -> bytes:
    """The draft drawn for a sample person; a template that fails for that sample (it was
    checked with another) is refused as at saving."""
    face = sample_face(category, template, sample)
    design = design_of(category, template)
    faces = [face]
    if size is BadgeSize.A4_SHEET:
        faces = [sample_face(category, template, key) for key in
                 ("zh_hans", "zh_hant", "tibetan", "latin")]
    try:
        return badge_render.png_preview(faces, {face.design: design}, size,
                                        dpi=50 if size is BadgeSize.A4_SHEET else 110)
    except DesignError as error:
        raise ValidationFailed(design_error_message(error), "html") from None


def sample_choices() -> list[tuple[str, object]]:
    return [("zh_hans", _l("Simplified Chinese (赵波)")),
            ("zh_hant", _l("Traditional Chinese (趙波)")),
            ("tibetan", _l("Tibetan and Chinese")),
            ("latin", _l("Latin (Anna Schmidt)")),
            ("long", _l("A very long name"))]
