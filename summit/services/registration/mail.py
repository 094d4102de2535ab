"""Emails to registrants, in the language they registered in."""
from __future__ import annotations

from summit.models import Registration
from summit.services.core import calendar, mail


def _send(registration: Registration, template: str, attachments=None, **extra) -> None:
    language = "en" if registration.locale == "en" else "zh"
    mail.send_template(registration.email, registration.locale, template,
                       attachments=attachments, registration=registration,
                       summit=registration.summit, language=language,
                       link=mail.external_url("registrations.mine"), **extra)


def send_received(registration: Registration, password_link: str | None = None) -> None:
    """``password_link``: set the password of the account made for an anonymous registrant."""
    _send(registration, "registration_received", password_link=password_link)


def send_approved(registration: Registration) -> None:
    language = "en" if registration.locale == "en" else "zh"
    ics = calendar.summit_ics(registration.summit, language)
    _send(registration, "registration_approved",
          attachments=[(f"{registration.summit.slug}.ics", ics, "text/calendar")])


def send_rejected(registration: Registration) -> None:
    _send(registration, "registration_rejected")


def send_promoted(registration: Registration) -> None:
    _send(registration, "registration_promoted")


def send_already_registered(registration: Registration) -> None:
    """Someone submitted the public form again with this registrant's address."""
    _send(registration, "registration_exists")
