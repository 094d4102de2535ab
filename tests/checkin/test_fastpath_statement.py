"""The gates' batched statement (``services/checkin/fastpath/statement``) against a real
PostgreSQL: each scan of a batch gets its own answer, a holder scanned twice in one batch counts
once, and threads' scans are batched without ever sending a scan id twice."""
from __future__ import annotations

import json
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from summit.extensions import db
from summit.models import Arrival, CheckIn, Registration, Role
from summit.services.accounts import tokens as api_tokens
from summit.services.badges import issuing as badges, tokens as badge_tokens
from summit.services.checkin.fastpath import (
    batches as checkin_batches,
    scan as checkin_fast,
    statement as checkin_sql,
)
from summit.services.core import direct
from summit.services.registration import review as registration_review
from tests.support import factories

NOW = datetime(2027, 8, 3, 1, 30, tzinfo=UTC)


pytestmark = pytest.mark.postgres_only


@pytest.fixture
def token(staff) -> str:
    """The check-in staff's raw API token."""
    raw, _token = api_tokens.issue_token_for(staff, purpose="gate")
    db.session.commit()
    return raw


def holder(event, organiser, name: str, email: str) -> Registration:
    return factories.make_registration(event, name, email, approve_as=organiser)


def scan_of(event, raw_token: str, registration: Registration, scan_id: str,
            gate: str = "东门") -> dict:
    badge = badges.ensure_badge(registration)
    db.session.commit()
    token = badges.token_for(badge)
    claims, _header, _signature = badge_tokens.decode(token)
    return {"token_hash": api_tokens.digest(raw_token), "summit_id": event.id,
            "stamp": badge_tokens.digest(token),
            "ref": claims.badge_ref.hex(), "version": claims.version, "scan_id": scan_id,
            "gate": gate, "device": "测试", "scanned": checkin_sql.naive_utc(NOW),
            "received": checkin_sql.naive_utc(NOW), "press_code": event.press_category_code}


def recorded() -> dict[str, str]:
    db.session.remove()
    return dict(db.session.execute(db.select(CheckIn.scan_id, CheckIn.result)).all())


def test_each_scan_of_a_batch_gets_its_own_answer(event, organiser, token):
    zhao = holder(event, organiser, "赵波", "zhao@example.com")
    qian = holder(event, organiser, "钱伟", "qian@example.com")
    scans = [scan_of(event, token, zhao, "b-1", gate="东门"),
             scan_of(event, token, qian, "b-2"),
             scan_of(event, token, zhao, "b-3", gate="西门"),          # zhao again
             scan_of(event, "not-a-token", qian, "b-4"),                # no such API token
             {**scan_of(event, token, qian, "b-5"), "ref": "00" * 8},   # no such badge
             {**scan_of(event, token, qian, "b-6"), "stamp": "0" * 64}]  # not its token

    rows = checkin_sql.execute(scans)

    assert [row.n for row in rows] == [0, 1, 2, 3, 4, 5]
    first, second, again, no_token, no_badge, forged = rows
    assert (first.result, first.name, first.code, first.zone_codes) == (
        "ok", "赵波", "delegate", ["MAIN"])
    assert (second.result, second.name) == ("ok", "钱伟")
    # The second scan of a holder in one batch is a duplicate naming the first's gate.
    assert again.result == "duplicate" and again.first_gate == "东门"
    assert again.first_at == NOW.replace(tzinfo=None)
    assert no_token.checkin_id is None and no_token.operator_id is None
    # Neither a token naming no badge nor one that is not its badge's stamped token is
    # written: the portable path checks their signature (and refuses them).
    assert no_badge.checkin_id is None and no_badge.name is None
    assert forged.checkin_id is None and forged.result is None
    assert recorded() == {"b-1": "ok", "b-2": "ok", "b-3": "duplicate"}
    assert db.session.scalar(db.select(db.func.count()).select_from(Arrival)) == 2


def test_a_recorded_scan_id_in_a_batch_writes_nothing_for_it(event, organiser, token):
    zhao = holder(event, organiser, "赵波", "zhao@example.com")
    qian = holder(event, organiser, "钱伟", "qian@example.com")
    checkin_sql.execute([scan_of(event, token, zhao, "once")])

    rows = checkin_sql.execute([scan_of(event, token, zhao, "once"),
                                scan_of(event, token, qian, "new")])

    assert rows[0].checkin_id is None  # the caller's portable path gives the first answer
    assert rows[1].result == "ok"
    assert recorded() == {"once": "ok", "new": "ok"}


def test_refused_badges_in_a_batch_leave_the_others_ok(event, organiser, token):
    zhao = holder(event, organiser, "赵波", "zhao@example.com")
    qian = holder(event, organiser, "钱伟", "qian@example.com")
    sun = holder(event, organiser, "孙芳", "sun@example.com")
    revoked, cancelled = scan_of(event, token, zhao, "r-1"), scan_of(event, token, sun, "r-3")
    badges.revoke(organiser, zhao, "证件遗失")
    registration_review.cancel_registration(organiser, sun)

    rows = checkin_sql.execute([revoked, scan_of(event, token, qian, "r-2"), cancelled])

    assert [row.result for row in rows] == ["revoked", "ok", "not_approved"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Arrival)) == 1


