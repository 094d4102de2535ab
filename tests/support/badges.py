"""Fixtures and helpers shared by the badge tests (part of the tests' plugin): a summit full
of approved delegates, batches kept from running, and reading a batch job back as its
background runner left it."""
from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from summit.extensions import db
from summit.models import BadgeJob, Registration, RegistrationStatus, Summit
from summit.services.core import jobs, names

SURNAMES = "赵钱孙李周吴郑王冯陈"
GIVEN = "波伟芳娜敏静丽强磊军"


@pytest.fixture
def sixty_approved(event: Summit) -> list[int]:
    """Sixty approved delegates of the test summit, written in one go: ids. A batch of them
    takes a few seconds to print, long enough to be caught in the middle."""
    delegate = next(c for c in event.categories if c.code == "delegate")
    people = []
    for number in range(60):
        name = SURNAMES[number % 10] + GIVEN[number // 10 % 10] + GIVEN[number % 7]
        pinyin = names.pinyin_name(name)
        people.append(Registration(
            summit=event, category=delegate, name=name, name_native="", name_pinyin=pinyin,
            search_key=names.search_key(name, "", pinyin), sort_key=names.sort_key(name, pinyin),
            organisation_name="甘孜州商务局", position="科长", email=f"person{number}@example.com",
            phone="13900001111", status=RegistrationStatus.APPROVED, locale="en"))
    db.session.add_all(people)
    db.session.commit()
    return [person.id for person in people]


@pytest.fixture
def held(monkeypatch) -> list[tuple]:
    """Keep started jobs queued: the test runs them itself, when it wants. Each is (name,
    *arguments)."""
    queued: list[tuple] = []
    monkeypatch.setattr(jobs, "enqueue",
                        lambda name, *args, ticket=None: queued.append((name, *args)))
    return queued


def stored_jobs() -> list[BadgeJob]:
    """Every batch job as last committed (by whichever process ran it), oldest first."""
    db.session.rollback()
    db.session.expire_all()
    return list(db.session.scalars(db.select(BadgeJob).order_by(BadgeJob.id)))


def wait_for_jobs(check: Callable[[list[BadgeJob]], bool], timeout: float = 120
                  ) -> list[BadgeJob]:
    """The stored jobs, once ``check`` holds for them (polled)."""
    deadline = time.monotonic() + timeout
    while True:
        found = stored_jobs()
        if check(found):
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"jobs never got there: {[(j.status, j.done) for j in found]}")
        time.sleep(0.02)
