"""Badges: signed tokens and what a gate answers, downloads, reissue/revoke/restore, templates.
Service rules only, no HTTP."""
from __future__ import annotations

import base64
import io
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader

from summit.extensions import db
from summit.models import (
    AuditEntry,
    Badge,
    BadgeSize,
    BadgeTemplate,
    Registration,
    RegistrationStatus,
    Role,
    SigningKey,
    Summit,
    User,
)
from summit.services.badges import issuing as badges, keys as signing_keys, tokens as badge_tokens
from summit.services.badges.issuing import TemplateDetails
from summit.services.core.errors import Conflict, NotAllowed, ValidationFailed
from summit.services.registration import review as registration_review, submission as registrations
from summit.services.registration.submission import RegistrationDetails
from tests.support import factories

S = RegistrationStatus
NOW = datetime(2027, 7, 1, 9, 0, tzinfo=UTC)
LATER = datetime(2027, 7, 2, 10, 30, tzinfo=UTC)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def delegate_user(event) -> User:
    """Holds the delegate role at the summit: may register, may not manage badges."""
    return factories.make_member(event, Role.DELEGATE, "delegate@example.com", name="李娜")


_emails = iter(range(1, 100_000))


def registered(summit: Summit, name: str = "Anna Schmidt", *, status: S = S.APPROVED,
               owner: User | None = None, category: str = "delegate") -> Registration:
    """A registration entered by staff, then put in ``status`` (and linked to ``owner``)."""
    staff = factories.make_user()
    factories.grant(staff, summit, Role.ORGANISER)
    details = RegistrationDetails(name=name, email=f"person{next(_emails)}@example.com",
                                  category=category, organisation_name="甘孜州商务局",
                                  position="科长", locale="en")
    registration = registrations.register_delegate(summit, details, actor=staff, now=NOW,
                                                   notify=False)
    registration.status = status
    if owner is not None:
        registration.user_id = owner.id
    db.session.commit()
    return registration


def approved_badge(summit: Summit, name: str = "Anna Schmidt") -> Badge:
    badge = badges.ensure_badge(registered(summit, name))
    db.session.commit()
    return badge


def reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def audit_of(badge: Badge) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.object_type == "badges",
        AuditEntry.object_id == str(badge.id)).order_by(AuditEntry.id)))


def actions(action_prefix: str) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action.startswith(action_prefix)).order_by(AuditEntry.id)))


def flip_byte(token: str, index: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[index] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def answer(summit: Summit, token: str) -> str:
    return badges.check_token(summit, token).result


# --- keys and tokens ----------------------------------------------------------------------

def test_the_summit_key_is_created_once_in_the_database_encrypted(app, event):
    badge = approved_badge(event)
    # On PostgreSQL the badge's stamp (its token's digest, for the check-in statement) needed
    # the key already; on SQLite the first token makes it.
    made = 1 if db.engine.dialect.name == "postgresql" else 0
    assert db.session.scalar(db.select(db.func.count()).select_from(SigningKey)) == made

    token = badges.token_for(badge)
    db.session.commit()

    row = db.session.scalar(db.select(SigningKey).where(SigningKey.summit_id == event.id))
    raw = badges.private_key(event).private_bytes_raw()
    assert row.public_key == badges.private_key(event).public_key().public_bytes_raw()
    assert raw not in row.encrypted_private_key  # stored encrypted
    assert not (Path(app.instance_path) / "keys").exists()
    # The same key signs again (Ed25519 tokens are deterministic), also read afresh.
    app.extensions.pop(signing_keys.CACHE)
    assert badges.token_for(badge) == token
    assert db.session.scalar(db.select(db.func.count()).select_from(SigningKey)) == 1


def test_a_key_an_older_version_kept_in_the_instance_folder_is_moved_in(app, event):
    old = Ed25519PrivateKey.generate()
    path = signing_keys.legacy_key_path(event.id)
    path.parent.mkdir(parents=True)
    path.write_bytes(old.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))

    assert badges.private_key(event).private_bytes_raw() == old.private_bytes_raw()