def test_threads_scans_are_batched_and_each_counted_once(app, event, organiser, token):
    names = ["赵波", "钱伟", "孙芳", "李娜", "周杰", "吴敏"]
    people = [holder(event, organiser, name, f"p{i}@example.com")
              for i, name in enumerate(names)]
    # Each holder twice, and one scan id sent by two threads at once.
    scans = [scan_of(event, token, person, f"t-{i}-{k}")
             for k in range(2) for i, person in enumerate(people)]
    scans.append(dict(scans[0]))
    db.session.remove()
    start = threading.Barrier(len(scans))
    rows: dict[int, object] = {}

    def send(index: int) -> None:
        with app.app_context():
            start.wait()
            rows[index] = checkin_batches.send(direct.database_key(), scans[index])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(scans))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    answered = [row for row in rows.values() if row is not None and row.checkin_id]
    assert Counter(row.result for row in answered) == {"ok": 6, "duplicate": 6}
    assert len(recorded()) == 12  # the repeated scan id once
    assert db.session.scalar(db.select(db.func.count()).select_from(Arrival)) == 6


def test_text_postgresql_cannot_hold_takes_the_portable_path():
    assert checkin_fast.storable("东门 gate 1")
    assert not checkin_fast.storable("east\x00gate")
    assert not checkin_fast.storable("east\ud800gate")


def test_the_statement_takes_a_device_token_only_at_its_summit_and_until_it_expires(
        event, organiser, staff):
    zhao = holder(event, organiser, "赵波", "zhao@example.com")
    other = factories.make_summit("litang-test")
    factories.grant(staff, other, Role.CHECKIN_STAFF)
    here, _token = api_tokens.issue_device_token(staff, event)
    elsewhere, _token = api_tokens.issue_device_token(staff, other)
    stale, token = api_tokens.issue_device_token(staff, event)
    token.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()

    rows = checkin_sql.execute([scan_of(event, elsewhere, zhao, "d-1"),
                                scan_of(event, stale, zhao, "d-2"),
                                scan_of(event, here, zhao, "d-3")])

    refused_elsewhere, refused_stale, accepted = rows
    assert refused_elsewhere.checkin_id is None and refused_elsewhere.operator_id is None
    assert refused_stale.checkin_id is None and refused_stale.operator_id is None
    assert (accepted.result, accepted.operator_id) == ("ok", staff.id)
    assert recorded() == {"d-3": "ok"}


# Tables whose rows the statement reads or checks one by one; a table the day fills (arrivals,
# checkins) must never be walked whole, whatever it held when the plan was made.
LOOKED_UP = {"api_tokens", "users", "memberships", "badges", "registrations", "press_people",
             "press_applications", "arrivals", "checkins", "attendee_categories", "zones",
             "category_zones", "press_approved_zones"}



def test_the_statement_looks_each_row_up_by_index_even_planned_on_empty_tables(
        event, organiser, token):
    """The connection keeps one generic plan, made when the day's tables are still empty
    (bench: a scan's PostgreSQL CPU grew from 0.14 to 1.4 ms as 20,000 arrivals were walked
    whole for each scan). Every read of a row must be an index look-up with a condition."""
    zhao = holder(event, organiser, "赵波", "zhao@example.com")
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(db.text("ANALYZE " + ", ".join(sorted(LOOKED_UP))))
    connection = direct._connect(direct.database_key())
    try:
        statement = checkin_sql.SCAN_STATEMENT
        connection.pgconn.prepare(statement.name, statement.sql)
        with psycopg.ClientCursor(connection) as cursor:  # the values inline, as EXECUTE wants
            cursor.execute(
                "EXPLAIN (FORMAT JSON) EXECUTE summit_scan(%s, %s, %s)",
                (json.dumps([dict(scan_of(event, token, zhao, "p-1"), n=0)]),
                 checkin_sql.naive_utc(NOW), checkin_sql.naive_utc(NOW)))
            plan = cursor.fetchone()[0][0]["Plan"]
    finally:
        connection.close()

    def subplans(node: dict) -> list[dict]:
        return [node] + [found for child in node.get("Plans", ()) for found in subplans(child)]

    reads = [node for node in subplans(plan) if node.get("Relation Name") in LOOKED_UP
             and node["Node Type"] != "ModifyTable"]
    assert {node["Relation Name"] for node in reads} >= {"arrivals", "checkins", "api_tokens",
                                                         "badges", "registrations"}
    # A bitmap heap scan reads the rows its bitmap index scan found by condition: a look-up
    # too (the planner takes one or the other from the statistics).
    walked = [(node["Node Type"], node["Relation Name"]) for node in reads
              if "Index Cond" not in node and "Recheck Cond" not in node]
    assert walked == []


