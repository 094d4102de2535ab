"""Administration of accounts: the list with search and pages, admin rights, disabling."""
from __future__ import annotations

import re

import pytest

from summit.extensions import db
from summit.models import AuditEntry, Role, User
from summit.services.accounts import users as accounts
from tests.support import factories
from tests.support.pages import flashes, location, text

# Pages: their HTML is the same on either database, and the services and API behind them
# run on both (tests/<area>/test_*.py); a page test runs once, on SQLite.
pytestmark = pytest.mark.sqlite_only

ROW_EMAIL = re.compile(r"<tr>\s*<td>[^<]*</td><td>([^<]+@[^<]+)</td>")


def listed_emails(page: str) -> list[str]:
    return ROW_EMAIL.findall(page)


def fresh_user(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


@pytest.fixture
def logged_in_admin(client, as_role):
    """An admin, logged in with `client`."""
    user = as_role("admin")
    client.get("/")  # shows (and so clears) the welcome message
    return user


def make_many_users(count: int) -> list[User]:
    """``count`` accounts in one transaction (the factory commits one by one)."""
    users = [accounts.create_user(f"member{n:03d}@example.com", f"成员{n:03d}", "password-123")
             for n in range(1, count + 1)]
    db.session.commit()
    return users


def test_the_users_list_pages_by_fifty_in_email_order(client, logged_in_admin):
    make_many_users(60)  # with admin@example.com: 61 accounts

    first = text(client.get("/admin/users"))
    second = text(client.get("/admin/users?page=2"))

    assert listed_emails(first) == ["admin@example.com"] + [
        f"member{n:03d}@example.com" for n in range(1, 50)]
    assert listed_emails(second) == [f"member{n:03d}@example.com" for n in range(50, 61)]
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "61 items" in first
    assert '<a href="/admin/users?page=2&amp;q=">Next »</a>' in first
    assert '<a href="/admin/users?page=1&amp;q=">« Previous</a>' in second
    assert listed_emails(text(client.get("/admin/users?page=3"))) == []


def test_the_users_list_searches_names_and_emails(client, logged_in_admin):
    make_many_users(60)
    factories.make_user("Dawa.Tsering@Example.com", name="达瓦次仁")

    by_email = text(client.get("/admin/users?q=DAWA"))
    by_name = text(client.get("/admin/users", query_string={"q": "次仁"}))
    many = text(client.get("/admin/users?q=member05"))
    literal = text(client.get("/admin/users", query_string={"q": "member_0"}))
    nobody = text(client.get("/admin/users?q=nobody"))

    assert listed_emails(by_email) == ["dawa.tsering@example.com"]
    assert listed_emails(by_name) == ["dawa.tsering@example.com"]
    assert listed_emails(many) == [f"member{n:03d}@example.com" for n in range(50, 60)]
    assert 'value="member05"' in many  # the search box keeps the term
    assert listed_emails(literal) == []  # "_" is not a wildcard
    assert "No accounts match." in nobody


def test_the_users_list_shows_roles_and_links_to_the_summit(client, logged_in_admin, summit):
    user = factories.make_user("press@example.com", name="记者")
    factories.grant(user, summit, Role.PRESS)

    page = text(client.get("/admin/users?q=press"))

    assert '<a href="/summits/kangding-test/people">kangding-test</a>: Press' in page


def test_an_admin_makes_and_removes_another_admin(client, logged_in_admin):
    user = factories.make_user("deputy@example.com")

    made = client.post(f"/admin/users/{user.id}/admin", data={"is_admin": "1"},
                       headers={"Referer": "http://localhost/admin/users?q=deputy"})

    assert location(made) == "/admin/users?q=deputy"  # back to the same list
    assert fresh_user(user.id).is_admin is True
    page = text(client.get("/admin/users?q=deputy"))
    assert flashes(page) == [("success", "deputy@example.com has been updated.")]
    assert "Remove admin" in page

    removed = client.post(f"/admin/users/{user.id}/admin", data={"is_admin": "0"})

    assert location(removed) == "/admin/users"
    assert fresh_user(user.id).is_admin is False
    actions = db.session.scalars(db.select(AuditEntry.after).where(
        AuditEntry.action == "user.set_admin").order_by(AuditEntry.id)).all()
    assert actions == [{"is_admin": True}, {"is_admin": False}]


def test_an_admin_disables_and_enables_an_account(client, logged_in_admin, other_client):
    user = factories.make_user("leaver@example.com")

    disabled = client.post(f"/admin/users/{user.id}/active", data={"active": "0"})

    assert location(disabled) == "/admin/users"
    assert fresh_user(user.id).active is False
    page = text(client.get("/admin/users?q=leaver"))
    assert flashes(page) == [("success", "leaver@example.com has been updated.")]
    assert ">Enable</button>" in page

    other = other_client
    refused = other.post("/auth/login", data={"email": "leaver@example.com",
                                              "password": factories.PASSWORD})
    assert flashes(text(refused)) == [("error", "This account has been disabled.")]

    client.post(f"/admin/users/{user.id}/active", data={"active": "1"})

    assert fresh_user(user.id).active is True
    allowed = other.post("/auth/login", data={"email": "leaver@example.com",
                                              "password": factories.PASSWORD})
    assert location(allowed) == "/"


def test_an_admin_cannot_demote_or_disable_themself(client, logged_in_admin):
    demote = client.post(f"/admin/users/{logged_in_admin.id}/admin", data={"is_admin": "0"})

    assert location(demote) == "/admin/users"
    assert flashes(text(client.get("/admin/users"))) == [
        ("error", "You cannot remove your own administrator rights.")]
    assert fresh_user(logged_in_admin.id).is_admin is True

    client.post(f"/admin/users/{logged_in_admin.id}/active", data={"active": "0"})

    assert flashes(text(client.get("/admin/users"))) == [
        ("error", "You cannot disable your own account.")]
    assert fresh_user(logged_in_admin.id).active is True
    assert client.get("/admin/users").status_code == 200


def test_a_missing_account_is_a_404(client, logged_in_admin):
    assert client.post("/admin/users/999999/admin", data={"is_admin": "1"}).status_code == 404
    assert client.post("/admin/users/999999/active", data={"active": "0"}).status_code == 404


def test_a_referrer_from_another_site_is_not_followed(client, logged_in_admin):
    user = factories.make_user("deputy@example.com")

    response = client.post(f"/admin/users/{user.id}/admin", data={"is_admin": "1"},
                           headers={"Referer": "https://evil.example/admin/users"})

    assert response.headers["Location"] == "/admin/users"


def test_admin_start_page_goes_to_the_accounts(client, logged_in_admin):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert location(response) == "/admin/users"
