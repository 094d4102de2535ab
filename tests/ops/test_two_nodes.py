"""Two app servers behind nginx, as the README deploys them (deploy/): one PostgreSQL, one
Redis, an RQ worker, two gunicorn processes on the same settings, nginx rendered from
deploy/nginx/summit.conf. Everything below goes through nginx (TLS) unless it says a node.

One set-up (about ten seconds on a quiet machine) for one test: every check below is a
subtest of it, so that pytest-xdist cannot give the checks to two workers and start the
installation twice."""
from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

import flask_migrate
import pytest
import requests
from sqlalchemy import func, select

from summit import create_app
from summit.extensions import db
from summit.models import BadgeJob, Role
from summit.models.storage import SigningKey
from summit.services.core import storage
from summit.services.press import applications as press, files as press_files
from tests.support import factories, plugin, press_factories
from tests.support.checkin import enrol, token_of
from tests.support.nodes import NODE_HEADER, SECRET_KEY, find_nginx, new_installation

pytestmark = pytest.mark.postgres_only

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
METRICS_TOKEN = "two-nodes-metrics-token"


class Site:
    """The installation and what the module made in it, seen through nginx."""

    def __init__(self, installation, app) -> None:
        self.installation, self.app = installation, app
        self.url, self.verify = installation.https_url, str(installation.certificate)

    def session(self) -> requests.Session:
        session = requests.Session()
        session.verify, session.trust_env = self.verify, False
        # Over HTTPS, Flask-WTF checks that a form comes from the site itself, as browsers say.
        session.headers["Referer"] = f"{self.url}/"
        return session

    def on_other_node(self, call, than: str, tries: int = 6) -> requests.Response:
        """``call()`` until a node other than ``than`` answers (nginx takes turns)."""
        for _ in range(tries):
            response = call()
            if response.headers.get(NODE_HEADER) != than:
                return response
        raise AssertionError(f"only {than} answered")

    def log_in(self, session: requests.Session, email: str) -> set[str]:
        """The login form from one node, posted to the other; the nodes that answered."""
        form = session.get(f"{self.url}/auth/login")
        first = form.headers[NODE_HEADER]
        token = CSRF.search(form.text).group(1)
        answer = self.on_other_node(lambda: session.post(
            f"{self.url}/auth/login", data={"email": email, "password": factories.PASSWORD,
                                            "csrf_token": token}, allow_redirects=False),
            first)
        assert answer.status_code == 302, re.sub(r"<[^>]+>", " ", answer.text)[-1500:]
        return {first, answer.headers[NODE_HEADER]}


@pytest.fixture(scope="module")
def site(pg_cluster, redis_url, smtp_server, tmp_path_factory):
    nginx = find_nginx()
    if nginx is None:
        if plugin.IN_CI:
            pytest.fail("nginx is not installed: run scripts/system-packages.sh test")
        pytest.skip("nginx is not installed (scripts/system-packages.sh test)")
    # A database of its own each time (pytest-xdist may split the module and set it up twice).
    url = pg_cluster.create_database(f"summit_nodes_{uuid.uuid4().hex[:8]}")
    installation = new_installation(url, redis_url, smtp_server.port,
                                    SUMMIT_METRICS_ALLOWED="192.0.2.1",
                                    SUMMIT_METRICS_TOKEN=METRICS_TOKEN)
    try:
        app = create_app(plugin.test_config(url, str(tmp_path_factory.mktemp("nodes-app")),
                                            smtp_server.port, STORAGE="database",
                                            SECRET_KEY=SECRET_KEY))
        with app.app_context():
            # The schema as `flask db upgrade` leaves it (its own test is test_migrations).
            db.create_all()
            flask_migrate.stamp()
            db.session.commit()
            installation.start_node(workers=2)  # its metrics: the sum of two workers
            installation.start_node()
            installation.start_worker()
            installation.wait_for_nodes()
            installation.start_nginx(nginx)
            yield Site(installation, app)
            db.session.remove()
            db.engine.dispose()
    finally:
        installation.stop()


@pytest.fixture(scope="module")
def people(site):
    """A summit with an organiser, check-in staff, a press applicant and two delegates."""
    summit = press_factories.press_summit("two-nodes")
    factories.make_category(summit, "delegate", "代表", zones=[summit.zones[0]])
    organiser = factories.make_member(summit, Role.ORGANISER, "organiser@example.com")
    staff = factories.make_member(summit, Role.CHECKIN_STAFF, "gate@example.com")
    applicant = press_factories.applicant(summit, "press@example.com")
    holders = [enrol(summit, name, f"{email}@example.com", organiser)
               for name, email in (("赵波", "zhaobo"), ("李娜", "lina"))]
    return {"summit": summit, "slug": summit.slug, "organiser": organiser, "staff": staff,
            "applicant": applicant, "holders": holders}