def test_after_a_rolled_back_change_the_key_in_use_is_the_stored_one(app, event):
    badges.private_key(event)
    db.session.rollback()  # PostgreSQL forgets the new key; SQLite has kept it

    again = badges.private_key(event).public_key().public_bytes_raw()
    db.session.commit()
    rows = db.session.scalars(db.select(SigningKey)).all()
    assert [row.public_key for row in rows] == [again]
    app.extensions.pop(signing_keys.CACHE)
    assert badges.private_key(event).public_key().public_bytes_raw() == again


def test_a_token_verifies_with_the_summit_public_key_alone(event):
    badge = approved_badge(event)
    token = badges.token_for(badge)
    # What an offline scanner receives: the public key as text, nothing else.
    public = badge_tokens.Ed25519PublicKey.from_public_bytes(
        base64.urlsafe_b64decode(badges.public_key_text(event) + "="))

    claims = badge_tokens.verify(token, public)

    assert claims.badge_ref == bytes.fromhex(badge.ref)
    assert claims.version == badge.version == 1
    assert claims.key_id == badge_tokens.key_id(public)
    # Nothing but format, key id, reference and version is signed: no personal data.
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert len(raw) == 15 + 64
    assert raw[:15] == struct.pack(">B4s8sH", 1, claims.key_id, claims.badge_ref, 1)


def test_a_token_does_not_verify_with_another_summits_public_key(event):
    other = factories.make_summit("chengdu-2027")
    token = badges.token_for(approved_badge(event))

    with pytest.raises(badge_tokens.InvalidToken, match="another key"):
        badge_tokens.verify(token, badges.private_key(other).public_key())


def test_summits_have_distinct_keys(app, event):
    other = factories.make_summit("chengdu-2027")

    assert badges.public_key_text(event) != badges.public_key_text(other)
    assert sorted(db.session.scalars(db.select(SigningKey.summit_id))) == sorted(
        [event.id, other.id])


def test_an_approved_registrations_badge_answers_ok(event, organiser, mailbox):
    registration = registered(event, status=S.PENDING)
    badge = badges.ensure_badge(registration)
    db.session.commit()
    token = badges.token_for(badge)
    assert answer(event, token) == "not_approved"

    registration_review.approve_registration(organiser, registration, now=NOW)
    check = badges.check_token(event, token)

    assert check.result == "ok"
    assert check.badge.id == badge.id
    assert check.badge.registration_id == registration.id


def test_after_reissue_the_old_token_is_revoked_and_the_new_one_ok(event, organiser):
    badge = approved_badge(event)
    old = badges.token_for(badge)

    badges.reissue(organiser, badge.registration, now=LATER)
    new = badges.token_for(reload(badge))

    assert new != old
    assert badges.check_token(event, old).result == "revoked"
    assert badges.check_token(event, old).badge.id == badge.id
    assert answer(event, new) == "ok"


def test_a_revoked_badge_answers_revoked_for_every_token(event, organiser):
    badge = approved_badge(event)
    token = badges.token_for(badge)

    badges.revoke(organiser, badge.registration, "Lost at the hotel", now=LATER)

    assert answer(event, token) == "revoked"
    assert answer(event, badges.token_for(reload(badge))) == "revoked"


def test_after_restore_the_old_token_stays_refused_and_a_new_one_is_ok(event, organiser):
    badge = approved_badge(event)
    before_revoke = badges.token_for(badge)
    badges.revoke(organiser, badge.registration, "Lost at the hotel", now=NOW)
    while_revoked = badges.token_for(reload(badge))

    restored = badges.restore(organiser, reload(badge).registration, now=LATER)
    new = badges.token_for(restored)

    assert restored.version == 2
    assert answer(event, before_revoke) == "revoked"
    assert answer(event, while_revoked) == "revoked"
    assert answer(event, new) == "ok"


