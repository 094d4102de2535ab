"""Media accreditation pages: the application form with uploads (a refused file loses nothing
else), the applicant's pages, the officers' queue and decisions, files, badges, quotas, the
summit's press settings and the press room."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from summit.extensions import db
from summit.models import PressApplication, PressRelease, PressStatus, Role
from summit.services.press import review as press_review
from tests.support import factories, press_factories as f
from tests.support.pages import field_errors, flashes, form_fields, text

SLUG = "kangding-press"  # the press_event fixture's summit


@pytest.fixture
def journalist(press_event, login):
    user = f.applicant(press_event, "reporter@example.com")
    login(user.email)
    return user


def form_data(**files) -> dict:
    data = {"outlet_name": "四川电视台", "media_type": "tv", "region": "四川省",
            "website": "https://www.sctv.com", "name": "李娜", "role": "reporter",
            "press_card_number": "510100201700123", "zones": ["MAIN", "PRESS"],
            "crew-0-name": "王强", "crew-0-role": "camera",
            "crew-1-name": "次仁多吉", "crew-1-name_native": "ཚེ་རིང་རྡོ་རྗེ",
            "crew-1-role": "sound",
            "equipment-0-item": "索尼 PXW-Z280", "equipment-0-serial_number": "SN-0451279",
            "vehicle_plate": "川A12345", "consent": "y", "sensitive_consent": "y",
            "submit": "1"}
    defaults = {"photo": (io.BytesIO(f.photo_jpeg()), "li.jpg"),
                "letter": (io.BytesIO(f.letter_pdf()), "letter.pdf"),
                "crew-0-photo": (io.BytesIO(f.photo_png()), "wang.png"),
                "crew-1-photo": (io.BytesIO(f.photo_jpeg("#2e7d32")), "ciren.jpg")}
    defaults.update(files)
    data.update({k: v for k, v in defaults.items() if v is not None})
    return data


TOKENS = ("photo_token", "letter_token", "crew-0-photo_token", "crew-1-photo_token")


def hidden(page: str, name: str) -> str:
    found = re.search(rf'<input id="{re.escape(name)}" name="{re.escape(name)}" '
                      r'type="hidden" value="([^"]*)"', page)
    assert found, name
    return found.group(1)


def post(client, data, url=f"/summits/{SLUG}/press/apply"):
    return client.post(url, data=data, content_type="multipart/form-data")


def test_a_tv_crew_applies_with_photos_and_a_letter(client, journalist, mailbox):
    response = post(client, form_data())

    assert response.status_code == 302
    application = db.session.scalar(db.select(PressApplication))
    assert application.status is PressStatus.SUBMITTED
    assert [p.name for p in application.people] == ["李娜", "王强", "次仁多吉"]
    assert all(p.photo_token for p in application.people) and application.letter_token
    assert application.letter_name == "letter.pdf"
    page = text(client.get(response.headers["Location"]))
    assert "Submitted" in page and "次仁多吉" in page
    assert mailbox.wait_for(1)


@pytest.mark.parametrize("name, make, filename, message", [
    ("photo", lambda: f.HTML_AS_JPG, "me.jpg", "HTML or SVG text"),
    ("crew-0-photo", f.polyglot_jpeg, "wang.jpg", "polyglot"),
    ("letter", f.javascript_pdf, "letter.pdf", "JavaScript"),
    ("letter", lambda: b"", "letter.pdf", "empty"),
    ("letter", f.letter_pdf, "../../letter.pdf", "may not contain"),
])
def test_a_refused_file_keeps_everything_else(client, journalist, name, make, filename,
                                              message):
    page = text(post(client, form_data(**{name: (io.BytesIO(make()), filename)})))

    assert message in " ".join(field_errors(page)[name])
    fields = form_fields(page)
    assert fields["outlet_name"].value == "四川电视台"
    assert fields["crew-1-name_native"].value == "ཚེ་རིང་རྡོ་རྗེ"
    assert fields["equipment-0-serial_number"].value == "SN-0451279"
    kept = {k for k in TOKENS if hidden(page, k)}
    assert kept == set(TOKENS) - {name + "_token"}
    assert db.session.scalar(db.select(PressApplication)) is None

    # Sent again with the refused file fixed and no other file: the kept ones are used.
    again = {k: v.value for k, v in fields.items() if v.value and k != "csrf_token"}
    again.update({k: hidden(page, k) for k in kept})
    again.update(zones=["MAIN", "PRESS"], submit="1", consent="y", sensitive_consent="y")
    again[name] = (io.BytesIO(f.letter_pdf() if name == "letter" else f.photo_jpeg()),
                   "ok.pdf")
    assert post(client, again).status_code == 302
    application = db.session.scalar(db.select(PressApplication))
    assert len(application.people) == 3 and application.status is PressStatus.SUBMITTED


def test_a_50_mb_upload_is_refused_before_it_is_read(client, journalist):
    # Encoded in memory (the test client would spool 50 MB to a temporary file).

    values = form_data(photo=None, letter=None, **{"crew-0-photo": None, "crew-1-photo": None})
    values["photo"] = FileStorage(io.BytesIO(b"\xff" * (50 * 1024 * 1024)), "huge.jpg",
                                  content_type="image/jpeg")
    boundary, body = encode_multipart(values)
    response = client.post(f"/summits/{SLUG}/press/apply", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "too large" in text(response)


def test_no_media_accreditation_means_a_clear_message(client, login, app):
    factories.make_summit("no-press")
    user = factories.make_user("p@example.com")
    login(user.email)

    page = text(post(client, form_data(), "/summits/no-press/press/apply"))
    assert "This summit does not accredit media." in page
    assert form_fields(page)["outlet_name"].value == "四川电视台"


def test_a_draft_is_saved_and_submitted_later(client, journalist):
    data = {"outlet_name": "成都电视台", "media_type": "tv", "role": "reporter", "save": "1",
            "name": "李娜", "consent": "y", "sensitive_consent": "y",
            "photo": (io.BytesIO(f.photo_jpeg()), "li.jpg")}
    response = post(client, data)
    application = db.session.scalar(db.select(PressApplication))
    assert application.status is PressStatus.DRAFT and application.people[0].photo_token

    edit = client.get(f"/press-applications/{application.id}/edit")
    fields = form_fields(text(edit))
    assert fields["outlet_name"].value == "成都电视台"
    assert "Kept: li.jpg" in text(edit)
    assert response.status_code == 302


def test_files_are_served_to_the_applicant_and_officers_only(client, journalist, press_event, login,
                                                             other_client):
    post(client, form_data())
    application = db.session.scalar(db.select(PressApplication))
    url = f"/press-applications/{application.id}/files/{application.letter_token}"

    mine = client.get(url)
    assert mine.status_code == 200 and mine.data.startswith(b"%PDF")
    assert "sandbox" in mine.headers["Content-Security-Policy"]

    stranger = factories.make_user("stranger@example.com")
    other_client.post("/auth/login", data={"email": stranger.email,
                                           "password": factories.PASSWORD})
    assert other_client.get(url).status_code == 403
    officer = factories.make_member(press_event, Role.MEDIA_OFFICER, "officer@example.com")
    other_client.post("/auth/logout")
    other_client.post("/auth/login", data={"email": officer.email,
                                           "password": factories.PASSWORD})
    assert other_client.get(url).status_code == 200
    assert other_client.get(f"/press-applications/{application.id}/files/"
                            + "x" * 32).status_code == 404


def test_an_officer_approves_two_and_rejects_one_from_the_page(client, press_event, login, mailbox):
    application = f.submitted(press_event)
    officer = factories.make_member(press_event, Role.MEDIA_OFFICER, "officer@example.com")
    login(officer.email)
    sound = application.people[2]

    response = client.post(f"/press-applications/{application.id}/decision", data={
        "decision": "approve", "zones": ["MAIN"], "rejected_people": [str(sound.id)],
        "reason_code": "incomplete", "message": "欢迎", "internal_note": "已电话核实"})

    page = text(client.get(response.headers["Location"]))
    assert ("success", "The decision is recorded and the applicant has been told by email."
            ) in flashes(page)
    db.session.refresh(application)
    assert application.status is PressStatus.APPROVED
    assert [p.status.value for p in application.people] == ["approved", "approved", "rejected"]
    assert "已电话核实" in page and page.count("Badge (PDF)") >= 2


def test_the_applicant_never_sees_the_internal_note(client, press_event, journalist):
    application = f.submitted(press_event, journalist)
    officer = factories.make_member(press_event, Role.MEDIA_OFFICER, "officer@example.com")
    press_review.decide(officer, application, press_review.Decision(
        "needs_info", message="请补充派遣函", internal_note="疑似重复申请"))

    page = text(client.get(f"/press-applications/{application.id}"))
    assert "请补充派遣函" in page and "疑似重复申请" not in page
    assert f"/press-applications/{application.id}/edit" in page


def test_the_queue_costs_the_same_queries_for_1_and_50_applications(client, press_event, login,
                                                                    count_queries):
    officer = factories.make_member(press_event, Role.MEDIA_OFFICER, "officer@example.com")
    f.submitted(press_event)
    login(officer.email)
    url = f"/summits/{SLUG}/press"
    assert client.get(url).status_code == 200

    with count_queries() as one:
        page = text(client.get(url))
    assert page.count('href="/press-applications/') == 1
    for number in range(49):
        f.submitted(press_event, f.applicant(press_event, f"tv{number}@example.com"),
                    outlet=f"电视台{number}", crew=0)
    with count_queries() as fifty:
        page = text(client.get(url))
    assert page.count('href="/press-applications/') == 50
    assert len(fifty) == len(one), (one, fifty)


def test_quotas_are_set_and_listed(client, press_event, login):
    officer = factories.make_member(press_event, Role.MEDIA_OFFICER, "officer@example.com")
    login(officer.email)

    response = client.post(f"/summits/{SLUG}/press/quotas",
                           data={"kind": "outlet", "name": "四川电视台", "limit": "2"})
    assert response.status_code == 302
    page = text(client.get(f"/summits/{SLUG}/press/quotas"))
    assert re.search(r"<td>四川电视台</td><td>2</td><td>0</td>", page)


def test_the_accredited_list_exports_people_and_equipment(client, press_event, login):
    application = f.submitted(press_event)
    officer = factories.make_member(press_event, Role.MEDIA_OFFICER, "officer@example.com")
    press_review.decide(officer, application, press_review.Decision("approve"))
    login(officer.email)

    response = client.get(f"/summits/{SLUG}/press/accredited.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    people = list(book.worksheets[0].iter_rows(values_only=True))
    assert [row[3] for row in people[1:]] == ["李娜", "王强", "次仁多吉"]
    assert people[1][7] == "Main Press" and people[1][8] == "5**********0123"
    assert list(book.worksheets[1].iter_rows(values_only=True))[1][1:3] == (
        "索尼 PXW-Z280", "SN-0451279")


def test_organisers_turn_media_accreditation_on_with_a_deadline(client, login, app):
    organiser = factories.make_user("org@example.com")
    summit = factories.make_summit("settings-test", organiser=organiser)
    factories.make_category(summit, "media", "媒体")
    login(organiser.email)
    values = {"slug": "settings-test", "title_zh": "测试峰会", "starts_on": "2027-08-03",
              "ends_on": "2027-08-04", "timezone": "Asia/Shanghai", "press_enabled": "y",
              "press_deadline": "2027-07-20T18:00", "press_category_code": "media"}

    assert client.post("/summits/settings-test/edit", data=values).status_code == 302
    db.session.refresh(summit)
    assert summit.press_enabled and summit.press_category_code == "media"
    assert summit.press_deadline.isoformat() == "2027-07-20T10:00:00+00:00"
    # Staff land on their console; the public page is what a journalist sees.
    page = text(client.get("/summits/settings-test?view=public"))
    assert "Apply for media accreditation" in page

    values["press_category_code"] = "nothing"
    page = text(client.post("/summits/settings-test/edit", data=values))
    assert "Choose the category press badges print with" in page


def test_the_press_room_is_for_accredited_press_and_officers(client, press_event, journalist,
                                                             login):
    officer = factories.make_member(press_event, Role.MEDIA_OFFICER, "officer@example.com")
    assert client.get(f"/summits/{SLUG}/press-room").status_code == 403
    application = f.submitted(press_event, journalist)
    press_review.decide(officer, application, press_review.Decision("approve"))

    client.post("/auth/logout")
    login(officer.email)
    response = client.post(f"/summits/{SLUG}/press-room/new", data={
        "title": "融合共享 創新發展", "body": "本網訊（記者 鄧安華）……", "source": "甘孜日報",
        "images": (io.BytesIO(f.photo_jpeg()), "会场.jpg"),
        "attachments": (io.BytesIO(f.letter_pdf()), "通稿.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    release = db.session.scalar(db.select(PressRelease))
    assert [item["name"] for item in release.files] == ["会场.jpg", "通稿.pdf"]

    client.post("/auth/logout")
    login(journalist.email)
    assert "融合共享 創新發展" in text(client.get(f"/summits/{SLUG}/press-room"))
    download = client.get(f"/press-releases/{release.id}/files/{release.files[1]['token']}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
