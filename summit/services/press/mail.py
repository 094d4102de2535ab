"""Emails to press applicants, in the language they applied in: one per decision."""
from __future__ import annotations

from summit.models import PressApplication
from summit.services.core import mail
from summit.services.press import labels as press_labels


def send(application: PressApplication, template: str) -> None:
    if application.user is None:
        return

    language = "en" if application.locale == "en" else "zh"
    mail.send_template(
        application.user.email, application.locale, template, application=application,
        summit=application.summit, language=language, person=application.applicant,
        reason=press_labels.REASON_LABELS.get(application.reason_code) if
        application.reason_code else None, role_labels=press_labels.ROLE_LABELS,
        reason_labels=press_labels.REASON_LABELS,
        link=mail.external_url("press.detail", application_id=application.id))