@pytest.mark.parametrize("how", ["cancel", "reject"])
def test_a_badge_of_a_registration_no_longer_approved_answers_not_approved(
        event, organiser, how):
    badge = approved_badge(event)
    token = badges.token_for(badge)
    registration = badge.registration
    if how == "cancel":
        registration_review.cancel_registration(organiser, registration, now=LATER)
        assert reload(registration).status is S.CANCELLED
    else:
        registration.status = S.REJECTED
        db.session.commit()

    check = badges.check_token(event, token)

    assert check.result == "not_approved"
    assert check.badge.id == badge.id


def test_a_badge_of_another_summit_answers_wrong_summit(event):
    other = factories.make_summit("chengdu-2027")
    factories.make_category(other, "delegate", "代表")
    foreign = approved_badge(other)

    check = badges.check_token(event, badges.token_for(foreign))

    assert check.result == "wrong_summit"
    assert check.badge is None
    assert answer(other, badges.token_for(foreign)) == "ok"


@pytest.mark.parametrize("garbage", [
    "", "hello", "A" * 500, "!!!!", "é", "a" * 107,
    base64.urlsafe_b64encode(b"\x01" + b"\0" * 78).rstrip(b"=").decode(),
])
def test_garbage_answers_invalid(event, garbage):
    approved_badge(event)

    check = badges.check_token(event, garbage)

    assert (check.result, check.badge) == ("invalid", None)


@pytest.mark.parametrize("index", [0, 1, 5, 12, 14, 15, 78],
                         ids=["format", "key-id", "ref", "ref-end", "version", "signature",
                              "signature-end"])
def test_a_token_with_one_flipped_bit_answers_invalid(event, index):
    badge = approved_badge(event)
    token = badges.token_for(badge)
    assert answer(event, token) == "ok"

    check = badges.check_token(event, flip_byte(token, index))

    assert (check.result, check.badge) == ("invalid", None)


def test_a_token_forged_with_another_key_for_a_real_badge_answers_invalid(event):
    badge = approved_badge(event)
    forger = badge_tokens.Ed25519PrivateKey.generate()

    assert answer(event, badge_tokens.sign(forger, bytes.fromhex(badge.ref), 1)) == "invalid"
    # Signed by another summit's genuine key, still not this badge's.
    other = factories.make_summit("chengdu-2027")
    assert answer(event, badge_tokens.sign(badges.private_key(other),
                                           bytes.fromhex(badge.ref), 1)) == "invalid"


def test_a_token_for_a_version_not_yet_issued_answers_revoked_not_ok(event):
    """Only the current version opens a gate, even one signed with the right key."""
    badge = approved_badge(event)
    ahead = badge_tokens.sign(badges.private_key(event), bytes.fromhex(badge.ref), 2)

    assert answer(event, ahead) == "revoked"


def test_a_token_naming_an_unknown_badge_answers_invalid(event):
    approved_badge(event)
    token = badge_tokens.sign(badges.private_key(event), b"\x00" * 8, 1)

    assert answer(event, token) == "invalid"


# --- who gets a badge ---------------------------------------------------------------------

def test_ensure_badge_creates_one_badge_per_registration(event):
    registration = registered(event)

    first = badges.ensure_badge(registration)
    again = badges.ensure_badge(registration)
    db.session.commit()

    assert first is again
    assert len(first.ref) == 16 and int(first.ref, 16) >= 0
    assert (first.version, first.revoked, first.printed_at) == (1, False, None)
    assert first.summit_id == event.id
    assert db.session.scalar(db.select(db.func.count(Badge.id))) == 1


def test_the_owner_downloads_their_badge_once_approved(event):
    owner = factories.make_user("owner@example.com")
    registration = registered(event, owner=owner, status=S.PENDING)
    with pytest.raises(Conflict) as error:
        badges.badge_for_download(owner, registration)
    assert error.value.field == "status"
    assert "approved registrations only" in str(error.value)
    assert badges.badge_of(registration) is None

    registration.status = S.APPROVED
    db.session.commit()
    badge = badges.badge_for_download(owner, registration)

    assert reload(badge).registration_id == registration.id
    assert badges.badge_for_download(owner, registration).ref == badge.ref


