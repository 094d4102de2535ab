"""/healthz, /readyz and /metrics as a load balancer and Prometheus use them; the JSON log
lines with their request id."""
from __future__ import annotations

import json
import logging

import pytest
from prometheus_client import REGISTRY

from summit import create_app, logs
from summit.extensions import db
from summit.services.core import mail, storage
from tests.support.checkin import post, token_of

OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_healthz_and_readyz_answer_when_everything_is_reachable(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["checks"] == {"database": "ok", "redis": "not configured",
                                          "storage": "ok"}


def test_readyz_says_which_dependency_failed(app, client, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    app.extensions[storage.EXTENSION] = storage.LocalStorage(blocked / "uploads")

    ready = client.get("/readyz")

    assert ready.status_code == 503
    assert ready.get_json()["failed"] == ["storage"]
    assert ready.get_json()["checks"]["database"] == "ok"


@pytest.mark.app_config(REDIS_URL="redis://127.0.0.1:1/0")
def test_readyz_fails_when_redis_cannot_be_reached(client):
    ready = client.get("/readyz")
    assert (ready.status_code, ready.get_json()["failed"]) == (503, ["redis"])


@pytest.mark.app_config(METRICS_TOKEN="scrape-secret")
def test_metrics_only_from_allowed_addresses_or_with_the_token(client):
    assert client.get("/metrics").status_code == 200  # 127.0.0.1 is allowed by default
    refused = client.get("/metrics", environ_base=OUTSIDE)
    assert refused.status_code == 403
    assert "configured addresses" in refused.get_data(as_text=True)
    assert client.get("/metrics", environ_base=OUTSIDE,
                      headers={"Authorization": "Bearer wrong"}).status_code == 403
    allowed = client.get("/metrics", environ_base=OUTSIDE,
                         headers={"Authorization": "Bearer scrape-secret"})
    assert allowed.status_code == 200


def test_metrics_count_scans_by_result_and_gate_and_time_requests(client, auth, event, holder):
    token = token_of(holder)
    ok_before = sample("summit_scans_total", result="ok", gate="东门")
    duplicate_before = sample("summit_scans_total", result="duplicate", gate="西门")
    timed_before = sample("summit_request_seconds_count", endpoint="api.create_checkin")

    post(client, auth, event, token=token, gate="东门", scan_id="m-1")
    post(client, auth, event, token=token, gate="西门", scan_id="m-2")

    assert sample("summit_scans_total", result="ok", gate="东门") == ok_before + 1
    assert sample("summit_scans_total", result="duplicate", gate="西门") == duplicate_before + 1
    assert sample("summit_request_seconds_count",
                  endpoint="api.create_checkin") == timed_before + 2
    text = client.get("/metrics").get_data(as_text=True)
    assert 'summit_scans_total{gate="东门",result="ok"}' in text
    assert 'summit_jobs{status="queued"} 0.0' in text
    assert "summit_emails_failed_total" in text


@pytest.mark.app_config(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)
def test_an_email_the_server_refuses_is_counted(app):
    before = sample("summit_emails_failed_total")
    with pytest.raises(OSError):
        mail.send_email("someone@example.com", "Hello", "Body")
    assert sample("summit_emails_failed_total") == before + 1


def test_a_log_line_is_json_with_the_request_id_and_no_personal_data(client, caplog):
    handler = logging.Handler()
    lines: list[str] = []
    handler.emit = lambda record: lines.append(logs.JsonFormatter().format(record))
    access = logging.getLogger("summit.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    wrapped = client.application.wsgi_app
    log_requests = wrapped.log_requests
    wrapped.log_requests = True
    try:
        response = client.post("/auth/login", data={"email": "zhaobo@example.com",
                                                    "password": "wrong"},
                               headers={"X-Request-ID": "nginx-req-12345"})
    finally:
        wrapped.log_requests = log_requests
        access.removeHandler(handler)
    assert response.headers["X-Request-ID"] == "nginx-req-12345"
    line = json.loads(lines[-1])
    assert line["request_id"] == "nginx-req-12345"
    assert (line["event"], line["endpoint"], line["method"]) == ("request", "auth.login", "POST")
    assert "zhaobo" not in lines[-1]


def test_one_logging_set_up_gives_masked_json_lines_with_the_request_id(app_config):
    """LOG_JSON: the root logger has one handler, writing JSON lines; privacy's masking
    applies to the message and to the fields a record carries."""
    root = logging.getLogger()
    kept = root.handlers[:], root.level
    json_app = None
    try:
        json_app = create_app({**app_config, "LOG_JSON": True})
        handlers = [h for h in root.handlers if isinstance(h.formatter, logs.JsonFormatter)]
        assert len(handlers) == 1 and len(root.handlers) == 1
        lines: list[str] = []
        handlers[0].emit = lambda record: lines.append(handlers[0].format(record))
        json_app.add_url_rule("/log-something", "log_something", lambda: (
            logging.getLogger("summit.test").warning(
                "call %s", "13812345678", extra={"fields": {"contact": "zhao.bo@example.com"}})
            or "logged"))
        response = json_app.test_client().get("/log-something",
                                              headers={"X-Request-ID": "nginx-req-67890"})
    finally:
        root.handlers[:], root.level = kept
        if json_app is not None:  # its pooled connections close now, not in a later test
            with json_app.app_context():
                db.engine.dispose()
    assert response.status_code == 200
    line = json.loads(next(line for line in lines if '"summit.test"' in line))
    assert line["request_id"] == "nginx-req-67890"
    assert (line["event"], line["contact"]) == ("call [phone]", "[email]")


@pytest.mark.app_config(ALLOWED_HOSTS=["summit.example.org"])
def test_health_and_metrics_answer_an_app_servers_own_address(client):
    """A load balancer or Prometheus asks 10.0.0.11:8000 itself, not the site's name."""
    server = {"Host": "10.0.0.11:8000"}
    assert client.get("/healthz", headers=server).status_code == 200
    assert client.get("/readyz", headers=server).status_code == 200
    assert client.get("/metrics", headers=server).status_code == 200
    assert client.get("/auth/login", headers=server).status_code == 400
