"""The demo summit's media accreditation: open, press badges with the media category, an
application by press@example.com for the media officer to decide, and the press room's first
release carrying the Ganzi Daily report as published."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from summit.extensions import db
from summit.models import PressApplication, PressRelease, PressStatus
from summit.services.accounts import users as accounts
from summit.services.demo import seed as demo
from summit.services.press import (
    badges as press_badges,
    files as press_files,
    review as press_review,
)
from summit.services.summits import settings as summits

NOW = datetime(2027, 7, 1, 9, 0, tzinfo=UTC)
SEED = Path("/work/shared/seed/000_2cc6e6512fa0f11f.txt")


def test_the_demo_accredits_media_and_has_a_tv_crew_waiting(app):
    demo.seed_demo(now=NOW)
    summit = summits.get_by_slug("kangding-2017")

    assert summit.press_enabled and press_badges.press_category(summit).code == "media"
    [application] = db.session.scalars(db.select(PressApplication)).all()
    assert application.user.email == "press@example.com"
    assert application.status is PressStatus.SUBMITTED
    assert [p.name for p in application.people] == ["李娜", "王强", "次仁多吉"]
    assert all(press_files.meta(p.photo_token) for p in application.people)
    assert press_files.load(application.letter_token)[0].startswith(b"%PDF")

    officer = accounts.find_user("media@example.com")
    press_review.decide(officer, application, press_review.Decision("approve"), now=NOW)
    assert press_badges.render_badge(press_badges.badge_of(application.people[0]))[:4] == b"%PDF"


def test_the_press_rooms_first_release_is_the_report_as_published(app):
    demo.seed_demo(now=NOW)
    [release] = db.session.scalars(db.select(PressRelease)).all()
    copy = (Path(demo.__file__).parent / "data" / "ganzi_daily_2017-08-04.txt").read_text(
        encoding="utf-8")

    assert release.title == "融合共享 創(chuàng)新發(fā)展"
    assert release.body.startswith("本網(wǎng)訊(記者 鄧安華)")
    assert "中央電視臺、四川衛(wèi)視、四川電視臺" in release.body
    assert release.source == "甘孜日報 2017年08月04日（記者 鄧安華）"
    assert release.published_at.isoformat() == "2017-08-03T16:00:00+00:00"
    if SEED.exists():  # the copy in the repository is the seed, unchanged
        assert copy == SEED.read_text(encoding="utf-8")


def test_seeding_the_press_demo_twice_adds_nothing(app):
    demo.seed_demo(now=NOW)
    demo.seed_demo(now=NOW)
    assert db.session.scalar(db.select(db.func.count(PressApplication.id))) == 1
    assert db.session.scalar(db.select(db.func.count(PressRelease.id))) == 1
