"""Browser tests (part of the tests' plugin): the test app served over real HTTP and driven
by Debian's Chromium. A test marked ``e2e`` gets CSRF on and emailed links to its server (see
``app_config``).

Each test gets its own server (on the test's `app`, so on SQLite and on PostgreSQL) and its own
browser context; the browser process is shared by the session. A failing test leaves a
screenshot in tests/e2e/screenshots/.
"""
from __future__ import annotations

import os
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from werkzeug.serving import make_server

from tests.support.e2e import DESKTOP

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "e2e" / "screenshots"
TIMEOUT_MS = 10_000


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the item (`item.report_call`) for the `page` teardown."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# --- the server ---------------------------------------------------------------------------

@pytest.fixture
def server_socket() -> Iterator[socket.socket]:
    """A listening socket on a free port, held from before the app is configured so the port
    cannot be taken by someone else in between."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    yield sock
    sock.close()


@dataclass
class LiveServer:
    url: str
    errors: list[BaseException] = field(default_factory=list)


@pytest.fixture
def live_server(app: Flask, app_config: dict, server_socket: socket.socket,
                request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    assert request.node.get_closest_marker("e2e") is not None, \
        "a live server is for browser tests: mark the test e2e (pytestmark = pytest.mark.e2e)"
    live = LiveServer(url=app_config["SERVER_BASE_URL"])

    def wsgi(environ: dict, start_response: Any) -> Any:
        # TESTING propagates exceptions; note them so a 500 fails the test by name.
        try:
            answer = app(environ, start_response)
        except BaseException as error:
            live.errors.append(error)
            raise
        # Sent from memory, with the app's iterable (a static file's handle) closed here:
        # werkzeug skips close() when the browser drops the connection half-way, and the
        # file's ResourceWarning would then fail whichever test collects it.
        try:
            return [b"".join(answer)]
        finally:
            if hasattr(answer, "close"):
                answer.close()

    host, port = server_socket.getsockname()
    # werkzeug duplicates the descriptor and closes its copy when serve_forever ends.
    server = make_server(host, port, wsgi, threaded=True, fd=server_socket.fileno())
    # A short poll: shutdown() waits for the loop to look (half a second by default).
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), name="live-server",
                              daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join(timeout=10)
    assert not thread.is_alive(), "the live server did not stop"
    # A 500 the test did not notice still fails it; when the test failed already, the
    # traceback is in its captured log and a second report would only repeat it.
    report = getattr(request.node, "report_call", None)
    if report is not None and report.passed:
        assert not live.errors, f"the server failed while handling a request: {live.errors!r}"


# --- the browser --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """One Playwright per worker: a second sync instance cannot start inside the first's loop."""
    if not os.access(CHROMIUM, os.X_OK):
        message = (f"Chromium is not installed at {CHROMIUM}: the browser tests need Debian's "
                   "chromium package (scripts/system-packages.sh test).")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                         args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def device() -> dict:
    """Browser context options for the screen; parametrise a test with `device` to change."""
    return DESKTOP


@pytest.fixture
def browser_locale(request: pytest.FixtureRequest) -> str:
    """The browser's language (Accept-Language): English keeps most selectors plain;
    ``@pytest.mark.browser_locale("zh-CN")`` changes it."""
    marker = request.node.get_closest_marker("browser_locale")
    return marker.args[0] if marker is not None else "en-US"


def screenshot_name(item: pytest.Item) -> str:
    return re.sub(r"[^\w.-]+", "_", item.name).strip("_") + ".png"


@pytest.fixture
def page(browser: Browser, live_server: LiveServer, device: dict, browser_locale: str,
         request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, locale=browser_locale,
                                  timezone_id="Asia/Shanghai", **device)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        yield page
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed and not page.is_closed():
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=SCREENSHOTS / screenshot_name(request.node), full_page=True)
    finally:
        context.close()
