"""The login throttle counts every guess, however many arrive at the same moment, on SQLite and
PostgreSQL: real parallel requests on the threaded test server."""
from __future__ import annotations

from collections import Counter

import pytest

from tests.support import factories
from tests.support.concurrency import MANY_CONNECTIONS, fire

pytestmark = pytest.mark.app_config(**MANY_CONNECTIONS)

GUESSES = 40


def test_forty_parallel_wrong_passwords_check_exactly_the_limit(app, server):
    factories.make_user("pema@example.com")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    body = {"email": "pema@example.com", "password": "wrong-guess"}

    answers = fire(server, [("POST", "/api/v1/tokens", "", body)] * GUESSES)

    assert Counter(status for status, _body in answers) == {401: limit, 429: GUESSES - limit}
    assert {body["error"]["code"] for status, body in answers if status == 429} == {
        "too_many_attempts"}
    # The right password is refused too until the window ends.
    [(status, _body)] = fire(server, [("POST", "/api/v1/tokens", "",
                                       {"email": "pema@example.com",
                                        "password": factories.PASSWORD})])
    assert status == 429


@pytest.mark.app_config(LOGIN_MAX_FAILURES_PER_ADDRESS=7, **MANY_CONNECTIONS)
def test_parallel_guesses_at_many_accounts_check_exactly_the_address_limit(app, server):
    emails = [f"target{n}@example.com" for n in range(GUESSES)]

    answers = fire(server, [("POST", "/api/v1/tokens", "",
                             {"email": email, "password": "wrong-guess"}) for email in emails])

    assert Counter(status for status, _body in answers) == {401: 7, 429: GUESSES - 7}
