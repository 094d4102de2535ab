"""What every page shares: security headers, cookies over HTTPS, no inline scripts, the
language choice, error pages, CSRF, and list pages without N+1 queries."""
from __future__ import annotations

import re

import pytest

from summit.extensions import db
from summit.models import Role
from summit.services.accounts import users as accounts
from summit.services.core import audit
from summit.services.summits import settings as summit_service
from tests.app.matrix import ROUTES, build_world
from tests.support import factories
from tests.support.pages import flashes, location, text, translate

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
DESCRIBED_BY = re.compile(r'aria-describedby="([^"]*)"')
ELEMENT_ID = re.compile(r'\sid="([^"]+)"')
HTML_LANG = re.compile(r'<html lang="([^"]+)">')
CSRF_FIELD = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def html_pages(client, world) -> dict[str, object]:
    """Every HTML page the table lists, as the current user sees it, plus error pages."""
    responses = {}
    for route in ROUTES:
        if route.method == "GET" and not route.is_api:
            responses[str(route)] = client.get(route.url(world))
    responses["404"] = client.get("/no/such/page")
    responses["405"] = client.get("/auth/logout")
    return responses


def lang_of(response) -> str:
    return HTML_LANG.search(text(response)).group(1)


# --- headers and scripts ------------------------------------------------------------------