@pytest.mark.parametrize("status", [S.PENDING, S.REJECTED, S.WAITLISTED, S.CANCELLED,
                                    S.WITHDRAWN])
def test_no_badge_for_a_registration_that_is_not_approved(event, organiser, status):
    owner = factories.make_user("owner@example.com")
    registration = registered(event, owner=owner, status=status)

    for actor in (owner, organiser):
        with pytest.raises(Conflict) as error:
            badges.badge_for_download(actor, registration)
        assert error.value.field == "status"
    assert badges.badge_of(registration) is None


def test_another_user_may_not_download_a_badge(event, delegate_user):
    owner = factories.make_user("owner@example.com")
    registration = registered(event, owner=owner)

    for stranger in (delegate_user, factories.make_user("stranger@example.com"), None):
        with pytest.raises(NotAllowed):
            badges.badge_for_download(stranger, registration)
    assert badges.badge_of(registration) is None


def test_a_verified_account_with_the_registration_email_may_download(event):
    registration = registered(event)
    user = factories.make_user(registration.email)
    unverified = registered(event)
    unverified_user = factories.make_user(unverified.email, verified=False)

    assert badges.badge_for_download(user, registration).registration_id == registration.id
    with pytest.raises(NotAllowed):
        badges.badge_for_download(unverified_user, unverified)


def test_an_organiser_downloads_any_approved_badge(event, organiser):
    registration = registered(event, owner=factories.make_user("owner@example.com"))

    badge = badges.badge_for_download(organiser, registration)

    assert badge.registration_id == registration.id
    assert badges.badge_of(registration).id == badge.id


def test_an_organiser_of_another_summit_may_not_download(event):
    other = factories.make_summit("chengdu-2027")
    outsider = factories.make_user("outsider@example.com")
    factories.grant(outsider, other, Role.ORGANISER)

    with pytest.raises(NotAllowed):
        badges.badge_for_download(outsider, registered(event))


def test_a_revoked_badge_cannot_be_downloaded(event, organiser):
    owner = factories.make_user("owner@example.com")
    registration = registered(event, owner=owner)
    badges.revoke(organiser, registration, "Lost at the hotel", now=NOW)

    for actor in (owner, organiser):
        with pytest.raises(Conflict, match="revoked: Lost at the hotel") as error:
            badges.badge_for_download(actor, registration)
        assert error.value.field == "status"


def test_a_badge_renders_as_a_one_page_pdf_showing_the_name(event):
    badge = approved_badge(event, "Anna Schmidt")

    pdf = badges.render_badge(badge, BadgeSize.A6)

    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    width, height = (float(v) * 25.4 / 72 for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (105, 148)
    assert "Anna Schmidt" in reader.pages[0].extract_text()


# --- reissue, revoke, restore -------------------------------------------------------------

def test_reissue_bumps_the_version_forgets_the_print_and_audits(event, organiser):
    badge = approved_badge(event)
    badge.printed_at, badge.printed_version = NOW, 1
    db.session.commit()

    badges.reissue(organiser, badge.registration, now=LATER)

    stored = reload(badge)
    assert (stored.version, stored.printed_at, stored.printed_version) == (2, None, None)
    [entry] = audit_of(badge)
    assert entry.action == "badge.reissue"
    assert entry.actor_id == organiser.id
    assert entry.summit_id == event.id
    assert entry.at == LATER
    assert entry.before == {"version": 1, "revoked": False, "revoked_reason": ""}
    assert entry.after == {"version": 2, "revoked": False, "revoked_reason": ""}


def test_reissue_creates_the_badge_if_there_was_none(event, organiser):
    registration = registered(event)

    badge = badges.reissue(organiser, registration, now=NOW)

    assert badges.badge_of(registration).id == badge.id
    assert badge.version == 2
    assert [e.action for e in audit_of(badge)] == ["badge.reissue"]


def test_reissue_refuses_a_registration_that_is_not_approved(event, organiser):
    registration = registered(event, status=S.PENDING)

    with pytest.raises(Conflict):
        badges.reissue(organiser, registration, now=NOW)
    assert badges.badge_of(registration) is None
    assert actions("badge.") == []


def test_revoke_records_when_and_why_and_audits(event, organiser):
    badge = approved_badge(event)

    badges.revoke(organiser, badge.registration, "  Lost at the hotel  ", now=LATER)

    stored = reload(badge)
    assert stored.revoked
    assert stored.revoked_at == LATER
    assert stored.revoked_reason == "Lost at the hotel"
    assert stored.version == 1
    [entry] = audit_of(badge)
    assert (entry.action, entry.actor_id, entry.summit_id) == (
        "badge.revoke", organiser.id, event.id)
    assert entry.before == {"version": 1, "revoked": False, "revoked_reason": ""}
    assert entry.after == {"version": 1, "revoked": True, "revoked_reason": "Lost at the hotel"}


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 201])
def test_revoke_needs_a_short_reason(event, organiser, reason):
    badge = approved_badge(event)

    with pytest.raises(ValidationFailed) as error:
        badges.revoke(organiser, badge.registration, reason, now=NOW)

    assert error.value.field == "reason"
    assert not reload(badge).revoked
    assert audit_of(badge) == []


