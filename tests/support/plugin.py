"""The tests' pytest plugin (registered by tests/conftest.py): an app for each test (reused
when a test leaves it as it found it) on SQLite and on PostgreSQL, a real SMTP server, Redis
when a test asks for it, clients and logins. The summit and the people tests act on are in
``tests.support.world``, the browser in ``tests.support.browser``; both are part of this
plugin. Every shared fixture is defined once, here or there."""
from __future__ import annotations

import copy
import email
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from sqlalchemy import text

from summit import create_app
from summit.extensions import db
from tests.support import factories, pg
from tests.support.queries import statements_run
from tests.support.redis_server import RedisServer, find_server

pytest_plugins = [
    "tests.support.world", "tests.support.browser", "tests.support.concurrency",
    # fixtures shared by the tests of one area
    *(f"tests.support.{area}" for area in ("agenda", "badges", "bookings", "checkin", "press",
                                           "agreements", "desk", "reception", "privacy",
                                           "protocol")),
    "tests.support.logscan",  # the run's logs, scanned for the demo's personal values
]

IN_CI = os.environ.get("CI") == "true"
_schemas_ready: set[str] = set()


# --- PostgreSQL and the database parameter ------------------------------------------------

@pytest.fixture(scope="session")
def pg_cluster():
    bin_dir = pg.find_bin_dir()
    if bin_dir is None:
        if IN_CI:
            pytest.fail("PostgreSQL is not installed: CI must run the PostgreSQL tests. "
                        "Run scripts/system-packages.sh test.")
        pytest.skip("PostgreSQL is not installed (scripts/system-packages.sh test)")
    cluster = pg.Cluster(bin_dir)
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
    cluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database("summit_test")


def pytest_collection_modifyitems(config, items) -> None:
    """``@pytest.mark.postgres_only``: the test is about PostgreSQL itself (its connections,
    its transactions), so its SQLite run is left out rather than skipped.
    ``@pytest.mark.sqlite_only`` (every page test file, test_*views.py and test_shell.py),
    and every browser walk (tests/e2e): what they prove is the page, the same on either
    database, while each service's rules and the API run on both; their PostgreSQL run is
    left out (it doubled the suite's slowest tests)."""
    kept, left_out = [], []
    for item in items:
        database = getattr(item, "callspec", None) is not None and \
            item.callspec.params.get("database_url")
        page_only = item.get_closest_marker("sqlite_only") is not None or \
            item.get_closest_marker("e2e") is not None
        if (database == "sqlite" and item.get_closest_marker("postgres_only")) or \
                (database == "postgresql" and page_only):
            left_out.append(item)
        else:
            kept.append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


_table_names: list[str] = []


def wipe(database_url: str) -> None:
    if not _table_names:  # the models' tables, dependants first (the metadata never changes)
        _table_names.extend(table.name for table in reversed(db.metadata.sorted_tables))
    tables = _table_names
    # Delete the rows of the tables that hold any (one query finds them), dependants first:
    # a DELETE per table, empty or not, cost more than most tests. (TRUNCATE on PostgreSQL
    # writes new files for every table and index: a fifth of a second a test.)
    filled = set(db.session.scalars(text(" UNION ALL ".join(
        f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables))))
    if database_url.startswith("postgresql"):
        if filled:
            db.session.execute(text("; ".join(
                f'DELETE FROM "{t}"' for t in tables if t in filled)))
        # Every sequence that has been used starts again; setval(..., false) leaves it as
        # new (ALTER SEQUENCE ... RESTART writes a new file for each: 7 ms a test).
        db.session.execute(text(
            "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, "
            "false) FROM pg_sequences WHERE last_value IS NOT NULL"))
    else:
        for table in tables:
            if table in filled:
                db.session.execute(text(f'DELETE FROM "{table}"'))
    db.session.commit()


# --- mail ---------------------------------------------------------------------------------

class Mailbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self._lock = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd hook
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
            self._lock.notify_all()
        return "250 Message accepted"

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list:
        """Every message so far, once there are at least ``count`` (woken by each arrival)."""
        with self._lock:
            if self._lock.wait_for(lambda: len(self.messages) >= count, timeout=timeout):
                return list(self.messages)
            raise AssertionError(f"expected {count} emails, got {len(self.messages)}")

    def body(self, message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture(scope="session")
def smtp_server():
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=pg.free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    smtp_server.handler.clear()
    return smtp_server.handler


# --- the app ------------------------------------------------------------------------------

TEST_DATA_KEY = "c3VtbWl0LXRlc3QtZGF0YS1rZXktMzItYnl0ZXMhISE="
FONT_CACHE = Path(__file__).resolve().parents[2] / ".cache" / "fonts"


def test_config(database_url: str, instance: str, smtp_port: int, **extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": instance,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        # Cheap hashing keeps the suite fast (scrypt still, n=128: the least OpenSSL allows
        # with its memory limit; 0.3 ms a hash); production uses werkzeug's scrypt defaults.
        "PASSWORD_HASH_METHOD": "scrypt:128:8:1",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "SERVER_BASE_URL": "http://localhost",
        # The fast badge font is built once per checkout, not once per test.
        "FONT_CACHE_DIR": str(FONT_CACHE),
        "BADGE_RENDER_PROCESSES": 1,
        # A fixed data key (summit/sealing.py), and no start-up check against the database.
        "DATA_KEY": TEST_DATA_KEY,
        "DATA_KEY_CHECK": False,
    }
    config.update(extra)
    return config


@pytest.fixture
def app_config(database_url, tmp_path, smtp_server, request) -> dict:
    """The configuration the test's `app` is built from:

    - ``@pytest.mark.app_config(KEY=value, ...)`` on a test, class or module adds settings
      (the closest marker wins);
    - browser tests (``@pytest.mark.e2e``) turn CSRF on, as a browser sends real forms, and
      point emailed links at their live server;
    - ``@pytest.mark.redis`` runs background jobs on a real Redis, emptied for the test.
    """
    config = test_config(database_url, str(tmp_path / "instance"), smtp_server.port)
    for marker in reversed(list(request.node.iter_markers("app_config"))):
        config.update(marker.kwargs)
    if request.node.get_closest_marker("e2e") is not None:
        host, port = request.getfixturevalue("server_socket").getsockname()
        config["WTF_CSRF_ENABLED"] = True
        config["SERVER_BASE_URL"] = f"http://{host}:{port}"
    if request.node.get_closest_marker("redis") is not None:
        url = request.getfixturevalue("redis_url")
        with Redis.from_url(url) as connection:
            connection.flushdb()
        config["REDIS_URL"] = url
    return config


@pytest.fixture
def configured_app(app_config: dict, request: pytest.FixtureRequest) -> Callable[..., Flask]:
    """``configured_app(PROPAGATE_EXCEPTIONS=False)``: the test's `app`, built with these
    settings. Call it before anything else requests `app`."""
    def build(**settings) -> Flask:
        app_config.update(settings)
        app = request.getfixturevalue("app")
        late = {key for key, value in settings.items() if app.config.get(key) != value}
        assert not late, f"the app was built before configured_app() set {sorted(late)}"
        return app

    return build


# --- Redis --------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A throw-away redis-server for the session (each xdist worker has its own)."""
    binary = find_server()
    if binary is None:
        if IN_CI:
            pytest.fail("redis-server is not installed: CI must run the Redis tests. "
                        "Run scripts/system-packages.sh test.")
        pytest.skip("redis-server is not installed (scripts/system-packages.sh test)")
    server = RedisServer(binary)
    server.start()
    yield server.url
    server.stop()


class BuiltApps:
    """Apps already built in this worker, by configuration, for the tests that follow.

    Building an app costs a sixth of a second (werkzeug compiles every URL rule, Jinja every
    template again), more than most tests. A test gets an app built from exactly its
    configuration; between tests the database is wiped, what the test added to
    ``app.extensions`` (caches, the job threads, the Redis queue) is dropped after its
    background jobs have finished, and an app the test changed in any other way (its
    configuration, routes, hooks, template loader) is thrown away rather than reused.
    ``@pytest.mark.own_app`` gives a test a new app of its own (to add routes to it)."""

    LIMIT = 4

    def __init__(self) -> None:
        self._apps: dict[str, tuple[Flask, tuple]] = {}

    @staticmethod
    def key(config: dict) -> str:
        # The instance folder is the test's own: it is set on the app for each test.
        return repr(sorted((k, v) for k, v in config.items() if k != "INSTANCE_PATH"))

    @staticmethod
    def fingerprint(app: Flask) -> tuple:
        """What a test could change on the app, copied (functions compare by identity)."""
        def hooks(registry: dict) -> dict:
            return {scope: list(functions) for scope, functions in registry.items()}

        handlers = {scope: {code: dict(by_class) for code, by_class in codes.items()}
                    for scope, codes in app.error_handler_spec.items()}
        return (copy.deepcopy(dict(app.config)), dict(app.view_functions),
                sorted(rule.rule for rule in app.url_map.iter_rules()),
                tuple(sorted(app.extensions)), app.jinja_env.loader, app.wsgi_app,
                hooks(app.before_request_funcs), hooks(app.after_request_funcs),
                hooks(app.teardown_request_funcs), list(app.teardown_appcontext_funcs),
                handlers, hooks(app.template_context_processors),
                dict(app.jinja_env.globals), dict(app.jinja_env.filters),
                app.testing, app.debug, app.secret_key)

    def take(self, config: dict, fresh: bool) -> tuple[Flask, tuple]:
        found = None if fresh else self._apps.pop(self.key(config), None)
        if found is None:
            app = create_app(config)
            found = (app, self.fingerprint(app))
        app = found[0]
        app.instance_path = str(Path(config["INSTANCE_PATH"]).resolve())
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        return found

    def give_back(self, config: dict, app: Flask, fingerprint: tuple, fresh: bool) -> bool:
        """Keep the app for the next test with its configuration; False when it is thrown
        away (its connections are then the caller's to close, after the wipe)."""
        for name in set(app.extensions) - set(fingerprint[3]):
            added = app.extensions.pop(name)
            if isinstance(added, Executor):
                added.shutdown(wait=True)  # its jobs finish before the next test
            elif hasattr(getattr(added, "connection", None), "close"):
                added.connection.close()  # the Redis queue's connection pool
        if fresh or self.fingerprint(app) != fingerprint:
            return False
        self._apps[self.key(config)] = (app, fingerprint)
        while len(self._apps) > self.LIMIT:
            evicted, _ = self._apps.pop(next(iter(self._apps)))
            with evicted.app_context():
                close_connections()
        return True


_built_apps = BuiltApps()


@pytest.fixture
def app(app_config, database_url, request):
    # A browser test's app names its own server's port: no other test can use it again.
    fresh = any(request.node.get_closest_marker(name) is not None for name in ("own_app", "e2e"))
    config = copy.deepcopy(app_config)
    app, fingerprint = _built_apps.take(config, fresh)
    with app.app_context():
        if database_url not in _schemas_ready:
            db.drop_all()
            db.create_all()
            _schemas_ready.add(database_url)
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.rollback()
    db.session.remove()
    kept = _built_apps.give_back(config, app, fingerprint, fresh)
    wipe(database_url)
    db.session.remove()
    if not kept:
        close_connections()
    ctx.pop()


def close_connections() -> None:
    """Close the current app's pooled connections. A kept app keeps its pool for the next
    test: reconnecting, and on SQLite the checkpoint that closing the last connection to a WAL
    database makes, cost more than most tests."""
    for engine in db.engines.values():
        engine.dispose()


class OwnContextClient(FlaskClient):
    """Runs every request in an app context of its own, as a server does.

    The ``app`` fixture keeps one app context pushed for the whole test, and Flask reuses a
    pushed app context for requests; ``g`` would then outlive a request. Flask-Babel caches
    the chosen locale in ``g`` and Flask-Login the current user, so a language switch or a
    lost session cookie would go unnoticed by the next request.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def bare_client_for(app: Flask) -> FlaskClient:
    """A client that sends no Accept-Language header."""
    return OwnContextClient(app, app.response_class, use_cookies=True)


def english_client_for(app: Flask) -> FlaskClient:
    client = bare_client_for(app)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser (or API client) that asks for English, so messages are compared as the code
    writes them. Tests of the language choice itself use ``bare_client``."""
    return english_client_for(app)


@pytest.fixture
def other_client(app: Flask) -> FlaskClient:
    """A second browser (English), with cookies of its own."""
    return english_client_for(app)


@pytest.fixture
def bare_client(app: Flask) -> FlaskClient:
    return bare_client_for(app)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(client) -> Callable[[str, str], None]:
    """Log in through the real login form."""
    def do(email: str, password: str = factories.PASSWORD) -> None:
        response = client.post("/auth/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]

    return do


@pytest.fixture
def count_queries(app):
    """``with count_queries() as statements:``: every SQL statement the app's engine runs
    inside the block (to prove a page's query count does not grow with its rows)."""
    return lambda engine=None: statements_run(engine or db.engine)