@pytest.mark.parametrize("role", [None, "admin"], ids=["anonymous", "admin"])
def test_every_html_page_has_the_security_headers_and_no_inline_script(
        client, as_role, summit, role):
    world = build_world(summit)
    world.user = as_role(role)

    pages = {name: response for name, response in html_pages(client, world).items()
             if response.mimetype == "text/html"}
    rendered = {name for name, response in pages.items() if not 300 <= response.status_code < 400}

    assert len(rendered) >= (20 if role else 11), sorted(rendered)
    for name, response in pages.items():
        headers = response.headers
        policy = directives(headers["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], name
        assert "'unsafe-inline'" not in policy["default-src"] + policy["script-src"], name
        assert policy["frame-ancestors"] == ["'none'"], name
        assert policy["object-src"] == ["'none'"], name
        assert headers["X-Frame-Options"] == "DENY", name
        assert headers["X-Content-Type-Options"] == "nosniff", name
        # A driver's page is opened by a secret link: it sends no Referer at all.
        assert headers["Referrer-Policy"] == (
            "no-referrer" if name.endswith("reception.driver") else "same-origin"), name
        assert "Strict-Transport-Security" not in headers, name  # plain HTTP
        if name not in rendered:
            continue
        page = text(response)
        scripts = SCRIPT_TAG.findall(page)
        # Every page loads the one site script (the kiosk and its exit, where nothing else
        # is reachable, only their own or none); a page with its own behaviour adds a file
        # of ours. No inline script anywhere.
        site = (' src="/static/js/summit.js" defer', "")
        assert name.endswith(("desk.kiosk", "desk.kiosk_exit")) or site in scripts, name
        assert all(re.fullmatch(r' src="/static/js/[\w-]+\.js" defer', attrs) and not body
                   for attrs, body in scripts), name
        assert not EVENT_HANDLER.search(page), name
        assert "javascript:" not in page, name
        ids = set(ELEMENT_ID.findall(page))
        for described_by in DESCRIBED_BY.findall(page):
            assert set(described_by.split()) <= ids, (name, described_by)


def test_the_api_answers_with_the_same_headers(client, summit):
    response = client.get("/api/v1/summits/kangding-test")

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "'unsafe-inline'" not in directives(
        response.headers["Content-Security-Policy"])["script-src"]


def test_cookies_are_secure_over_https(client):
    factories.make_user("pema@example.com")

    response = client.post("/auth/login", base_url="https://localhost", data={
        "email": "pema@example.com", "password": factories.PASSWORD, "remember": "y"})

    cookies = response.headers.getlist("Set-Cookie")
    assert {cookie.split("=")[0] for cookie in cookies} == {"session", "remember_token"}
    for cookie in cookies:
        attributes = [part.strip().lower() for part in cookie.split(";")]
        assert "secure" in attributes, cookie
        assert "httponly" in attributes, cookie
        assert "samesite=lax" in attributes, cookie
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert client.get("/auth/account", base_url="https://localhost").status_code == 200


def test_cookies_are_not_marked_secure_over_plain_http(client):
    factories.make_user("pema@example.com")

    response = client.post("/auth/login", data={
        "email": "pema@example.com", "password": factories.PASSWORD, "remember": "y"})

    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 2
    assert not any("secure" in (part.strip().lower() for part in cookie.split(";"))
                   for cookie in cookies)


# --- languages ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def log_in_words() -> dict[str, str]:
    """'Log in' as each compiled catalog has it; both Chinese ones must be translated."""
    words = {locale: translate(locale, "Log in") for locale in ("zh_Hans", "zh_Hant", "en")}
    assert words["en"] == "Log in"
    assert len({words["zh_Hans"], words["zh_Hant"], "Log in"}) == 3, words
    return words


def login_link(word: str) -> str:
    return f'<a href="/auth/login">{word}</a>'


def test_the_default_language_is_simplified_chinese(bare_client, log_in_words):
    response = bare_client.get("/")

    assert lang_of(response) == "zh-Hans"
    assert login_link(log_in_words["zh_Hans"]) in text(response)
    assert 'value="zh_Hans" class="link current"' in text(response)


@pytest.mark.parametrize("header, expected, lang", [
    ("en-US,en;q=0.9", "en", "en"),
    ("zh-TW,zh;q=0.8", "zh_Hant", "zh-Hant"),
    ("zh-Hant-HK", "zh_Hant", "zh-Hant"),
    ("zh-CN,zh;q=0.9,en;q=0.5", "zh_Hans", "zh-Hans"),
    ("fr-FR,fr;q=0.9", "zh_Hans", "zh-Hans"),
])
def test_the_browser_language_is_used_when_nothing_was_chosen(bare_client, log_in_words,
                                                              header, expected, lang):
    response = bare_client.get("/", headers={"Accept-Language": header})

    assert lang_of(response) == lang
    assert login_link(log_in_words[expected]) in text(response)


def test_the_language_switch_changes_the_interface(bare_client, log_in_words, summit):
    to_english = bare_client.post("/language", data={"lang": "en",
                                                     "next": "/summits/kangding-test"})

    assert to_english.status_code == 302
    assert location(to_english) == "/summits/kangding-test"
    english = bare_client.get("/")
    assert lang_of(english) == "en"
    assert login_link("Log in") in text(english)

    bare_client.post("/language", data={"lang": "zh_Hant", "next": "/"})

    traditional = bare_client.get("/", headers={"Accept-Language": "en"})
    assert lang_of(traditional) == "zh-Hant"  # the choice beats the browser's language
    assert login_link(log_in_words["zh_Hant"]) in text(traditional)

    bare_client.post("/language", data={"lang": "klingon", "next": "/"})
    assert lang_of(bare_client.get("/")) == "zh-Hant"  # unknown choices are ignored


def test_a_logged_in_choice_is_kept_on_the_account(bare_client, other_client, log_in_words):
    user = factories.make_user("pema@example.com", name="白玛")
    bare_client.post("/auth/login", data={"email": user.email,
                                          "password": factories.PASSWORD})

    response = bare_client.post("/language", data={"lang": "zh_Hant", "next": "/auth/account"})

    assert location(response) == "/auth/account"
    db.session.expire_all()
    assert db.session.get(type(user), user.id).locale == "zh_Hant"
    # A new browser that asks for English still gets the account's language once logged in.
    other_client.post("/auth/login", data={"email": user.email,
                                           "password": factories.PASSWORD})
    assert lang_of(other_client.get("/auth/account")) == "zh-Hant"


@pytest.mark.parametrize("locale, lang", [("zh_Hans", "zh-Hans"), ("zh_Hant", "zh-Hant"),
                                          ("en", "en")])
def test_error_pages_speak_the_chosen_language(bare_client, locale, lang):
    factories.make_user("pema@example.com")
    bare_client.post("/language", data={"lang": locale, "next": "/"})

    missing = bare_client.get("/no/such/page")

    assert missing.status_code == 404
    assert lang_of(missing) == lang
    assert f"<h1>{translate(locale, 'Page not found')}</h1>" in text(missing)
    assert f"<p>{translate(locale, 'This page does not exist.')}</p>" in text(missing)

    bare_client.post("/auth/login", data={"email": "pema@example.com",
                                          "password": factories.PASSWORD})
    forbidden = bare_client.get("/admin/users")

    assert forbidden.status_code == 403
    assert lang_of(forbidden) == lang
    assert f"<h1>{translate(locale, 'Access denied')}</h1>" in text(forbidden)
    assert translate(locale, "You do not have permission to see this page.") in text(forbidden)
    if locale != "en":
        assert "Access denied" not in text(forbidden)


def test_flashed_messages_follow_the_language(bare_client):
    bare_client.post("/language", data={"lang": "zh_Hant", "next": "/"})
    factories.make_user("pema@example.com")

    response = bare_client.post("/auth/login", data={"email": "pema@example.com",
                                                     "password": "wrong-password"})

    assert flashes(text(response)) == [
        ("error", translate("zh_Hant", "Wrong email or password."))]
    assert flashes(text(response))[0][1] != "Wrong email or password."


# --- CSRF ---------------------------------------------------------------------------------

def csrf_token_in(page: str) -> str:
    match = CSRF_FIELD.search(page)
    assert match, "no csrf_token field on the page"
    return match.group(1) or match.group(2)


# The CSRF tests turn CSRF on (the other tests post without tokens).
CSRF_ON = pytest.mark.app_config(WTF_CSRF_ENABLED=True)


@CSRF_ON
def test_a_post_without_the_csrf_token_is_refused(client, summit):
    factories.make_user("pema@example.com")
    form = {"email": "pema@example.com", "password": factories.PASSWORD}

    refused = client.post("/auth/login", data=form)

    assert refused.status_code == 400
    assert "<h1>The request could not be processed</h1>" in text(refused)
    assert "This form has expired or was sent from another page." in text(refused)
    assert "CSRF" not in text(refused)
    assert client.get("/auth/account").status_code == 302  # not logged in

    token = csrf_token_in(text(client.get("/auth/login")))
    accepted = client.post("/auth/login", data={**form, "csrf_token": token})

    assert accepted.status_code == 302
    assert location(accepted) == "/"
    assert client.get("/auth/account").status_code == 200


@CSRF_ON
def test_a_wrong_csrf_token_is_refused_and_action_buttons_carry_the_right_one(client):
    admin = factories.make_user("admin@example.com", admin=True)
    user = factories.make_user("deputy@example.com")
    page = text(client.get("/auth/login"))
    client.post("/auth/login", data={"email": admin.email, "password": factories.PASSWORD,
                                          "csrf_token": csrf_token_in(page)})

    forged = client.post(f"/admin/users/{user.id}/admin",
                              data={"is_admin": "1", "csrf_token": "forged"})

    assert forged.status_code == 400
    db.session.expire_all()
    assert db.session.get(type(user), user.id).is_admin is False

    listing = text(client.get("/admin/users?q=deputy"))
    token = csrf_token_in(listing[listing.index(f"/admin/users/{user.id}/admin"):])
    done = client.post(f"/admin/users/{user.id}/admin",
                            data={"is_admin": "1", "csrf_token": token})

    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(user), user.id).is_admin is True

    no_token_logout = client.post("/auth/logout")
    assert no_token_logout.status_code == 400
    assert client.get("/auth/account").status_code == 200  # still logged in


@CSRF_ON
def test_the_api_needs_no_csrf_token(client):
    factories.make_user("pema@example.com")

    response = client.post("/api/v1/tokens", json={"email": "pema@example.com",
                                                        "password": factories.PASSWORD})

    assert response.status_code == 201


# --- query counts -------------------------------------------------------------------------

@pytest.fixture
def queries_for(client, count_queries):
    """``queries_for(path)``: how many SQL statements the page at ``path`` runs."""
    def count(path: str) -> int:
        assert client.get(path).status_code == 200  # warm up: caches, lazy imports
        with count_queries() as statements:
            response = client.get(path)
        assert response.status_code == 200
        return len(statements)

    return count


def test_the_users_page_runs_as_many_queries_for_50_rows_as_for_1(client, as_role, summit,
                                                                  queries_for):
    as_role("admin")  # the one row
    one = queries_for("/admin/users")

    other = factories.make_summit("chengdu-2028")
    for n in range(49):
        user = accounts.create_user(f"member{n:02d}@example.com", f"成员{n}", "password-123")
        db.session.flush()
        factories.grant(user, summit if n % 2 else other, Role.DELEGATE)
    page = text(client.get("/admin/users"))
    assert page.count("/people\">") == 49  # every row shows its role
    fifty = queries_for("/admin/users")

    assert fifty == one
    assert one <= 8


def test_the_audit_pages_run_as_many_queries_for_50_rows_as_for_1(client, as_role, summit,
                                                                   queries_for):
    admin = as_role("admin")
    summit_service.add_zone(admin, summit, "Z00", "区00")
    # One row each: the admin's own "user.create", and the zone above.
    admin_one = queries_for("/admin/audit?object_type=users")
    summit_one = queries_for("/summits/kangding-test/audit?object_type=zones")
    assert "1 item" in text(client.get("/admin/audit?object_type=users"))

    for n in range(1, 50):
        actor = accounts.create_user(f"actor{n:02d}@example.com", f"人{n}", "password-123")
        db.session.flush()
        zone = summit_service.add_zone(admin, summit, f"Z{n:02d}", f"区{n:02d}")
        audit.record(actor, "zone.inspect", zone, summit=summit)
        db.session.commit()
    admin_page = text(client.get("/admin/audit?object_type=users"))
    summit_page = text(client.get("/summits/kangding-test/audit?object_type=zones"))
    assert "50 items" in admin_page and "99 items" in summit_page
    assert "actor49@example.com" in summit_page  # the actors of the rows are shown

    assert queries_for("/admin/audit?object_type=users") == admin_one
    assert queries_for("/summits/kangding-test/audit?object_type=zones") == summit_one
    assert admin_one <= 8 and summit_one <= 10
