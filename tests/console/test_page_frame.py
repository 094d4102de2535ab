"""The organiser's pages kept lean (issue 23, item 1, fourth pass): the page header and the
summit's navigation are drawn once and kept (summit/blueprints/frame.py), the list's counts,
categories and delegations come in one statement, the console's to-do list in one. What is
kept must never be stale: roles, names, flashed messages, CSRF tokens, new registrations."""
from __future__ import annotations

import re

import pytest

from summit.extensions import db
from summit.models import Delegation, Membership, Role
from tests.support import factories
from tests.support.pages import text, without_tokens
from tests.support.queries import isolation_levels

pytestmark = pytest.mark.usefixtures("english")


def groups(page: str) -> list[str]:
    return re.findall(r'data-group="(\w+)"', page)


def csrf_tokens(page: str) -> set[str]:
    return set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page))


def test_the_kept_frame_follows_roles_names_and_the_page(client, sign_in, event):
    """A role removed takes its menu entries away on the next page, a new name shows at once,
    and the language form sends each page back to its own address."""
    officer = factories.make_member(event, Role.MEDIA_OFFICER, "media@example.com")
    factories.grant(officer, event, Role.AGREEMENTS_OFFICER)
    sign_in(officer.email)
    url = f"/summits/{event.slug}/console"
    page = text(client.get(url))
    assert groups(page) == ["media", "agreements"]
    assert without_tokens(text(client.get(url))) == without_tokens(page)  # kept

    db.session.execute(db.delete(Membership).where(
        Membership.user_id == officer.id, Membership.role == Role.AGREEMENTS_OFFICER))
    officer.name = "新名字"
    db.session.commit()
    page = text(client.get(url))
    assert groups(page) == ["media"] and "/agreements" not in page
    assert ">新名字</a>" in page and "赵波" not in page

    programme = text(client.get(f"/summits/{event.slug}/agenda?day=2"))
    assert f'name="next" value="/summits/{event.slug}/agenda?day=2"' in programme
    assert f'name="next" value="{url}"' in text(client.get(url))


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_flashed_messages_and_csrf_tokens_stay_per_request(client, other_client, event,
                                                           organiser, colleague):
    """Two people on the same kept header each get their own CSRF token, which works in their
    own session only; a flashed message shows once, on the next page."""
    clients = [client, other_client]
    for client, user in zip(clients, (organiser, colleague), strict=True):
        (token,) = csrf_tokens(text(client.get("/auth/login")))
        assert client.post("/auth/login", data={"email": user.email, "password":
                                                factories.PASSWORD, "csrf_token": token}
                           ).status_code == 302
        client.get("/")  # the welcome message
    url = f"/summits/{event.slug}/registrations"
    factories.make_registration(event, "卓玛")
    pages = [text(client.get(url)) for client in clients]
    mine, theirs = (csrf_tokens(page) for page in pages)
    assert len(mine) == 1 and len(theirs) == 1 and mine != theirs

    first = clients[0]
    assert first.post("/language", data={"lang": "en", "next": url,
                                         "csrf_token": theirs.pop()}).status_code == 400
    token = mine.pop()
    answer = first.post(f"{url}/bulk", data={"decision": "approve", "csrf_token": token})
    assert answer.status_code == 302
    page = text(first.get(url))
    assert "Select at least one registration." in page
    assert "Select at least one registration." not in text(first.get(url))
    assert first.post("/language", data={"lang": "zh_Hans", "next": url,
                                         "csrf_token": token}).status_code == 302


def test_the_list_shows_a_new_registration_delegation_and_count_at_once(
        client, event, signed_in_organiser, count_queries):
    """A new registration shows with its count, a new delegation in the filter, on the very
    next page: the page is drawn afresh in five statements (the kept page's state, then the
    user, summit, the set-up of counts, categories and delegations, the rows), one row or
    fifty, autocommitted; the same page again, nothing changed, is the state's one."""
    factories.make_registration(event, "卓玛")
    url = f"/summits/{event.slug}/registrations"
    page = text(client.get(url))
    assert "Pending review: 1<" in page and "扎西" not in page

    factories.make_registration(event, "扎西", category="expert")
    db.session.add(Delegation(summit_id=event.id, name="丹巴县代表团", quota=5))
    db.session.commit()
    with count_queries() as one:
        page = text(client.get(url))
    assert "Pending review: 2<" in page and "扎西" in page
    assert re.search(r'<option value="\d+">丹巴县代表团</option>', page)

    for number in range(48):
        factories.make_registration(event, f"代表{number}")
    with isolation_levels(db.engine) as levels, count_queries() as fifty:
        page = text(client.get(url))
    assert page.count('name="ids"') == 50 and "Pending review: 50<" in page
    assert len(one) == len(fifty) == 5, fifty
    assert levels == ["AUTOCOMMIT"] * 5, levels  # no BEGIN and ROLLBACK round trips
    with isolation_levels(db.engine) as levels, count_queries() as again:
        assert without_tokens(text(client.get(url))) == without_tokens(page)
    assert len(again) == 1 and levels == ["AUTOCOMMIT"], again


@pytest.mark.app_config(CONSOLE_FIGURES_SECONDS=600)  # kept through the test, however slow
def test_the_console_is_three_statements_with_its_figures_kept(
        client, event, signed_in_organiser, count_queries):
    """Warm figures: the console drawn afresh is the kept page's state, the user, the summit
    and the to-do list (one statement for its four kinds), with two registrations or thirty;
    a new registration shows in the to-do list at once; the same console again is one."""
    factories.make_registration(event, "卓玛")
    url = f"/summits/{event.slug}/console"
    client.get(url)  # figures computed and kept
    with count_queries() as few:
        page = text(client.get(url))
    assert page.count('data-todo="registration"') == 1
    for number in range(29):
        factories.make_registration(event, f"代表{number}")
    with isolation_levels(db.engine) as levels, count_queries() as many:
        page = text(client.get(url))
    assert page.count('data-todo="registration"') == 20  # the oldest 20 of 30
    assert len(few) == len(many) == 4, many
    assert levels == ["AUTOCOMMIT"] * 4, levels
    with count_queries() as again:
        assert without_tokens(text(client.get(url))) == without_tokens(page)
    assert len(again) == 1, again
