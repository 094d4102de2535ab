"""Files attached to agreements: the signed scan (PDF) and photos (JPEG, PNG).

The content decides what a file is (its first bytes), never its name or the browser's word.
Files live in ``services.uploads`` under a random token, outside the web root, and are served
only to people who may read the agreements of that summit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import Agreement, AgreementAttachment, AgreementUpdate, AttachmentKind, User
from summit.permissions import Permission, require
from summit.services.core import uploads
from summit.services.core.errors import NotFound, ValidationFailed

UPLOAD_KIND = "agreements"
MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = (
    (b"%PDF-", "application/pdf", AttachmentKind.SCAN, "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", AttachmentKind.PHOTO, "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", AttachmentKind.PHOTO, "png"),
)


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    data: bytes
    content_type: str
    kind: AttachmentKind


def check_upload(filename: str, data: bytes, want: str | None = None,
                 field: str = "attachment") -> CheckedFile:
    """Refuse empty, oversized and unknown files; ``want="scan"`` accepts PDF only."""
    field = "scan" if want == "scan" else field
    if not data:
        raise ValidationFailed(_l("The file is empty."), field)
    if len(data) > MAX_BYTES:
        raise ValidationFailed(_l("The file is larger than %(mb)d MB.",
                                  mb=MAX_BYTES // (1024 * 1024)), field)
    for magic, content_type, kind, extension in SIGNATURES:
        if data.startswith(magic):
            if want == "scan" and kind is not AttachmentKind.SCAN:
                break
            name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:150]
            if not name.lower().endswith("." + extension):
                name = f"{name or 'file'}.{extension}"
            return CheckedFile(name, data, content_type, kind)
    if want == "scan":
        raise ValidationFailed(_l("The signed copy must be a PDF file."), field)
    raise ValidationFailed(_l("Attach a PDF file or a photo (JPEG or PNG)."), field)


def attach(actor: User, agreement: Agreement, checked: CheckedFile,
           update: AgreementUpdate | None, now: datetime) -> AgreementAttachment:
    """Store the file and add its row to the caller's transaction."""
    token = uploads.store(UPLOAD_KIND, checked.data, {"agreement_id": agreement.id})
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