def bearer(site: Site, email: str) -> dict:
    response = requests.post(f"{site.url}/api/v1/tokens", verify=site.verify,
                             json={"email": email, "password": factories.PASSWORD})
    assert response.status_code in (200, 201), response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def check_nginx_spreads_requests_over_both_app_servers(site, people):
    answered = {requests.get(f"{site.url}/healthz", verify=site.verify).headers[NODE_HEADER]
                for _ in range(4)}
    assert answered == set(site.installation.nodes)
    ready = requests.get(f"{site.url}/readyz", verify=site.verify).json()
    assert ready["checks"] == {"database": "ok", "redis": "ok", "storage": "ok"}
    # Plain HTTP is sent to HTTPS; static files come from nginx itself (no node named).
    moved = requests.get(f"{site.installation.http_url}/healthz", allow_redirects=False)
    assert moved.status_code == 301 and moved.headers["Location"].startswith("https://")
    static = next(Path(site.app.static_folder).rglob("*.css"))
    css = requests.get(f"{site.url}/static/{static.relative_to(site.app.static_folder)}",
                       verify=site.verify)
    assert css.content == static.read_bytes() and not css.headers.get(NODE_HEADER)


def check_a_photo_uploaded_through_one_node_downloads_through_the_other(site, people):
    auth = bearer(site, "press@example.com")
    uploaded = requests.post(f"{site.url}/api/v1/press-files", headers=auth, verify=site.verify,
                             data={"kind": "photo"},
                             files={"file": ("me.jpg", press_factories.photo_jpeg())})
    assert uploaded.status_code == 201, uploaded.text
    token, first = uploaded.json()["token"], uploaded.headers[NODE_HEADER]
    # The application names the photo (in this process: a third server on the same data).
    details = press_factories.details(people["applicant"])
    details.applicant.photo_token = token
    application = press.save_application(people["applicant"], people["summit"], details,
                                         submit=True)
    stored = press_files.load(token)[0]
    assert storage.current().name == "database"

    browser = site.session()
    site.log_in(browser, "press@example.com")
    download = site.on_other_node(lambda: browser.get(
        f"{site.url}/press-applications/{application.id}/files/{token}"), first)

    assert download.status_code == 200
    assert download.content == stored and download.content[:3] == b"\xff\xd8\xff"


def check_a_badge_scanned_at_one_node_is_a_duplicate_at_the_other(site, people):
    auth = bearer(site, "gate@example.com")
    token = token_of(people["holders"][0])
    checkins = f"{site.url}/api/v1/summits/{people['slug']}/checkins"

    first = requests.post(checkins, headers=auth, verify=site.verify,
                          json={"token": token, "gate": "东门", "scan_id": "node-1"})
    assert (first.status_code, first.json().get("result")) == (200, "ok"), site.installation.logs()
    second = site.on_other_node(lambda: requests.post(
        checkins, headers=auth, verify=site.verify,
        json={"token": token, "gate": "西门", "scan_id": f"node-2-{time.monotonic_ns()}"}),
        first.headers[NODE_HEADER])

    assert second.json()["result"] == "duplicate"
    assert second.json()["first_gate"] == "东门"