def test_a_reason_of_exactly_200_characters_is_accepted(event, organiser):
    badge = approved_badge(event)

    badges.revoke(organiser, badge.registration, "x" * 200, now=NOW)

    assert reload(badge).revoked_reason == "x" * 200


def test_revoking_twice_is_a_conflict(event, organiser):
    badge = approved_badge(event)
    badges.revoke(organiser, badge.registration, "Lost", now=NOW)

    with pytest.raises(Conflict, match="already revoked"):
        badges.revoke(organiser, badge.registration, "Lost again", now=LATER)
    assert reload(badge).revoked_reason == "Lost"
    assert [e.action for e in audit_of(badge)] == ["badge.revoke"]


def test_restore_clears_the_revocation_reissues_and_audits(event, organiser):
    badge = approved_badge(event)
    badge.printed_at, badge.printed_version = NOW, 1
    db.session.commit()
    badges.revoke(organiser, badge.registration, "Lost", now=NOW)

    badges.restore(organiser, reload(badge).registration, now=LATER)

    stored = reload(badge)
    assert (stored.revoked, stored.revoked_at, stored.revoked_reason) == (False, None, "")
    assert (stored.version, stored.printed_at, stored.printed_version) == (2, None, None)
    entries = audit_of(badge)
    assert [e.action for e in entries] == ["badge.revoke", "badge.restore"]
    assert entries[1].before == {"version": 1, "revoked": True, "revoked_reason": "Lost"}
    assert entries[1].after == {"version": 2, "revoked": False, "revoked_reason": ""}
    assert entries[1].actor_id == organiser.id


def test_restoring_a_badge_that_is_not_revoked_is_a_conflict(event, organiser):
    badge = approved_badge(event)

    with pytest.raises(Conflict, match="not revoked"):
        badges.restore(organiser, badge.registration, now=NOW)
    assert reload(badge).version == 1
    assert audit_of(badge) == []


@pytest.mark.parametrize("use_case", ["reissue", "revoke", "restore"])
def test_reissue_revoke_and_restore_need_the_badges_permission(
        event, organiser, delegate_user, use_case):
    registration = registered(event, owner=delegate_user)
    badge = badges.ensure_badge(registration)
    db.session.commit()
    if use_case == "restore":
        badges.revoke(organiser, registration, "Lost", now=NOW)
    before = len(actions("badge."))
    state = (reload(badge).version, reload(badge).revoked)
    other = factories.make_summit("chengdu-2027")
    foreign_organiser = factories.make_user("foreign@example.com")
    factories.grant(foreign_organiser, other, Role.ORGANISER)
    registrar = factories.make_user("registrar@example.com")
    factories.grant(registrar, event, Role.REGISTRAR)

    for actor in (delegate_user, registrar, foreign_organiser):
        with pytest.raises(NotAllowed):
            if use_case == "reissue":
                badges.reissue(actor, registration, now=LATER)
            elif use_case == "revoke":
                badges.revoke(actor, registration, "Because", now=LATER)
            else:
                badges.restore(actor, registration, now=LATER)

    assert (reload(badge).version, reload(badge).revoked) == state
    assert len(actions("badge.")) == before