def test_more_threads_than_a_batch_each_get_their_own_answer(app, event, organiser, token):
    """40 threads (more than a batch holds), each sending three scans one after the other as
    a server's threads do: each thread is woken by its own batch or to send the next one, and
    every scan gets its own holder's answer; a scan id two threads send is recorded once."""
    people = [holder(event, organiser, f"张{chr(0x4e00 + i)}", f"m{i}@example.com")
              for i in range(40)]
    plans = [[scan_of(event, token, person, f"m-{i}-{k}") for k in range(3)]
             for i, person in enumerate(people)]
    plans[1][2] = dict(plans[0][2])  # thread 1's last scan repeats thread 0's id
    names = [person.name for person in people]
    db.session.remove()
    start = threading.Barrier(len(plans))
    answers: dict[tuple[int, int], object] = {}
    statements = []
    execute = checkin_sql.execute

    def counted(scans, key=None):
        statements.append(len(scans))
        return execute(scans, key)

    def gate(index: int) -> None:
        with app.app_context():
            start.wait()
            for k, scan in enumerate(plans[index]):
                answers[index, k] = checkin_batches.send(direct.database_key(), scan)

    checkin_sql.execute = counted
    try:
        threads = [threading.Thread(target=gate, args=(i,)) for i in range(len(plans))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        checkin_sql.execute = execute

    assert len(answers) == 120
    for (index, k), row in answers.items():
        if (index, k) in {(0, 2), (1, 2)} and (row is None or row.checkin_id is None):
            continue  # the repeated id: one of the two is refused, the other recorded
        assert row.name == names[0 if (index, k) == (1, 2) else index]  # the repeat: 0's scan
        assert row.result == ("ok" if k == 0 else "duplicate")
    assert len(recorded()) == 119
    assert db.session.scalar(db.select(db.func.count()).select_from(Arrival)) == 40
    assert max(statements) > 1 and sum(statements) >= 119  # batched



def test_a_sender_gathers_the_scans_announced_in_its_process(app, event, organiser, token,
                                                              monkeypatch):
    """Four gates' scans are announced together and reach the batcher one after another: the
    first to send waits for the other three and sends one statement of four. A scan announced
    and then withdrawn (it takes the portable path) is not waited for."""
    people = [holder(event, organiser, f"王{chr(0x4e00 + i)}", f"g{i}@example.com")
              for i in range(4)]
    scans = [scan_of(event, token, person, f"g-{i}") for i, person in enumerate(people)]
    db.session.remove()
    monkeypatch.setattr(checkin_batches, "GATHER_LIMIT", 30.0)  # only the scans end the wait
    statements = []
    execute = checkin_sql.execute
    monkeypatch.setattr(checkin_sql, "execute",
                        lambda batch, key=None: statements.append(len(batch)) or
                        execute(batch, key))
    announced = threading.Barrier(len(scans) + 1)
    answers: dict[int, object] = {}

    def gate(index: int) -> None:
        with app.app_context():
            key = direct.database_key()
            with checkin_batches.arriving(key):
                announced.wait()
                time.sleep(0.05 * index)  # the others are still on their way
                answers[index] = checkin_batches.send(key, scans[index])

    def withdrawn() -> None:
        with app.app_context(), checkin_batches.arriving(direct.database_key()):
            announced.wait()
            time.sleep(0.3)

    threads = [threading.Thread(target=gate, args=(i,)) for i in range(len(scans))]
    threads.append(threading.Thread(target=withdrawn))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert statements == [4]
    assert time.monotonic() - started < 10  # the withdrawn scan ended the wait
    assert [answers[i].result for i in range(4)] == ["ok"] * 4
    assert sorted(recorded()) == ["g-0", "g-1", "g-2", "g-3"]


def test_under_load_a_sender_lingers_for_a_fuller_batch(app, event, organiser, token,
                                                         monkeypatch):
    """A scan arriving while the gates are quiet is sent at once, however long the linger;
    a scan arriving just after a batch came back waits for the batch to fill."""
    people = [holder(event, organiser, f"李{chr(0x4e00 + i)}", f"l{i}@example.com")
              for i in range(4)]
    scans = [scan_of(event, token, person, f"l-{i}") for i, person in enumerate(people)]
    db.session.remove()
    monkeypatch.setattr(checkin_batches, "LINGER", 30.0)
    monkeypatch.setattr(checkin_batches, "BUSY_GAP", 30.0)  # "just after" is generous here
    monkeypatch.setattr(checkin_batches, "FULL", 3)
    statements = []
    execute = checkin_sql.execute
    monkeypatch.setattr(checkin_sql, "execute",
                        lambda batch, key=None: statements.append(len(batch)) or
                        execute(batch, key))
    key = direct.database_key()
    monkeypatch.setattr(checkin_batches.batcher_for(key), "ended", float("-inf"))  # quiet

    started = time.monotonic()
    assert checkin_batches.send(key, scans[0]).result == "ok"  # quiet: no linger
    assert time.monotonic() - started < 10 and statements == [1]

    answers: dict[int, object] = {}

    def gate(index: int) -> None:
        with app.app_context():
            time.sleep(0.05 * index)
            answers[index] = checkin_batches.send(key, scans[index])

    threads = [threading.Thread(target=gate, args=(i,)) for i in (1, 2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statements == [1, 3]  # the first of the three waited for the other two
    assert [answers[i].result for i in (1, 2, 3)] == ["ok"] * 3
