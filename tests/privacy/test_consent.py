"""The personal-data notice on the registration form: consent recorded with its version and
time, the separate consent without which no ID number is taken, and new versions."""
from __future__ import annotations

import pytest

from summit.extensions import db
from summit.models import AuditEntry, PressApplication, PrivacyNotice, Registration, User
from summit.services.core.errors import NotAllowed, ValidationFailed
from summit.services.privacy import notices
from tests.support import factories, press_factories
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
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0
    # Without the separate consent the ID fields are hidden, and a number posted anyway is
    # not kept.
    assert 'id="sensitive-fields" data-shown-by="sensitive_consent" hidden' in \
        client.get(f"/summits/{SLUG}/register").get_data(as_text=True)
    assert client.post(f"/summits/{SLUG}/register", data=post(
        email="wang@example.com", id_type="resident_id", id_number=VALID_ID)).status_code == 302
    ignored = db.session.scalar(db.select(Registration))
    assert (ignored.id_number, ignored.id_type, ignored.sensitive_consent) == ("", None, False)
    db.session.delete(ignored)
    db.session.commit()

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


def test_a_category_that_needs_an_id_says_why_and_refuses_the_form_without_the_consent(
        client, event):
    expert = next(c for c in event.categories if c.code == "expert")
    expert.id_required, expert.id_reason = True, "security checks it at the main hall gate"
    db.session.commit()
    url = f"/summits/{SLUG}/register"
    page = text(client.get(url))
    assert "Expert needs an ID number: security checks it at the main hall gate" in page

    refused = text(client.post(url, data=post(category="expert")))
    assert "needs an ID number (security checks it at the main hall gate)" in " ".join(
        field_errors(refused)["sensitive_consent"])
    # Without JavaScript, "Give an ID number and photo" posts the form back to show the fields,
    # keeping what was typed and registering nothing.
    shown = client.post(url, data=post(category="expert", reveal_id="1")).get_data(
        as_text=True)
    assert 'id="sensitive-fields" data-shown-by="sensitive_consent">' in shown
    assert 'value="赵波"' in shown and "has-error" not in shown
    no_number = text(client.post(url, data=post(category="expert", sensitive_consent="y")))
    assert field_errors(no_number)["id_number"] == ["Enter the ID document number."]
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0

    assert client.post(url, data=post(category="expert", sensitive_consent="y",
                                      id_type="resident_id", id_number=VALID_ID)).status_code == 302
    saved = db.session.scalar(db.select(Registration))
    assert (saved.id_number, saved.sensitive_consent) == (VALID_ID, True)


def test_the_press_form_asks_consent_and_takes_card_and_photos_only_with_the_separate_one(
        client, press_event, login):
    journalist = press_factories.applicant(press_event, "reporter@example.com")
    login(journalist.email)
    url = f"/summits/{press_event.slug}/press/apply"
    page = client.get(url).get_data(as_text=True)
    assert "Notice version 1" in page and "shared only with the hotels" in page
    assert 'data-shown-by="sensitive_consent" hidden' in page  # card number and photos

    draft = {"outlet_name": "四川电视台", "media_type": "tv", "name": "李娜",
             "role": "reporter", "press_card_number": "510100201700123", "save": "1"}
    refused = text(client.post(url, data=draft))
    assert field_errors(refused)["consent"] == [
        "Agree to the personal-data notice to apply."]
    assert db.session.scalar(db.select(PressApplication)) is None

    # A card number posted without the separate consent is not kept; submitting is refused.
    assert client.post(url, data={**draft, "consent": "y"}).status_code == 302
    application = db.session.scalar(db.select(PressApplication))
    assert application.press_card_number == "" and not application.sensitive_consent
    assert application.consent_notice.version == 1 and application.consented_at is not None
    edit = f"/press-applications/{application.id}/edit"
    submitted = text(client.post(edit, data={**draft, "consent": "y", "save": "",
                                             "submit": "1"}))
    assert "Media accreditation needs the press card number and a photo" in " ".join(
        field_errors(submitted)["sensitive_consent"])

    assert client.post(edit, data={**draft, "consent": "y",
                                   "sensitive_consent": "y"}).status_code == 302
    db.session.expire_all()
    application = db.session.get(PressApplication, application.id)
    assert (application.press_card_number, application.sensitive_consent) == (
        "510100201700123", True)


def test_sign_up_shows_the_installation_notice_or_the_summits_and_records_the_consent(
        client, event, mailbox):
    form = {"name": "卓玛", "password": "long-enough-1", "confirm": "long-enough-1"}
    page = text(client.get("/auth/signup"))
    assert "Summit keeps the name, email address and password" in page
    assert "Notice version 1" in page
    refused = text(client.post("/auth/signup", data={**form, "email": "a@example.com"}))
    assert field_errors(refused)["consent"] == [
        "Agree to the personal-data notice to create an account."]
    assert db.session.scalar(db.select(User).where(User.email == "a@example.com")) is None

    assert client.post("/auth/signup", data={**form, "email": "a@example.com",
                                             "consent": "y"}).status_code == 302
    plain = db.session.scalar(db.select(User).where(User.email == "a@example.com"))
    notice = db.session.get(PrivacyNotice, plain.consent_notice_id)
    assert notice.summit_id is None and notice.version == 1 and plain.consented_at

    # On the way to a summit's form, that summit's notice is shown and agreed to.
    on_the_way = f"/auth/signup?next=/summits/{SLUG}/register"
    assert "shared only with the hotels, drivers and security services" in text(
        client.get(on_the_way))
    assert client.post(on_the_way, data={**form, "email": "b@example.com",
                                         "consent": "y"}).status_code == 302
    via_summit = db.session.scalar(db.select(User).where(User.email == "b@example.com"))
    assert db.session.get(PrivacyNotice, via_summit.consent_notice_id).summit_id == event.id