def test_an_admin_may_manage_badges_without_a_role(event):
    admin = factories.make_user("admin@example.com", admin=True)
    badge = approved_badge(event)

    badges.reissue(admin, badge.registration, now=NOW)

    assert reload(badge).version == 2
    assert audit_of(badge)[0].actor_id == admin.id


# --- templates ----------------------------------------------------------------------------

def category(summit: Summit, code: str = "delegate"):
    return next(c for c in summit.categories if c.code == code)


GOOD = TemplateDetails(band_colour="#aa3300", text_colour="#000000", title_zh="贵宾",
                       title_en="VIP", footer="康定 2027",
                       html='<div class="band">{{ b.title }}</div><p class="who">{{ b.name }}'
                            '</p><img src="{{ b.qr }}">',
                       css=".who { font-size: 20pt }")


def stored_template(cat) -> BadgeTemplate | None:
    db.session.expire_all()
    return db.session.scalar(db.select(BadgeTemplate).where(BadgeTemplate.category_id == cat.id))


def template_values(template: BadgeTemplate) -> dict:
    return {f: getattr(template, f) for f in badges.TEMPLATE_FIELDS}


def test_save_template_stores_the_values_and_audits(event, organiser):
    cat = category(event)

    saved = badges.save_template(organiser, cat, GOOD, now=NOW)

    stored = stored_template(cat)
    assert stored.id == saved.id
    assert template_values(stored) == {
        "band_colour": "#aa3300", "text_colour": "#000000", "title_zh": "贵宾",
        "title_en": "VIP", "footer": "康定 2027", "html": GOOD.html, "css": GOOD.css}
    assert stored.updated_at == NOW
    assert badges.details_of(stored) == GOOD
    [entry] = actions("badge_template.")
    assert (entry.action, entry.actor_id, entry.summit_id) == (
        "badge_template.save", organiser.id, event.id)
    assert (entry.object_type, entry.object_id) == ("badge_templates", str(stored.id))
    assert entry.before is None
    assert entry.after == template_values(stored)


def test_saving_again_updates_the_one_template_and_audits_the_change(event, organiser):
    cat = category(event)
    badges.save_template(organiser, cat, GOOD, now=NOW)
    changed = TemplateDetails(band_colour="#123456", title_en="Guest")

    badges.save_template(organiser, cat, changed, now=LATER)

    assert db.session.scalar(db.select(db.func.count(BadgeTemplate.id))) == 1
    stored = stored_template(cat)
    assert badges.details_of(stored) == changed
    assert stored.updated_at == LATER
    entries = actions("badge_template.")
    assert len(entries) == 2
    assert entries[1].before["band_colour"] == "#aa3300"
    assert entries[1].before["html"] == GOOD.html
    assert entries[1].after["band_colour"] == "#123456"
    assert entries[1].after["html"] == ""


def test_the_saved_template_is_what_the_badge_shows(event, organiser):
    cat = category(event)
    badges.save_template(organiser, cat, GOOD, now=NOW)
    badge = approved_badge(event, "Anna Schmidt")

    face = badges.face_of(badge)
    design = badges.design_of(cat)

    assert (face.title, face.title_en, face.footer) == ("贵宾", "VIP", "康定 2027")
    assert face.zones == (("MAIN", "主会场"),)
    assert face.token == badges.token_for(badge)
    assert design == badges.badge_design.Design(band_colour="#aa3300", text_colour="#000000",
                                                html=GOOD.html, css=GOOD.css)


