"""Meals: entitlement, diet counts, and the meal pass scanned once per person per meal (a
second scan amber with the first time), never beyond capacity, also in parallel."""
from __future__ import annotations

import html
import json
import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from flask_babel import force_locale

from summit.extensions import db
from summit.models import Diet, MealKind, MealScan, MealSession, Summit, User
from summit.services.reception import meals
from tests.support import factories
from tests.support.checkin import token_of
from tests.support.pages import text

pytestmark = pytest.mark.usefixtures("english")


def banquet(summit, actor, capacity=100, categories=()) -> MealSession:
    return meals.save_meal(actor, summit, meals.MealDetails(
        kind=MealKind.BANQUET, title="欢迎晚宴", venue="康定情歌大酒店", capacity=capacity,
        starts_at=datetime(2027, 8, 2, 19, 0), seated=True, categories=categories))


def scan_url(summit, meal) -> str:
    return f"/api/v1/summits/{summit.slug}/meals/{meal.id}/scans"


def test_a_meal_pass_scanned_twice_answers_duplicate_with_the_first_time(
        client, auth, event, organiser, reception):
    meal = banquet(event, reception)
    guest = factories.make_registration(event, "卓玛", approve_as=organiser)
    token = token_of(guest)

    first = client.post(scan_url(event, meal), json={"token": token, "scan_id": "a1"},
                        headers=auth)
    second = client.post(scan_url(event, meal), json={"token": token, "scan_id": "a2"},
                         headers=auth)
    forged = client.post(scan_url(event, meal), json={"token": "nonsense"}, headers=auth)
    bad = client.post(scan_url(event, meal), json={"token": token, "scanned_at": "yesterday"},
                      headers=auth)

    assert first.status_code == 200
    assert first.get_json()["result"] == "ok"
    assert first.get_json()["holder"]["name"] == "卓玛"
    answer = second.get_json()
    assert answer["result"] == "duplicate" and answer["first_scanned_at"]
    assert answer["first_gate"] == "康定情歌大酒店"
    assert forged.get_json() == {"result": "invalid"}
    assert bad.status_code == 422
    db.session.expire_all()
    assert db.session.get(MealSession, meal.id).served == 1


def test_only_entitled_people_eat_and_never_beyond_capacity(
        client, auth, event, organiser, reception):
    meal = banquet(event, reception, capacity=1, categories=("delegate",))
    expert = factories.make_registration(event, "专家", category="expert",
                                         approve_as=organiser)
    first, second = (factories.make_registration(event, name, approve_as=organiser)
                     for name in ("卓玛", "扎西"))

    answers = [client.post(scan_url(event, meal), json={"token": token_of(person)},
                           headers=auth).get_json()["result"]
               for person in (expert, first, second)]

    assert answers == ["not_entitled", "ok", "full"]
    assert db.session.scalar(db.select(db.func.count(MealScan.id))) == 1


def test_the_meals_page_shows_expected_served_and_diet_counts(
        client, sign_in, event, organiser, reception):
    meal = banquet(event, reception)
    for name, diet, note in (("马哈木", Diet.HALAL, ""), ("卓玛", Diet.VEGETARIAN, ""),
                             ("扎西", Diet.OTHER, "花生过敏"), ("次仁", Diet.NONE, "")):
        person = factories.make_registration(event, name, approve_as=organiser)
        person.diet, person.diet_note = diet, note
    factories.make_registration(event, "未批准")  # pending: not expected
    db.session.commit()
    sign_in(reception.email)

    page = text(client.get(f"/summits/{event.slug}/reception/meals"))
    counts = meals.counts(reception, event)[meal.id]

    assert (counts.expected, counts.served) == (4, 0)
    assert counts.diets == {"halal": 1, "vegetarian": 1, "other": 1, "none": 1}
    assert "Halal (清真): 1" in page and "扎西: 花生过敏" in page


def test_the_scanner_page_has_a_meal_mode(client, sign_in, event, organiser, reception):
    meal = banquet(event, reception)
    sign_in(organiser.email)

    page = text(client.get(f"/summits/{event.slug}/reception/meals/{meal.id}/scanner"))
    config = json.loads(html.unescape(re.search(r'data-config="([^"]*)"', page).group(1)))

    assert config["api"] == scan_url(event, meal)
    assert config["gates"] == ["欢迎晚宴"]
    assert config["strings"]["duplicate"] == "Already served"


def test_parallel_scans_serve_each_person_once_and_never_beyond_capacity(
        app, event, organiser, reception):
    meal = banquet(event, reception, capacity=3)
    people = [factories.make_registration(event, f"代表{i}", approve_as=organiser)
              for i in range(6)]
    tokens = [token_of(p) for p in people]
    ids = (event.id, reception.id, meal.id)
    db.session.close()

    def run(batch: list[str]) -> Counter:
        gate = threading.Event()

        def one(token: str) -> str:
            with app.app_context(), force_locale("en"):
                summit = db.session.get(Summit, ids[0])
                actor = db.session.get(User, ids[1])
                meal = db.session.get(MealSession, ids[2])
                gate.wait(timeout=30)
                try:
                    return meals.scan(actor, summit, meal, token).result
                except Exception as error:  # reported verbatim by the test
                    return f"{type(error).__name__}: {error}"

        with ThreadPoolExecutor(max_workers=len(batch)) as pool:
            futures = [pool.submit(one, token) for token in batch]
            gate.set()
            return Counter(future.result(timeout=120) for future in futures)

    # one person at six doors at once, then five others for the two places left
    assert run([tokens[0]] * 6) == {"ok": 1, "duplicate": 5}
    assert run(tokens[1:]) == {"ok": 2, "full": 3}
    db.session.expire_all()
    assert db.session.get(MealSession, ids[2]).served == 3
    assert db.session.scalar(db.select(db.func.count(MealScan.id))) == 3
