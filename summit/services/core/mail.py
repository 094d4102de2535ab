"""Outgoing email: SMTP when ``MAIL_SERVER`` is set, otherwise ``.eml`` files in the outbox."""
from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from summit.database import utcnow
from summit.extensions import db
from summit.models import PressApplication, Registration, SentEmail, Summit, User
from summit.services.core import metrics
from summit.services.core.private_files import private_folder, write_private


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL for an email, always on ``SERVER_BASE_URL``.

    Never from the request: its Host (or X-Forwarded-Host) header is the client's to choose,
    and a reset link built from it would send the token to whoever named their host."""
    base = urlsplit(current_app.config["SERVER_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path.rstrip("/") or "/",
                                       url_scheme=base.scheme or "http")
    current_app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)


def outbox_path() -> Path:
    configured = current_app.config.get("MAIL_OUTBOX")
    return Path(configured) if configured else Path(current_app.instance_path) / "outbox"


Attachment = tuple[str, bytes, str]  # file name, content, MIME type "main/sub"


def send_email(to: str, subject: str, text_body: str, html_body: str | None = None,
               attachments: list[Attachment] | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="summit.local")
    message.set_content(text_body)
    if html_body:
        message.add_alternative(html_body, subtype="html")
    for filename, content, mimetype in attachments or ():
        maintype, _, subtype = mimetype.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)

    server = current_app.config.get("MAIL_SERVER")
    if server:
        try:
            with smtplib.SMTP(server, current_app.config["MAIL_PORT"], timeout=15) as smtp:
                if current_app.config.get("MAIL_USE_TLS"):
                    smtp.starttls()
                if current_app.config.get("MAIL_USERNAME"):
                    smtp.login(current_app.config["MAIL_USERNAME"],
                               current_app.config["MAIL_PASSWORD"] or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException):
            metrics.EMAILS_FAILED.inc()
            raise
    else:
        # Messages hold personal data (and badges): readable by the app's user only.
        folder = private_folder(outbox_path())
        write_private(folder / f"{uuid.uuid4().hex}.eml", bytes(message))
    return message


def send_template(to: str, locale: str | None, template: str,
                  attachments: list[Attachment] | None = None, **context: Any) -> EmailMessage:
    """Render ``email/<template>.txt`` (first line is the subject) in the recipient's language."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        rendered = render_template(f"email/{template}.txt", **context)
    subject, _, body = rendered.strip().partition("\n")
    message = send_email(to, subject.strip(), body.strip() + "\n", attachments=attachments)
    record_sent(to, subject.strip(), template, context)
    return message


# --- what was sent (no body): listed in a person's own data, blanked by erasure ------------

_WROTE = "summit_mail_wrote"


@event.listens_for(Session, "after_flush")
def _note_writes(session: Session, _context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_writes(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def record_sent(to: str, subject: str, kind: str, context: dict[str, Any]) -> SentEmail:
    """Keep who was sent what kind of email, and when. Sent in the middle of the caller's
    work, the row is committed with it; sent after the caller's commit (the usual case), it
    is committed on its own, never committing anything of the caller's."""
    registration = context.get("registration")
    registration = registration if isinstance(registration, Registration) else None
    application = context.get("application")
    user = context.get("user")
    user_id = user.id if isinstance(user, User) else (
        application.user_id if isinstance(application, PressApplication)
        else registration.user_id if registration is not None else None)
    summit = context.get("summit")
    session = db.session()
    busy = bool(session.new or session.dirty or session.deleted or session.info.get(_WROTE))
    row = SentEmail(address=to[:254], subject=subject[:300], kind=kind[:64], sent_at=utcnow(),
                    user_id=user_id,
                    registration_id=registration.id if registration is not None else None,
                    summit_id=summit.id if isinstance(summit, Summit) else None)
    session.add(row)
    if not busy:
        # The caller's objects were committed already: keep them loaded.
        expire, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = expire
    return row
