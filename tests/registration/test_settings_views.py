"""Registration settings on the summit form: window in the summit's local time, capacities."""
from __future__ import annotations

from datetime import UTC, datetime

from summit.extensions import db
from summit.models import AttendeeCategory, Registration, RegistrationStatus, Summit
from tests.support import factories
from tests.support.pages import field_errors

BASE = {"slug": "kangding-test", "title_zh": "测试峰会", "starts_on": "2027-08-03",
        "ends_on": "2027-08-04", "timezone": "Asia/Shanghai"}


def test_window_is_typed_in_local_time_and_stored_in_utc(client, login):
    organiser = factories.make_user("org@example.com")
    summit = factories.make_summit("kangding-test", organiser=organiser)
    login(organiser.email)

    response = client.post("/summits/kangding-test/edit", data={
        **BASE, "registration_opens_at": "2027-07-01T09:00",
        "registration_closes_at": "2027-07-31T18:00", "capacity": "120"})

    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Summit, summit.id)
    # 09:00 in Shanghai (UTC+8) is 01:00 UTC.
    assert stored.registration_opens_at == datetime(2027, 7, 1, 1, 0, tzinfo=UTC)
    assert stored.registration_closes_at == datetime(2027, 7, 31, 10, 0, tzinfo=UTC)
    assert stored.capacity == 120
    page = client.get("/summits/kangding-test/edit").get_data(as_text=True)
    assert 'value="2027-07-01T09:00"' in page


def test_closing_before_opening_is_refused_on_the_field(client, login):
    organiser = factories.make_user("org@example.com")
    summit = factories.make_summit("kangding-test", organiser=organiser)
    login(organiser.email)

    response = client.post("/summits/kangding-test/edit", data={
        **BASE, "registration_opens_at": "2027-07-31T09:00",
        "registration_closes_at": "2027-07-01T09:00"})

    assert response.status_code == 200
    assert field_errors(response.get_data(as_text=True))["registration_closes_at"] == [
        "Registration must close after it opens."]
    db.session.expire_all()
    assert db.session.get(Summit, summit.id).registration_opens_at is None


def test_category_capacity_from_the_form_sends_the_next_person_to_the_waiting_list(
        client, login):
    organiser = factories.make_user("org@example.com")
    summit = factories.make_summit("kangding-test", organiser=organiser)
    login(organiser.email)
    response = client.post("/summits/kangding-test/categories", data={
        "code": "delegate", "label_zh": "代表", "colour": "#1f5fbf", "public": "y",
        "capacity": "1", "submit": "1"})
    assert response.status_code == 302
    category = db.session.scalar(db.select(AttendeeCategory).where(
        AttendeeCategory.summit_id == summit.id))
    assert category.capacity == 1

    for number in (1, 2):
        client.post("/summits/kangding-test/register", data={
            "name": f"赵波{number}", "organisation_name": "甘孜州", "position": "干部",
            "category": "delegate", "email": f"p{number}@example.com",
            "phone": f"1381234567{number}", "diet": "none", "consent": "y"})

    statuses = db.session.scalars(db.select(Registration.status).order_by(Registration.id))
    assert list(statuses) == [RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED]
