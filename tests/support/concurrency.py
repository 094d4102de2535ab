"""Real parallel HTTP requests (part of the tests' plugin): the test app on werkzeug's threaded
server, on a thread of the test process, where every request has its own app context, session
and pooled connection."""
from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from summit.extensions import db

# For ``pytest.mark.app_config(**MANY_CONNECTIONS)``: enough pooled connections for the server
# threads; the rest wait for one.
MANY_CONNECTIONS = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 40,
                                                  "max_overflow": 10, "pool_timeout": 120}}


@pytest.fixture
def server(app) -> Iterator[tuple[str, int]]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)  # all 500 connections queue; none is refused
    host, port = sock.getsockname()
    errors: list[BaseException] = []

    def wsgi(environ, start_response):
        try:
            return app(environ, start_response)
        except BaseException as error:
            errors.append(error)
            raise

    httpd = make_server(host, port, wsgi, threaded=True, fd=sock.fileno())
    httpd.request_queue_size = 1024
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)  # prompt stop
    thread.start()
    yield host, port
    httpd.shutdown()
    thread.join(timeout=10)
    sock.close()
    assert errors == []


def call(address: tuple[str, int], method: str, path: str, token: str,
         body: dict | None = None) -> tuple[int, dict]:
    connection = http.client.HTTPConnection(*address, timeout=120)
    try:
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
        payload = None
        if body is not None:
            payload = json.dumps(body)
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def fire(address, requests: list[tuple]) -> list[tuple[int, dict]]:
    """Send every (method, path, token) or (method, path, token, JSON body) at once from a
    thread each; answers in order. An empty token sends no usable bearer token."""
    db.session.close()  # the test's own session holds no connection while requests run
    barrier = threading.Barrier(len(requests))
    answers: list[tuple[int, dict] | None] = [None] * len(requests)

    def one(index: int, method: str, path: str, token: str, body: dict | None = None) -> None:
        barrier.wait(timeout=60)
        try:
            answers[index] = call(address, method, path, token, body)
        except Exception as error:
            answers[index] = (0, {"exception": repr(error)})

    threads = [threading.Thread(target=one, args=(i, *request))
               for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return answers  # type: ignore[return-value]