def check_a_badge_batch_requested_on_one_node_is_rendered_by_the_worker(site, people):
    browser = site.session()
    site.log_in(browser, "organiser@example.com")
    page = browser.get(f"{site.url}/summits/{people['slug']}/badges")
    requested = site.on_other_node(lambda: browser.post(
        f"{site.url}/summits/{people['slug']}/badges", allow_redirects=False,
        data={"csrf_token": CSRF.search(page.text).group(1), "selection": "all_approved",
              "size": "a6", "category": "", "delegation": ""}), page.headers[NODE_HEADER])
    assert requested.status_code == 302, requested.text[:500]
    batch = requested.headers["Location"]
    deadline = time.monotonic() + 60
    status = {}
    while time.monotonic() < deadline:
        status = browser.get(f"{site.url}{batch}/status" if batch.startswith("/")
                             else f"{batch}/status").json()
        if status["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert status["status"] == "done", (status, site.installation.logs())
    job = db.session.scalar(select(BadgeJob).order_by(BadgeJob.id.desc()))
    db.session.refresh(job)
    assert job.status.value == "done"

    downloads = {}
    for _ in range(4):  # from both nodes
        answer = browser.get(f"{site.url}/summits/{people['slug']}/badges/batches/{job.key}"
                             "/download")
        downloads[answer.headers[NODE_HEADER]] = answer
    assert set(downloads) == set(site.installation.nodes)
    for answer in downloads.values():
        assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    assert len({answer.content for answer in downloads.values()}) == 1


def check_the_summit_has_one_signing_key_whichever_node_signs_or_checks(site, people):
    auth = bearer(site, "gate@example.com")
    checkins = f"{site.url}/api/v1/summits/{people['slug']}/checkins"
    token = token_of(people["holders"][1])
    answers = [requests.post(checkins, headers=auth, verify=site.verify,
                             json={"token": token, "gate": "南门", "scan_id": f"key-{n}"})
               for n in range(2)]
    assert {a.headers[NODE_HEADER] for a in answers} == set(site.installation.nodes)
    assert [a.json()["result"] for a in answers] == ["ok", "duplicate"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SigningKey).where(
        SigningKey.summit_id == people["summit"].id)) == 1


def check_sessions_and_csrf_work_whichever_node_answers(site, people):
    browser = site.session()
    assert len(site.log_in(browser, "organiser@example.com")) == 2
    pages = [browser.get(f"{site.url}/summits/{people['slug']}/badges", allow_redirects=False)
             for _ in range(4)]
    assert {p.headers[NODE_HEADER] for p in pages} == set(site.installation.nodes)
    assert all(p.status_code == 200 for p in pages)
    # A form without its token is refused, on either node.
    refused = browser.post(f"{site.url}/summits/{people['slug']}/badges",
                           data={"selection": "all_approved", "size": "a6"})
    assert refused.status_code == 400


def check_forwarded_https_gives_secure_cookies(site, people):
    through_nginx = requests.get(f"{site.url}/auth/login", verify=site.verify)
    assert "; Secure" in through_nginx.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in through_nginx.headers
    node = site.installation.nodes[0]
    plain = requests.get(f"http://{node}/auth/login")
    assert "Secure" not in plain.headers["Set-Cookie"]
    forwarded = requests.get(f"http://{node}/auth/login",
                             headers={"X-Forwarded-Proto": "https"})
    assert "; Secure" in forwarded.headers["Set-Cookie"]


def check_metrics_are_summed_over_a_nodes_workers_and_refused_from_outside(site, people):
    # nginx refuses /metrics; a node refuses an address it was not told to allow.
    assert requests.get(f"{site.url}/metrics", verify=site.verify).status_code == 403
    node = site.installation.nodes[0]
    assert requests.get(f"http://{node}/metrics").status_code == 403
    token = {"Authorization": f"Bearer {METRICS_TOKEN}"}

    def healthz_count() -> float:
        scraped = requests.get(f"http://{node}/metrics", headers=token)
        assert scraped.status_code == 200
        found = re.search(r'^summit_request_seconds_count\{endpoint="ops.healthz"\} (\S+)$',
                          scraped.text, re.M)
        return float(found.group(1)) if found else 0.0

    before = healthz_count()
    for _ in range(12):  # a connection each: the kernel spreads them over both workers
        with requests.Session() as fresh:
            fresh.get(f"http://{node}/healthz")
    pids = {p.name.split("_")[-1] for p in (site.installation.root / "node1" / "metrics")
            .glob("*.db")}
    assert healthz_count() == before + 12  # whichever worker answers the scrape
    assert len(pids) >= 2  # prometheus_client's files, one set per worker process


CHECKS = [
    check_nginx_spreads_requests_over_both_app_servers,
    check_a_photo_uploaded_through_one_node_downloads_through_the_other,
    check_a_badge_scanned_at_one_node_is_a_duplicate_at_the_other,
    check_a_badge_batch_requested_on_one_node_is_rendered_by_the_worker,
    check_the_summit_has_one_signing_key_whichever_node_signs_or_checks,
    check_sessions_and_csrf_work_whichever_node_answers,
    check_forwarded_https_gives_secure_cookies,
    check_metrics_are_summed_over_a_nodes_workers_and_refused_from_outside,
]


def test_two_app_servers_behind_nginx(site, people, subtests):
    for check in CHECKS:
        with subtests.test(check.__name__.removeprefix("check_").replace("_", " ")):
            check(site, people)
