"""我的数据: a person's download covers every table with personal data, JSON and PDF through
the app; correction and deletion requests answered in the queue, with what the law keeps."""
from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import or_

from summit.extensions import db
from summit.models import (
    AuditEntry,
    Banquet,
    BanquetTable,
    CardPrint,
    DataRequest,
    Registration,
    RequestKind,
    RequestStatus,
    Role,
    SentEmail,
    TablePlacement,
    User,
)
from summit.services.accounts import users as accounts
from summit.services.core import audit_words
from summit.services.privacy import erasure, mydata, requests as data_requests
from summit.services.registration import submission as registrations
from summit.services.registration.submission import RegistrationDetails
from tests.support import factories, pdf

pytestmark = pytest.mark.usefixtures("english")

VALID_ID = "11010519491231002X"
PERSONAL_COLUMN = re.compile(r"(^|_)(name|phone|email|id_number|photo|letter|signatory|plate)")
PEOPLE_TABLES = {"users", "registrations", "press_people", "press_applications", "badges"}


def test_every_table_with_personal_data_is_in_the_download_or_left_out_with_a_reason(app):
    personal = set()
    for table in db.metadata.sorted_tables:
        if any(PERSONAL_COLUMN.search(c.name) for c in table.columns) or any(
                fk.column.table.name in PEOPLE_TABLES for fk in table.foreign_keys):
            personal.add(table.name)
    # the walk finds them (sent_emails: by its address column and its links to people)
    assert {"registrations", "checkins", "sent_emails"} <= personal
    missing = personal - set(mydata.SOURCES) - set(mydata.NOT_EXPORTED)
    assert not missing, f"add these tables to mydata.SOURCES or NOT_EXPORTED: {missing}"
    assert all(mydata.NOT_EXPORTED.values())
    # Every section named is in a download, even an empty one (someone with no data).
    nobody = factories.make_user("nobody@example.com", name="无数据")
    data = mydata.collect(nobody)
    assert set(mydata.SOURCES.values()) <= set(data)
    assert data["registrations"] == [] and data["account"]["email"] == "nobody@example.com"


def test_every_field_and_code_of_the_download_has_words(app):
    """The PDF never prints a column name or a stored code: each exported column has a
    label, and each value of an enumerated column has words."""
    unnamed, unworded = set(), set()
    for table in db.metadata.sorted_tables:
        if table.name not in mydata.SOURCES:
            continue
        for column in table.columns:
            if column.key in mydata.HIDDEN_COLUMNS | mydata.INTERNAL_COLUMNS or \
                    column.key.endswith("_id") or (table.name, column.key) in \
                    mydata.COLUMN_WORDS:
                continue
            if column.key not in audit_words.FIELD_LABELS and column.key not in \
                    audit_words.KIND_FIELD_LABELS.get(table.name, {}):
                unnamed.add(f"{table.name}.{column.key}")
            for member in getattr(column.type, "enum_class", None) or ():
                if member not in audit_words.ENUM_LABELS.get(type(member), {}):
                    unworded.add(f"{table.name}.{column.key}={member.value}")
    assert not unnamed, f"add labels to audit_labels.FIELD_LABELS: {sorted(unnamed)}"
    assert not unworded, f"name these codes with audit_words.name_enums: {sorted(unworded)}"


@pytest.fixture
def person(event) -> User:
    user = factories.make_user("zhaobo@example.com", name="赵波")
    registrations.register_delegate(event, RegistrationDetails(
        name="赵波", email=user.email, category="delegate", organisation_name="甘孜州商务局",
        position="科长", phone="13812345678", id_type=registrations.IdDocumentType.RESIDENT_ID,
        id_number=VALID_ID, hotel="康定情歌大酒店"), actor=user, notify=False)
    return user


def test_a_person_downloads_their_data_as_json_and_pdf(client, login, person, tmp_path):
    login(person.email)
    assert "Download as JSON" in client.get("/me/data").get_data(as_text=True)
    response = client.get("/me/data.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.data)
    [registration] = data["registrations"]
    assert (registration["name"], registration["id_number"], registration["hotel"],
            registration["summit"]) == ("赵波", VALID_ID, "康定情歌大酒店", "kangding-test")
    assert "id_number_hash" not in registration and "password_hash" not in data["account"]
    assert any(e["action"] == "registration.create" for e in data["audit_entries"])

    document = client.get("/me/data.pdf")
    assert document.data.startswith(b"%PDF")
    printed = pdf.squash(pdf.pdf_text(pdf.save(document.data, tmp_path, "mine.pdf")))
    assert "赵波" in printed and "康定情歌大酒店" in printed
    # In words: field names, codes and times as people read them.
    assert "IDnumber" in printed and "ResidentIDcard" in printed
    assert "Beijingtime" in printed and "Sectionsdownloaded:—→Account" in printed
    for code in ("created_at", "id_number", "resident_id", "registration.create", "True",
                 "+00:00", "generated_at", "kangding-test"):
        assert code not in printed, code
    # Each download shows full numbers: audited.
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id)).where(
        AuditEntry.action == "privacy.download_own")) == 2


