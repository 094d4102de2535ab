"""The summit console: figures per role, the to-do list oldest first, the grouped menu, the
landing after login, and a constant number of queries."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from summit.blueprints.console import menu, views as console_views
from summit.extensions import db
from summit.models import Delegation, Registration, Role
from summit.services.demo import seed as demo
from tests.support import factories
from tests.support.pages import is_login_redirect, location, text, without_tokens

pytestmark = pytest.mark.usefixtures("english")


def figure(page: str, name: str) -> int:
    match = re.search(rf'data-figure="{name}"[^>]*>(\d+)<', page)
    assert match, name
    return int(match.group(1))


def todos(page: str) -> list[str]:
    return re.findall(r'<li data-todo="(\w+)">', page)


@pytest.fixture
def busy(event, organiser, agreements_officer):
    """Two pending registrations (the older first), one approved, a delegation, an agreement
    without follow-up since 2017."""
    first = factories.make_registration(event, "卓玛")
    second = factories.make_registration(event, "扎西", category="expert")
    factories.make_registration(event, "李明", approve_as=organiser)
    db.session.add(Delegation(summit_id=event.id, name="丹巴县代表团", quota=5))
    db.session.commit()
    agreement = factories.make_agreement(event, agreements_officer,
                                         now=datetime(2017, 8, 3, 4, 0, tzinfo=UTC))
    return first, second, agreement


def test_the_organiser_lands_on_the_console_and_sees_each_figure(client, login, event,
                                                                  organiser, busy):
    first, second, agreement = busy
    response = client.post("/auth/login", data={"email": organiser.email,
                                                "password": factories.PASSWORD})
    assert location(response) == f"/summits/{event.slug}/console"
    # Opening the summit lands on the console too; the public page stays one click away.
    assert location(client.get(f"/summits/{event.slug}")) == f"/summits/{event.slug}/console"
    assert client.get(f"/summits/{event.slug}?view=public").status_code == 200

    page = text(client.get(f"/summits/{event.slug}/console"))
    assert figure(page, "registrations-pending") == 2
    assert figure(page, "registrations-approved") == 1
    assert figure(page, "arrivals-expected") == 1 and figure(page, "arrivals-arrived") == 0
    assert figure(page, "badges-not-printed") == 1
    assert figure(page, "agreements-count") == 1 and figure(page, "agreements-stale") == 1
    assert "丹巴县代表团" in page and "0 of 5 places" in page
    # The to-do list: the stale agreement (since 2017) first, then the registrations in the
    # order they came, each linking to where it is decided.
    assert todos(page) == ["agreement", "registration", "registration"]
    links = re.findall(r'<li data-todo="\w+">.*?<a href="([^"]+)"', page, re.S)
    assert links == [f"/agreements/{agreement.id}", f"/registrations/{first.id}",
                     f"/registrations/{second.id}"]
    # The grouped menu: every group for the organiser.
    assert re.findall(r'data-group="(\w+)"', page) == [
        "registration", "programme", "badges", "reception", "media", "agreements", "settings"]


def test_each_role_sees_only_its_part(client, sign_in, event, busy):
    officer = factories.make_member(event, Role.MEDIA_OFFICER, "media@example.com")
    sign_in(officer.email)
    page = text(client.get(f"/summits/{event.slug}/console"))
    assert figure(page, "press-to-decide") == 0
    assert "registrations-pending" not in page and "agreements-count" not in page
    assert todos(page) == []
    assert re.findall(r'data-group="(\w+)"', page) == ["media"]
    for hidden in ("delegations", "badges", "agreements", "edit"):  # links it cannot use
        assert f'href="/summits/{event.slug}/{hidden}"' not in page


def test_delegates_and_visitors_keep_the_public_pages(client, login, event, busy):
    delegate = factories.make_member(event, Role.DELEGATE, "delegate@example.com")
    assert is_login_redirect(client.get(f"/summits/{event.slug}/console"))
    public = client.get(f"/summits/{event.slug}")
    assert public.status_code == 200 and "Management" not in text(public)
    response = client.post("/auth/login", data={"email": delegate.email,
                                                "password": factories.PASSWORD})
    assert location(response) == "/"
    assert client.get(f"/summits/{event.slug}/console").status_code == 403
    page = text(client.get(f"/summits/{event.slug}"))
    assert "Management" not in page
    for public_link in ("/register", "/agenda", "/agenda/mine", "/registrations/mine"):
        assert public_link in page


@pytest.mark.app_config(CONSOLE_FIGURES_SECONDS=0)  # figures computed on every page
def test_the_console_runs_the_same_queries_whatever_the_numbers(
        client, sign_in, event, organiser, agreements_officer, count_queries):
    sign_in(organiser.email)
    factories.make_registration(event, "卓玛")
    with count_queries() as few:
        assert client.get(f"/summits/{event.slug}/console").status_code == 200
    for n in range(6):
        factories.make_registration(event, f"代表{n}", approve_as=organiser if n % 2 else None)
        db.session.add(Delegation(summit_id=event.id, name=f"代表团{n}", quota=3))
        factories.make_agreement(event, agreements_officer, title=f"协议{n}")
    db.session.commit()
    with count_queries() as many:
        page = text(client.get(f"/summits/{event.slug}/console"))
    assert figure(page, "registrations-pending") == 4
    assert len(many) == len(few)


def test_the_demo_console_has_something_in_each_section(client, app):
    demo.seed_demo()
    client.post("/auth/login", data={"email": "organiser@example.com",
                                     "password": demo.DEMO_PASSWORD})
    page = text(client.get(f"/summits/{demo.DEMO_SLUG}/console"))
    assert figure(page, "registrations-pending") > 0
    assert figure(page, "registrations-approved") > 0
    assert figure(page, "badges-not-printed") > 0
    assert figure(page, "press-to-decide") > 0
    assert figure(page, "arrivals-expected") > 0
    assert figure(page, "agreements-count") > 0
    assert "registration" in todos(page) and "press" in todos(page)
    assert 'id="fig-salons"' in page and "seats taken" in page


def test_the_menu_checks_permissions_once_and_is_drawn_once_per_set(
        client, sign_in, event, busy, monkeypatch):
    """The staff menu computes the viewer's permissions once a page (it called ``can`` for
    each of its entries, about thirty) and builds its URLs and labels once per language,
    summit and permission set: a later page reuses them, a new role or another language
    draws it afresh."""
    computed, built = [], []
    real_permissions, real_url_for = menu.permissions_at, menu.url_for
    monkeypatch.setattr(menu, "permissions_at",
                        lambda *a: computed.append(1) or real_permissions(*a))
    monkeypatch.setattr(menu, "url_for",
                        lambda *a, **k: built.append(a) or real_url_for(*a, **k))
    officer = factories.make_member(event, Role.MEDIA_OFFICER, "media@example.com")
    sign_in(officer.email)
    url = f"/summits/{event.slug}/console"

    page = text(client.get(url))
    assert re.findall(r'data-group="(\w+)"', page) == ["media"] and "Press room" in page
    assert len(computed) == 1 and len(built) == 2
    again = text(client.get(url))
    # The summit's whole navigation is kept now (blueprints/frame.py): the menu is not even
    # consulted again, nothing built again.
    assert without_tokens(again) == without_tokens(page) and len(computed) == 1 and len(built) == 2

    chinese = text(client.get(url, headers={"Accept-Language": "zh-CN"}))
    assert "新闻中心" in chinese and "Press room" not in chinese and len(built) == 4
    factories.grant(officer, event, Role.AGREEMENTS_OFFICER)
    page = text(client.get(url))
    assert re.findall(r'data-group="(\w+)"', page) == ["media", "agreements"]
    assert f'href="/summits/{event.slug}/agreements/dashboard"' in page


def test_the_console_keeps_its_figures_a_few_seconds_and_says_when(
        client, sign_in, event, organiser, busy, count_queries):
    """The figures are kept for CONSOLE_FIGURES_SECONDS (10) per summit, sections and
    language, with the time they were computed; the to-do list is read on every page."""
    sign_in(organiser.email)
    url = f"/summits/{event.slug}/console"
    with count_queries() as first:
        page = text(client.get(url))
    as_of = re.search(r"Figures as of (\d\d:\d\d:\d\d)", page)
    assert as_of and figure(page, "registrations-pending") == 2
    factories.make_registration(event, "格桑")

    with count_queries() as kept:
        again = text(client.get(url))
    assert len(first) - len(kept) >= 9, (first, kept)
    assert not any("GROUP BY" in statement for statement in kept), kept
    assert figure(again, "registrations-pending") == 2 and as_of.group(0) in again
    assert todos(again) == ["agreement", "registration", "registration", "registration"]
    # Another language, or a viewer who sees other sections, has figures of its own.
    chinese = text(client.get(url, headers={"Accept-Language": "zh-CN"}))
    assert "数据截至" in chinese and figure(chinese, "registrations-pending") == 3
    officer = factories.make_member(event, Role.MEDIA_OFFICER, "media@example.com")
    client.delete_cookie("session")
    sign_in(officer.email)
    press = text(client.get(url))
    assert figure(press, "press-to-decide") == 0 and "registrations-pending" not in press


def test_the_todo_list_builds_its_links_and_sentences_once_a_page(
        client, sign_in, event, organiser, busy, monkeypatch):
    """Each to-do's link is its kind's URL with the id appended and its sentence translated
    once a page: the links the view builds do not grow with the list, and every row still
    shows its time, its sentence and where it is decided."""
    built = []
    real_url_for = console_views.url_for
    monkeypatch.setattr(console_views, "url_for",
                        lambda *a, **k: built.append(a) or real_url_for(*a, **k))
    sign_in(organiser.email)
    url = f"/summits/{event.slug}/console"
    client.get(url)
    few = len(built)
    for number in range(6):
        factories.make_registration(event, f"代表{number}")
    built.clear()
    page = text(client.get(url))

    assert len(built) == few
    rows = re.findall(r'<li data-todo="(\w+)">\s*<span class="muted">([^<]+)</span>\s*'
                      r'<a href="([^"]+)">([^<]+)</a>', page)
    assert len(rows) == 9 and [kind for kind, *_ in rows].count("registration") == 8
    registration = db.session.scalars(db.select(Registration).filter_by(name="代表5")).one()
    assert ("registration", rows[-1][1], f"/registrations/{registration.id}",
            "Decide the registration of 代表5") == rows[-1]
    assert all(re.search(r"\d{1,2}:\d\d", since) for _kind, since, *_ in rows)