def test_an_unsaved_template_falls_back_to_the_category(event):
    cat = category(event, "expert")
    badge = badges.ensure_badge(registered(event, category="expert"))
    db.session.commit()

    face = badges.face_of(badge)

    assert (face.title, face.title_en, face.footer) == ("专家", "Expert", "测试峰会")
    assert badges.design_of(cat).band_colour == "#1f5fbf"
    assert stored_template(cat) is None


BROKEN = [
    ("broken-jinja", dict(html="{% if %}"), "html", "Jinja line 1"),
    ("unknown-variable", dict(html="<p>{{ b.nosuch }}</p>"), "html", "nosuch"),
    ("unsafe-attribute", dict(html="{{ b.__class__.__mro__ }}"), "html", "cannot be used"),
    ("broken-css", dict(css="p { color: red }}"), "css", "CSS line 1"),
    ("empty-selector", dict(css=", p { color: red }"), "css", "empty selector"),
    ("css-import", dict(css='@import url("https://example.com/x.css");'), "css", "@import"),
    ("css-font-face", dict(css="@font-face { font-family: x; src: url(/etc/passwd) }"), "css",
     "@font-face"),
    ("band-colour", dict(band_colour="red"), "band_colour", "colour"),
    ("text-colour", dict(text_colour="#12345"), "text_colour", "colour"),
    ("colour-injection", dict(band_colour="#fff; } body { display: none"), "band_colour",
     "colour"),
    ("long-title", dict(title_zh="长" * 61), "title_zh", "60"),
    ("long-footer", dict(footer="x" * 121), "footer", "120"),
    ("huge-html", dict(html="x" * 20_001), "html", "20000"),
]


@pytest.mark.parametrize("change, field, words", [b[1:] for b in BROKEN],
                         ids=[b[0] for b in BROKEN])
def test_a_broken_template_is_refused_naming_the_field_and_the_saved_one_stays(
        event, organiser, change, field, words):
    cat = category(event)
    badges.save_template(organiser, cat, GOOD, now=NOW)
    broken = TemplateDetails(**{**vars(GOOD), **change})

    with pytest.raises(ValidationFailed) as error:
        badges.save_template(organiser, cat, broken, now=LATER)

    assert error.value.field == field
    assert words in str(error.value)
    stored = stored_template(cat)
    assert badges.details_of(stored) == GOOD
    assert stored.updated_at == NOW
    assert len(actions("badge_template.")) == 1


def test_check_template_returns_an_unsaved_draft(event):
    cat = category(event)

    draft = badges.check_template(cat, GOOD)

    assert badges.details_of(draft) == GOOD
    db.session.rollback()
    assert stored_template(cat) is None


def test_save_template_needs_the_badges_permission(event, delegate_user):
    with pytest.raises(NotAllowed):
        badges.save_template(delegate_user, category(event), GOOD, now=NOW)
    assert stored_template(category(event)) is None
    assert actions("badge_template.") == []


def png_size(png: bytes) -> tuple[int, int]:
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


@pytest.mark.parametrize("size, portrait", [(BadgeSize.A6, True), (BadgeSize.CR80, False)])
def test_preview_png_draws_the_draft_at_the_badge_size(event, size, portrait):
    cat = category(event)
    draft = badges.check_template(cat, GOOD)

    png = badges.preview_png(cat, draft, "tibetan", size)

    assert png.startswith(PNG_MAGIC)
    width, height = png_size(png)
    assert (height > width) is portrait
    assert stored_template(cat) is None  # a preview saves nothing


def test_preview_png_of_the_built_in_design_and_an_unknown_sample(event):
    cat = category(event, "expert")

    png = badges.preview_png(cat, badges.template_of(cat), "no-such-sample", BadgeSize.A6)

    assert png.startswith(PNG_MAGIC)
    width, height = png_size(png)
    # A6 at 110 dpi: 105 x 148 mm.
    assert (round(width / 110 * 25.4), round(height / 110 * 25.4)) == (105, 148)