def test_requests_get_a_deadline_and_a_deletion_keeps_what_the_law_keeps(
        client, login, person, event, organiser):
    factories.make_agreement(event, factories.make_member(
        event, Role.AGREEMENTS_OFFICER, "ao@example.com"), signed_at=None)
    # 王海 signed an agreement: the law keeps it. Make him the requester.
    signer = factories.make_user("wanghai@example.com", name="王海")
    registrations.register_delegate(event, RegistrationDetails(
        name="王海", email=signer.email, category="delegate", phone="13900001111"),
        actor=signer, notify=False)
    monday = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
    request = data_requests.submit_request(signer, RequestKind.DELETION, "不再参会", now=monday)
    assert request.due_on == date(2027, 3, 22)  # 15 working days
    with pytest.raises(data_requests.Conflict):
        data_requests.submit_request(signer, RequestKind.DELETION, "again")

    officer = factories.make_member(event, Role.PRIVACY_OFFICER, "privacy@example.com")
    login(officer.email)
    queue = client.get("/privacy/requests").get_data(as_text=True)
    assert "不再参会" in queue and "2027-03-22" in queue
    prefix = f"r{request.id}-"
    client.post(f"/privacy/requests/{request.id}/answer", data={
        prefix + "status": "refused", prefix + "answer": ""})
    assert db.session.get(DataRequest, request.id).status is RequestStatus.OPEN  # needs a why
    client.post(f"/privacy/requests/{request.id}/answer", data={
        prefix + "status": "done", prefix + "answer": "已删除"})
    db.session.expire_all()
    answered = db.session.get(DataRequest, request.id)
    assert answered.status is RequestStatus.PARTLY_KEPT
    assert "Kept by law" in answered.answer and "农村电商战略合作协议" in answered.answer
    stored = db.session.scalar(db.select(Registration).where(
        Registration.phone == "", Registration.name.like("匿名-%")))
    assert stored is not None and stored.user_id is None
    assert db.session.get(User, signer.id).active is False
    # The other person's data is untouched; someone with no right gets no queue.
    assert db.session.scalar(db.select(Registration.id_number).where(
        Registration.name == "赵波")) == VALID_ID
    client.post("/auth/logout")
    login(person.email)
    assert client.get("/privacy/requests").status_code == 403


def test_emails_sent_are_in_the_download_and_a_deletion_blanks_their_address(
        client, login, event, tmp_path):
    user = factories.make_user("sent@example.com", name="卓玛")
    accounts.send_verification(user)  # an account email, sent after any commit
    registrations.register_delegate(event, RegistrationDetails(
        name="卓玛", email=user.email, category="delegate", phone="13900002222"), actor=user)
    login(user.email)
    data = json.loads(client.get("/me/data.json").data)
    sent = {(e["kind"], e["address"]) for e in data["emails_sent"]}
    assert sent == {("verify_email", "sent@example.com"),
                    ("registration_received", "sent@example.com")}
    assert all(e["subject"] and e["sent_at"] for e in data["emails_sent"])
    assert "body" not in data["emails_sent"][0]
    subject = next(e["subject"] for e in data["emails_sent"] if e["kind"] == "verify_email")
    printed = pdf.squash(pdf.pdf_text(pdf.save(client.get("/me/data.pdf").data, tmp_path,
                                               "mine.pdf")))
    assert pdf.squash(subject) in printed

    request = data_requests.submit_request(user, RequestKind.DELETION, "不再参会")
    client.post("/auth/logout")
    login(factories.make_member(event, Role.PRIVACY_OFFICER, "privacy@example.com").email)
    prefix = f"r{request.id}-"
    client.post(f"/privacy/requests/{request.id}/answer", data={
        prefix + "status": "done", prefix + "answer": "已删除"})
    db.session.expire_all()
    rows = db.session.scalars(db.select(SentEmail).where(or_(
        SentEmail.user_id == user.id, SentEmail.registration_id.isnot(None)))).all()
    assert len(rows) == 2 and {r.address for r in rows} == {""}  # counted, address gone
    assert {r.kind for r in rows} == {"verify_email", "registration_received"}


def test_a_banquet_seat_is_in_the_download_and_its_name_goes_with_an_erasure(
        client, login, event, organiser):
    """Seats at a banquet table and printed table cards keep a copy of the name shown."""
    user = factories.make_user("gesang@example.com", name="格桑")
    registration = registrations.register_delegate(event, RegistrationDetails(
        name="格桑", email=user.email, category="delegate", phone="13900003333"),
        actor=user, notify=False)
    dinner = factories.make_item(event, "19:00", "21:00", title_zh="欢迎晚宴")
    banquet = Banquet(item=dinner, tables=[BanquetTable(number=1, seats=10)])
    db.session.add_all([banquet, TablePlacement(banquet=banquet, person=f"r{registration.id}",
                                                name="格桑", table_number=1, seat=3),
                        CardPrint(item_id=dinner.id, person=f"r{registration.id}",
                                  name="格桑", place="1-3")])
    db.session.commit()
    login(user.email)
    seats = json.loads(client.get("/me/data.json").data)["banquet_seats"]
    assert [(s["name"], s.get("table_number"), s.get("place")) for s in seats] == [
        ("格桑", 1, None), ("格桑", None, "1-3")]

    erasure.erase_person(factories.make_member(event, Role.PRIVACY_OFFICER,
                                               "privacy@example.com"), user)
    names = set(db.session.scalars(db.select(TablePlacement.name))) | set(
        db.session.scalars(db.select(CardPrint.name)))
    assert len(names) == 1 and names.pop().startswith("匿名-")
