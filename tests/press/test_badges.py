"""Press badges as printed: the press category in words, the outlet, the person's role, the
approved zones as codes and words, the photo, and a QR code that the gate accepts."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from summit.extensions import db
from summit.models import Badge, BadgeSize
from summit.services.badges import issuing as badges
from summit.services.checkin import holders as checkin_holders
from summit.services.press import (
    badges as press_badges,
    files as press_files,
    review as press_review,
)
from tests.support import factories
from tests.support.pdf import image_count, pdf_text, save, scan, squash, to_png
from tests.support.press_factories import noisy_photo, submitted

NOW = datetime(2027, 7, 2, tzinfo=UTC)


@pytest.fixture
def accreditation(press_event, press_officer):
    """The press summit's application, asking for MAIN, PRESS and VIP, approved for MAIN and
    PRESS and for two of its three people (the sound operator is rejected)."""
    application = submitted(press_event, zones=("MAIN", "PRESS", "VIP"))
    press_review.decide(press_officer, application, press_review.Decision(
        "approve", zone_codes=["MAIN", "PRESS"], rejected_people=(application.people[2].id,),
        reason_code="incomplete"), now=NOW)
    return application


def test_the_press_badge_prints_category_outlet_zones_photo_and_a_valid_qr(
        accreditation, tmp_path):
    camera = accreditation.people[1]
    badge = press_badges.badge_for_download(accreditation.user, accreditation, camera.id)

    pdf = save(press_badges.render_badge(badge), tmp_path)

    text = squash(pdf_text(pdf))
    for words in ("媒体PRESS", "王强", "WANGQiang", "四川电视台", "摄像Camera",
                  "MAIN主会场", "PRESS媒体区"):
        assert words in text, words
    assert "VIP" not in text and "贵宾室" not in text
    assert image_count(pdf) == 2  # the photo and the QR code
    [token] = scan(to_png(pdf, dpi=300))
    assert token == badges.token_for(badge)
    assert badges.check_token(accreditation.summit, token).result == "ok"


def test_each_accredited_person_has_a_badge_of_their_own(accreditation):
    reporter, camera, _sound = accreditation.people
    first = press_badges.badge_for_download(accreditation.user, accreditation)
    second = press_badges.badge_for_download(accreditation.user, accreditation, camera.id)

    assert first.press_person_id == reporter.id and second.press_person_id == camera.id
    assert first.ref != second.ref and first.registration_id is None


def test_card_size_badges_render_too(accreditation, tmp_path):
    badge = press_badges.badge_for_download(accreditation.user, accreditation)
    pdf = save(press_badges.render_badge(badge, BadgeSize.CR80), tmp_path)
    assert "四川电视台" in squash(pdf_text(pdf))


def test_a_badge_cannot_hold_two_holders(accreditation):
    factories.make_category(accreditation.summit, "delegate", "代表")
    registration = factories.make_registration(accreditation.summit)
    db.session.add(Badge(summit=accreditation.summit, registration=registration,
                         press_person=accreditation.people[2], ref="00000000000000cc"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(Badge(summit=accreditation.summit, ref="00000000000000dd"))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_a_detailed_photo_fits_the_badge(accreditation, tmp_path):
    """A real photo (noise compresses worst) is far larger than the solid test colours."""
    person = accreditation.people[0]
    person.photo_token = press_files.store_photo(accreditation.user_id, noisy_photo(), "real.jpg")
    db.session.commit()
    badge = press_badges.badge_for_download(accreditation.user, accreditation)

    pdf = save(press_badges.render_badge(badge), tmp_path)
    assert image_count(pdf) == 2 and "四川电视台" in squash(pdf_text(pdf))


def test_a_press_holder_reads_like_a_registration_holder_at_the_gate(app, accreditation):
    camera = accreditation.people[1]
    badge = press_badges.badge_for_download(accreditation.user, accreditation, camera.id)

    with app.test_request_context():
        holder = checkin_holders.holder_of(badge)
    assert holder == {
        "name": "王强", "name_native": "", "pinyin": "WANG Qiang", "organisation": "四川电视台",
        "category": {"code": "press", "label": "媒体", "label_en": "Press",
                     "colour": "#b54708"},
        "zones": [{"code": "MAIN", "label": "主会场"}, {"code": "PRESS", "label": "媒体区"}],
        "outlet": "四川电视台",
        "photo_url": f"/summits/{accreditation.summit.slug}/checkin/photos/{badge.id}"}
