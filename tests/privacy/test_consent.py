"""The personal-data notice on the registration form: consent recorded with its version and
time, the separate consent without which no ID number is taken, and new versions."""
from __future__ import annotations

import pytest

from summit.extensions import db
from summit.models import AuditEntry, Registration
from summit.services.core.errors import NotAllowed, ValidationFailed
from summit.services.privacy import notices
from tests.support import factories
from tests.support.pages import field_errors, text

pytestmark = pytest.mark.usefixtures("english")

SLUG = "kangding-test"  # the event fixture's summit
VALID_ID = "11010519491231002X"


def post(**changes) -> dict:
    data = {"name": "赵波", "organisation_name": "甘孜州商务局", "position": "科长",
            "category": "delegate", "email": "zhaobo@example.com", "phone": "13812345678",
            "id_type": "", "id_number": "", "diet": "none", "consent": "y"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_registration_records_the_notice_version_and_the_separate_consent(
        client, event, organiser):
    page = text(client.get(f"/summits/{SLUG}/register"))
    assert "shared only with the hotels, drivers and security services" in page
    assert "Notice version 1" in page

    refused = client.post(f"/summits/{SLUG}/register", data=post(consent=None))
    assert "Agree to the personal-data notice to register." in text(refused)
    no_sensitive = client.post(f"/summits/{SLUG}/register", data=post(
        id_type="resident_id", id_number=VALID_ID))
    assert "id_number" in field_errors(text(no_sensitive))
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0

    assert client.post(f"/summits/{SLUG}/register", data=post(
        id_type="resident_id", id_number=VALID_ID, sensitive_consent="y")).status_code == 302
    first = db.session.scalar(db.select(Registration))
    assert (first.consent_notice.version, first.sensitive_consent) == (1, True)
    assert first.consented_at is not None and first.id_number == VALID_ID

    # An edit is a new version; the first consent stays linked to version 1.
    with pytest.raises(ValidationFailed):
        notices.publish_notice(organiser, event, {"zh_Hans": "新告知", "zh_Hant": "",
                                                  "en": "New"})
    with pytest.raises(NotAllowed):
        notices.publish_notice(factories.make_user("nobody@example.com"), event,
                               {"zh_Hans": "a", "zh_Hant": "b", "en": "c"})
    notices.publish_notice(organiser, event, {"zh_Hans": "新的告知", "zh_Hant": "新的告知",
                                              "en": "The new notice"})
    assert "The new notice" in text(client.get(f"/summits/{SLUG}/register"))
    client.post(f"/summits/{SLUG}/register", data=post(email="li@example.com", name="李明"))
    second = db.session.scalar(db.select(Registration).where(
        Registration.email == "li@example.com"))
    db.session.expire_all()
    assert (second.consent_notice.version, second.sensitive_consent, second.id_number) == (
        2, False, "")
    assert db.session.get(Registration, first.id).consent_notice.version == 1
    assert db.session.scalar(db.select(AuditEntry.after).where(
        AuditEntry.action == "privacy_notice.publish")) == {"version": 2}
