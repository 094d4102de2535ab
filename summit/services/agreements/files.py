"""Files attached to agreements: the signed scan (PDF) and photos (JPEG, PNG).

``core.upload_checks`` decides what a file is from its content, never its name or the
browser's word, refuses PDFs with JavaScript and polyglot images, and re-encodes photos. Files
live in ``core.uploads`` under a random token, outside the web root, stored with the row that
names them (deleted if that row is not committed), and are served only to people who may read
the agreements of that summit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import Agreement, AgreementAttachment, AgreementUpdate, AttachmentKind, User
from summit.permissions import Permission, require
from summit.services.core import upload_checks, uploads
from summit.services.core.errors import NotFound
from summit.services.core.upload_checks import IMAGE, PDF

UPLOAD_KIND = "agreements"
MAX_BYTES = 10 * 1024 * 1024
# Site photos go into reports and onto screens, not onto posters.
PHOTO_BOX = (2400, 2400)


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    data: bytes
    content_type: str
    kind: AttachmentKind


def check_upload(filename: str, data: bytes, want: str | None = None,
                 field: str = "attachment") -> CheckedFile:
    """Refuse empty, oversized, unknown and unsafe files; ``want="scan"`` accepts PDF only."""
    if want == "scan":
        checked = upload_checks.check_upload(
            data, filename, "scan", accept={PDF}, limit=MAX_BYTES,
            wrong_type=_l("The signed copy must be a PDF file."))
    else:
        checked = upload_checks.check_upload(data, filename, field, accept={PDF, IMAGE},
                                             limit=MAX_BYTES, box=PHOTO_BOX)
    kind = AttachmentKind.SCAN if checked.kind == PDF else AttachmentKind.PHOTO
    return CheckedFile(checked.name, checked.data, checked.content_type, kind)


def attach(actor: User, agreement: Agreement, checked: CheckedFile,
           update: AgreementUpdate | None, now: datetime) -> AgreementAttachment:
    """Store the file and add its row to the caller's transaction (the file goes if that
    transaction does not commit)."""
    token = uploads.store_for_commit(UPLOAD_KIND, checked.data, {"agreement_id": agreement.id})
    attachment = AgreementAttachment(
        agreement=agreement, update=update, kind=checked.kind, token=token,
        filename=checked.filename, content_type=checked.content_type, size=len(checked.data),
        uploaded_by_id=actor.id if actor is not None else None, created_at=now)
    db.session.add(attachment)
    return attachment


def read_attachment(actor: User, attachment_id: int) -> tuple[AgreementAttachment, bytes]:
    attachment = db.session.get(AgreementAttachment, attachment_id)
    if attachment is None:
        raise NotFound(_l("There is no such file."))
    require(actor, Permission.AGREEMENTS_READ, attachment.agreement.summit)
    data, _meta = uploads.load(UPLOAD_KIND, attachment.token)
    return attachment, data


def attached(tokens: list[str]) -> set[str]:
    return set(db.session.scalars(db.select(AgreementAttachment.token).where(
        AgreementAttachment.token.in_(tokens))))


def purge_unattached() -> int:
    """Delete files no attachment names (left by a crash between file and row)."""
    return uploads.purge(UPLOAD_KIND, attached)
