"""Sealed ID and press card numbers: nothing in clear in a database dump, look-ups through the
keyed hash, a resumable key rotation, a start with the wrong key refused, full values audited."""
from __future__ import annotations

from pathlib import Path

import pytest

from summit import create_app, sealing
from summit.extensions import db
from summit.models import AuditEntry, DataKeyCheck, PressApplication, Registration
from summit.services.demo import seed as demo
from summit.services.privacy import keys as data_keys
from summit.services.registration import imports
from tests.support import press_factories as pf
from tests.support.plugin import TEST_DATA_KEY

pytestmark = pytest.mark.usefixtures("english")

CARD = "510100201700123"
OTHER_KEY = sealing.DataKey.generate().text


def test_a_database_dump_holds_no_id_or_press_card_number_in_clear(app, database_dump):
    summit = demo.seed_demo()
    stored = {r.email: r for r in db.session.scalars(db.select(Registration))}
    assert stored["zhao.bo@example.com"].id_number == demo.DEMO_ID_NUMBERS["zhao.bo@example.com"]
    card = db.session.scalar(db.select(PressApplication.press_card_number))
    assert card == CARD

    dump = database_dump()
    assert "zhao.bo@example.com" in dump  # the dump is the real one
    for number in [*demo.DEMO_ID_NUMBERS.values(), CARD]:
        assert number not in dump and number.lower() not in dump
    assert f"{sealing.PREFIX}:{sealing.keyring().current.id}:" in dump

    # The import's duplicate check finds a sealed number through its keyed hash.
    report = imports.check_rows(summit, [{
        "name": "赵波二", "email": "new.person@example.com", "category": "delegate",
        "organisation_name": "康定市", "position": "干部", "phone": "13911112222",
        "id_type": "resident_id", "id_number": demo.DEMO_ID_NUMBERS["zhao.bo@example.com"]}])
    assert [p.message for p in report.rows[0].problems] == [
        "The same person (ID number, or name and phone) is already registered."]


@pytest.mark.own_app
@pytest.mark.app_config(DATA_KEY=None)
def test_a_rotation_stopped_half_way_goes_on_and_nothing_becomes_unreadable(app):
    key_file = Path(app.instance_path) / sealing.KEY_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600
    summit = pf.press_summit()
    people = [Registration(summit=summit, category=summit.categories[0], name=f"人{n}",
                           email=f"p{n}@example.com", id_number=f"E1234567{n}")
              for n in range(3)]
    db.session.add_all(people)
    db.session.commit()
    first = sealing.keyring().current.id

    half = data_keys.rotate(batch=1, limit=2)
    assert (half.resealed, half.left, half.retired) == (2, 1, [])
    assert len(sealing.read_key_file(key_file)) == 2  # the old key stays until the end
    db.session.expire_all()
    assert sorted(r.id_number for r in db.session.scalars(db.select(Registration))) == [
        "E12345670", "E12345671", "E12345672"]
    # Mid-way, a look-up still finds rows hashed under either key.
    for number in ("E12345670", "E12345672"):
        assert db.session.scalar(db.select(db.func.count()).where(
            Registration.id_number_hash.in_(sealing.digests(number)))) == 1

    rest = data_keys.rotate()
    assert (rest.new_key, rest.resealed, rest.left, rest.retired) == (None, 1, 0, [first])
    assert [k.id for k in sealing.read_key_file(key_file)] == [sealing.keyring().current.id]
    raw = db.session.scalars(db.select(db.type_coerce(Registration.id_number, db.String))).all()
    assert {sealing.key_id_of(value) for value in raw} == {sealing.keyring().current.id}
    assert db.session.scalars(db.select(DataKeyCheck.key_id)).all() == [
        sealing.keyring().current.id]
    db.session.expire_all()
    assert db.session.get(Registration, people[2].id).id_number == "E12345672"


@pytest.mark.own_app
def test_a_start_with_another_data_key_is_refused_with_a_clear_message(app, app_config):
    data_keys.check_at_start(app)  # the first start records the key's fingerprint
    config = {**app_config, "DATA_KEY": OTHER_KEY, "DATA_KEY_CHECK": True}
    with pytest.raises(data_keys.KeyMismatch, match="not in SUMMIT_DATA_KEY"):
        create_app(config)
    with pytest.raises(RuntimeError, match="32 random bytes"):
        create_app({**config, "DATA_KEY": "c2hvcnQ="})
    # The right key (with a new one ahead of it, as a rotation starts) is accepted.
    create_app({**config, "DATA_KEY": f"{OTHER_KEY},{TEST_DATA_KEY}"})


def test_a_reviewer_sees_the_full_press_card_number_and_that_is_audited(
        app, client, login, press_event, press_officer):
    application = pf.submitted(press_event)
    login(press_officer.email)
    page = client.get(f"/press-applications/{application.id}").get_data(as_text=True)
    assert CARD in page
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "press.view_private"))
    assert (entry.actor_id, entry.object_id, entry.after) == (
        press_officer.id, str(application.id), {"fields": ["press_card_number"]})
    # The audit log of the application itself never holds the full number.
    assert CARD not in str(db.session.scalars(db.select(AuditEntry.after)).all())
