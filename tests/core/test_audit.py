"""The audit log: recording entries and reading them, scoped to a summit."""
from __future__ import annotations

import enum
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from summit.extensions import db
from summit.models import AuditEntry, Role, Zone
from summit.services.core import audit
from summit.services.core.errors import NotAllowed
from tests.support import factories

T0 = datetime(2027, 7, 1, 9, 0, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("english")


def actions(page) -> list[str]:
    return [entry.action for entry in page.items]


class Colour(enum.Enum):
    RED = "red"


def test_record_stores_who_did_what_to_which_object(summit, organiser):
    zone = Zone(summit=summit, code="VIP", label_zh="贵宾室")
    db.session.add(zone)  # not flushed yet: record flushes to learn the id

    entry = audit.record(organiser, "zone.create", zone, summit=summit, now=T0,
                         before=None, after={"code": "VIP", "label_zh": "贵宾室"})
    db.session.commit()
    db.session.expire_all()

    stored = db.session.get(AuditEntry, entry.id)
    assert zone.id is not None
    assert (stored.actor_id, stored.summit_id, stored.action) == (
        organiser.id, summit.id, "zone.create")
    assert (stored.object_type, stored.object_id, stored.at) == ("zones", str(zone.id), T0)
    assert stored.before is None
    assert stored.after == {"code": "VIP", "label_zh": "贵宾室"}
    assert stored.actor.email == "organiser@example.com"


def test_record_without_an_actor_is_the_system(summit):
    entry = audit.record(None, "summit.import", summit, summit=summit, now=T0)
    db.session.commit()

    assert db.session.get(AuditEntry, entry.id).actor_id is None


def test_record_is_part_of_the_callers_transaction(summit, organiser):
    audit.record(organiser, "summit.touch", summit, summit=summit)
    db.session.rollback()

    assert db.session.scalars(db.select(AuditEntry.action)).all() == ["user.create"]


def test_snapshot_makes_values_json_ready(summit):
    class Thing:
        colour = Colour.RED
        day = date(2027, 8, 3)
        at = T0
        amount = Decimal("1200000.50")
        tags = ("a", Colour.RED)
        name = "康定"

    data = audit.snapshot(Thing, ("colour", "day", "at", "amount", "tags", "name"))
    assert data == {"colour": "red", "day": "2027-08-03", "at": "2027-07-01T09:00:00+00:00",
                    "amount": "1200000.50", "tags": ["a", "red"], "name": "康定"}

    entry = audit.record(None, "summit.touch", summit, summit=summit, after=data)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(AuditEntry, entry.id).after == data


def seed_log(summit, other, organiser):
    """Five entries at increasing times, three at ``summit`` and two at ``other``."""
    zone = factories.make_zone(summit, "MAIN")
    audit.record(organiser, "summit.create", summit, summit=summit, now=T0)
    audit.record(organiser, "zone.create", zone, summit=summit, now=T0 + timedelta(minutes=1))
    audit.record(None, "summit.create", other, summit=other, now=T0 + timedelta(minutes=2))
    audit.record(organiser, "summit.update", summit, summit=summit,
                 now=T0 + timedelta(minutes=3))
    audit.record(None, "summit.update", other, summit=other, now=T0 + timedelta(minutes=4))
    db.session.commit()
    return zone


def test_organisers_read_their_summits_log_newest_first(summit, organiser):
    other = factories.make_summit("chengdu-2027")
    seed_log(summit, other, organiser)

    page = audit.list_entries(organiser, summit=summit)

    assert page.total == 3
    assert actions(page) == ["summit.update", "zone.create", "summit.create"]
    assert {entry.summit_id for entry in page.items} == {summit.id}
    assert page.items[0].actor.email == "organiser@example.com"


def test_list_entries_filters_by_object(summit, organiser):
    other = factories.make_summit("chengdu-2027")
    zone = seed_log(summit, other, organiser)

    by_type = audit.list_entries(organiser, summit=summit, object_type="summits")
    assert actions(by_type) == ["summit.update", "summit.create"]
    by_object = audit.list_entries(organiser, summit=summit, object_type="zones",
                                   object_id=str(zone.id))
    assert [(e.action, e.object_id) for e in by_object.items] == [("zone.create", str(zone.id))]
    assert audit.list_entries(organiser, summit=summit, object_type="zones",
                              object_id=str(zone.id + 1)).total == 0
    # Summit ids are scoped too: the other summit's entries never show up here.
    other_object = audit.list_entries(organiser, summit=summit, object_type="summits",
                                      object_id=str(other.id))
    assert other_object.total == 0


def test_entries_at_the_same_time_come_newest_id_first(summit, organiser):
    for action in ("first", "second", "third"):
        audit.record(organiser, action, summit, summit=summit, now=T0)
    db.session.commit()

    assert actions(audit.list_entries(organiser, summit=summit)) == ["third", "second", "first"]


def test_order_follows_time_not_insertion(summit, organiser):
    audit.record(organiser, "late", summit, summit=summit, now=T0 + timedelta(hours=1))
    audit.record(organiser, "early", summit, summit=summit, now=T0)
    db.session.commit()

    assert actions(audit.list_entries(organiser, summit=summit)) == ["late", "early"]


def test_list_entries_pages(summit, organiser):
    for n in range(5):
        audit.record(organiser, f"step.{n}", summit, summit=summit, now=T0 + timedelta(n))
    db.session.commit()

    first = audit.list_entries(organiser, summit=summit, page=1, per_page=2)
    third = audit.list_entries(organiser, summit=summit, page=3, per_page=2)

    assert (first.total, first.pages, actions(first)) == (5, 3, ["step.4", "step.3"])
    assert actions(third) == ["step.0"]


def test_an_organiser_cannot_read_another_summits_log(summit, organiser):
    other = factories.make_summit("chengdu-2027")
    seed_log(summit, other, organiser)

    with pytest.raises(NotAllowed):
        audit.list_entries(organiser, summit=other)


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ORGANISER])
def test_other_roles_cannot_read_the_log(summit, role):
    user = factories.make_user("someone@example.com")
    factories.grant(user, summit, role)

    with pytest.raises(NotAllowed):
        audit.list_entries(user, summit=summit)


def test_only_admins_read_the_whole_log(summit, organiser, admin):
    other = factories.make_summit("chengdu-2027")
    seed_log(summit, other, organiser)

    with pytest.raises(NotAllowed) as error:
        audit.list_entries(organiser)
    assert str(error.value) == "Only administrators can read the whole audit log."

    everything = audit.list_entries(admin)
    # The five seeded entries plus the account creations of the two users.
    assert everything.total == 7
    assert actions(everything)[:5] == ["summit.update", "summit.update", "summit.create",
                                       "zone.create", "summit.create"]
    assert audit.list_entries(admin, summit=other).total == 2
    assert actions(audit.list_entries(admin, object_type="users")) == ["user.create"] * 2


def test_object_types_lists_what_the_log_holds(summit, organiser):
    other = factories.make_summit("chengdu-2027")
    seed_log(summit, other, organiser)

    assert audit.object_types() == ["summits", "users", "zones"]
