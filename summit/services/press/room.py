"""The press room: releases (title, text, images, attachments) that the summit's media officers
and organisers publish and its accredited press read and download.

Accredited press: the account of an application of the summit that is approved.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from summit.database import utcnow
from summit.extensions import db
from summit.models import PressApplication, PressRelease, PressStatus, Summit, User
from summit.permissions import Permission, can, require
from summit.services.core import audit, uploads
from summit.services.core.errors import NotAllowed, NotFound, ValidationFailed
from summit.services.press import files as press_files

MAX_IMAGE = 5 * 1024 * 1024
MAX_ATTACHMENT = 10 * 1024 * 1024
MAX_FILES = 10


def may_read(actor: User | None, summit: Summit) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if can(actor, Permission.PRESS_REVIEW, summit):
        return True
    return db.session.scalar(db.select(PressApplication.id).where(
        PressApplication.summit_id == summit.id, PressApplication.user_id == actor.id,
        PressApplication.status == PressStatus.APPROVED).limit(1)) is not None


def require_read(actor: User | None, summit: Summit) -> None:
    if not may_read(actor, summit):
        raise NotAllowed(_l("The press room is open to the summit's accredited press."))


def releases(actor: User | None, summit: Summit) -> list[PressRelease]:
    require_read(actor, summit)
    return list(db.session.scalars(db.select(PressRelease).where(
        PressRelease.summit_id == summit.id).order_by(PressRelease.published_at.desc(),
                                                      PressRelease.id.desc())))


def store_file(kind: str, data: bytes, filename: str, field: str) -> dict:
    """Check and store one image or attachment of a release; its entry for ``files``. The
    file belongs to the release about to be published: it is deleted if that fails."""
    if kind == "image":
        checked = press_files.checked_photo(data, filename, field, box=(1600, 1600),
                                            limit=MAX_IMAGE)
    else:
        checked = press_files.checked_letter(data, filename, field, limit=MAX_ATTACHMENT)
    token = uploads.store_for_commit(press_files.KIND, checked.data, {
        "kind": f"release-{kind}", "name": checked.name, "mimetype": checked.content_type,
        "size": len(checked.data)})
    return {"token": token, "name": checked.name, "kind": kind,
            "mimetype": checked.content_type, "size": len(checked.data)}


def publish(actor: User, summit: Summit, title: str, body: str, *, source: str = "",
            files: list[dict] | None = None, now: datetime | None = None) -> PressRelease:
    require(actor, Permission.PRESS_REVIEW, summit)
    title, body, source = (title or "").strip(), (body or "").strip(), (source or "").strip()
    if not title or len(title) > 200:
        raise ValidationFailed(_l("Give a title of at most %(count)d characters.", count=200),
                               "title")
    if not body or len(body) > 50_000:
        raise ValidationFailed(_l("Write the text (at most %(count)d characters).",
                                  count=50_000), "body")
    if len(source) > 300:
        raise ValidationFailed(_l("At most %(count)d characters.", count=300), "source")
    if len(files or []) > MAX_FILES:
        raise ValidationFailed(_l("At most %(count)d files.", count=MAX_FILES), "attachments")
    release = PressRelease(summit=summit, title=title, body=body, source=source,
                           files=list(files or []), published_at=now or utcnow(),
                           created_by_id=actor.id if actor is not None else None)
    db.session.add(release)
    db.session.flush()
    audit.record(actor, "press_release.publish", release, summit=summit, now=now,
                 after={"title": title, "files": [f["name"] for f in release.files]})
    db.session.commit()
    return release


def release_file(actor: User | None, release: PressRelease, token: str) -> tuple[bytes, dict]:
    require_read(actor, release.summit)
    if not any(f.get("token") == token for f in release.files):
        raise NotFound(_l("This file does not exist."))
    return press_files.load(token)
