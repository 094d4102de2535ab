"""Kept organiser pages (issue 23, item 1, fifth pass: summit/blueprints/kept.py): the
registration list and the console served again in one statement while nothing they show
has changed, and drawn afresh on the very next request after any change, whoever made it
and however (ORM, bulk statements, another summit's data does not count)."""
from __future__ import annotations

import re

import pytest

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    Delegation,
    Membership,
    Registration,
    RegistrationStatus,
    Role,
    SummitDataVersion,
)
from summit.services.accounts import logins
from tests.support import factories
from tests.support.pages import text, without_tokens

pytestmark = pytest.mark.usefixtures("english")

def version(summit_id: int) -> int:
    return db.session.scalar(db.select(SummitDataVersion.version)
                             .where(SummitDataVersion.summit_id == summit_id)) or 0


def test_each_change_the_list_shows_draws_it_again(client, event, signed_in_organiser,
                                                   count_queries):
    """After each change, the next page shows it (and is drawn: more than one statement);
    the page after that is kept again (one statement)."""
    delegation = Delegation(summit_id=event.id, name="丹巴县代表团", quota=5)
    db.session.add(delegation)
    first = factories.make_registration(event, "卓玛")
    first.delegation = delegation
    factories.make_registration(event, "扎西")
    db.session.commit()
    url = f"/summits/{event.slug}/registrations"
    client.get(url)

    def page_after(change) -> str:
        change()
        db.session.commit()
        with count_queries() as drawn:
            page = text(client.get(url))
        with count_queries() as kept:
            assert without_tokens(text(client.get(url))) == without_tokens(page)
        assert len(drawn) > 1 and len(kept) == 1, (drawn, kept)
        return page

    page = page_after(lambda: db.session.execute(  # a bulk statement, no ORM object
        db.update(Registration).where(Registration.name == "卓玛")
        .values(status=RegistrationStatus.APPROVED)))
    assert "Pending review: 1<" in page and "Approved: 1<" in page
    page = page_after(lambda: setattr(delegation, "name", "理塘县代表团"))
    assert "理塘县代表团" in page and "丹巴县代表团" not in page
    category = db.session.scalar(db.select(AttendeeCategory).where(
        AttendeeCategory.summit_id == event.id, AttendeeCategory.code == "delegate"))
    page = page_after(lambda: setattr(category, "label_en", "County delegate"))
    assert "County delegate" in page
    page = page_after(lambda: setattr(event, "title_en", "Kangding summit, renamed"))
    assert "Kangding summit, renamed" in page
    page = page_after(lambda: setattr(signed_in_organiser, "name", "会务组"))
    assert ">会务组</a>" in page
    page = page_after(lambda: db.session.execute(
        db.delete(Registration).where(Registration.name == "扎西")))
    assert "扎西" not in page and "卓玛" in page

    # Another summit's registration does not count: the page stays kept.
    other = factories.make_summit("other-summit")
    factories.make_category(other)
    factories.make_registration(other, "次仁")
    with count_queries() as kept:
        assert without_tokens(text(client.get(url))) == without_tokens(page)
    assert len(kept) == 1

    # A role taken away: refused at once; a login ended elsewhere: signed out at once.
    grant = factories.grant(signed_in_organiser, event, Role.MEDIA_OFFICER)
    db.session.execute(db.delete(Membership).where(
        Membership.user_id == signed_in_organiser.id, Membership.id != grant.id))
    db.session.commit()
    assert client.get(url).status_code == 403
    factories.grant(signed_in_organiser, event, Role.ORGANISER)
    assert client.get(url).status_code == 200
    logins.end_everything(signed_in_organiser, utcnow())
    db.session.commit()
    assert client.get(url).status_code == 302


@pytest.mark.app_config(CONSOLE_FIGURES_SECONDS=600)  # kept through the test, however slow
def test_a_kept_page_is_the_page_drawn_afresh(app, client, event, admin, organiser, sign_in,
                                              other_client, count_queries):
    """The kept list and console equal the pages drawn without keeping, byte for byte but the
    CSRF token, in English and in Chinese; an administrator and an organiser each get their
    own (the administrator's header links to administration)."""
    for number in range(3):
        factories.make_registration(event, f"代表{number}")
    sign_in(organiser.email)
    other_client.post("/auth/login", data={"email": admin.email,
                                           "password": factories.PASSWORD})
    other_client.get("/")
    for path in ("registrations?sort=newest", "console"):
        url = f"/summits/{event.slug}/{path}"
        for browser, administrator in ((client, False), (other_client, True)):
            for lang in ("en", "zh_Hans"):
                browser.post("/language", data={"lang": lang, "next": url})
                browser.get(url)  # drawn (and, for the console, its figures kept)
                browser.get(url)  # drawn and kept
                with count_queries() as kept_queries:
                    kept = text(browser.get(url))
                app.config["KEPT_PAGES"] = False
                try:
                    drawn = text(browser.get(url))
                finally:
                    app.config["KEPT_PAGES"] = True
                assert len(kept_queries) == 1, kept_queries
                assert without_tokens(kept) == without_tokens(drawn)
                assert ("/admin/users" in kept) is administrator
                assert ('<html lang="en">' in kept) is (lang == "en")


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_the_csrf_token_of_a_kept_page_is_this_sessions(client, other_client, event,
                                                       organiser, colleague):
    """A kept page carries the CSRF token of the session asking, which its forms can use."""
    for browser, user in ((client, organiser), (other_client, colleague)):
        (token,) = set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"',
                                  text(browser.get("/auth/login"))))
        browser.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD,
                                          "csrf_token": token})
        browser.get("/")
    registration = factories.make_registration(event, "卓玛")
    url = f"/summits/{event.slug}/registrations"
    client.get(url)
    tokens = [set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', text(browser.get(url))))
              for browser in (client, other_client)]
    assert len(tokens[0]) == 1 and tokens[0] != tokens[1]
    answer = client.post(f"{url}/bulk", data={"decision": "approve", "ids": registration.id,
                                              "csrf_token": tokens[0].pop()})
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status is RegistrationStatus.APPROVED
    assert "Approved: 1<" in text(client.get(url))


def test_another_browser_with_the_same_cookie_takes_the_ordinary_path(
        client, event, signed_in_organiser, count_queries):
    """Flask-Login's session protection: the cookie sent by another browser (User-Agent) is
    not served from the store; Flask-Login marks the session as not fresh."""
    url = f"/summits/{event.slug}/registrations"
    client.get(url)
    client.get(url)
    with count_queries() as other:
        answer = client.get(url, headers={"User-Agent": "Another browser"})
    assert answer.status_code == 200 and len(other) > 1


def test_the_data_version_rises_with_each_change_of_a_watched_table(event, organiser):
    """Insert, update and delete of registrations and delegations raise the summit's
    version, and only its own; a statement that changes nothing leaves it."""
    other = factories.make_summit("other-summit")
    factories.make_category(other)
    factories.make_registration(other, "次仁")
    db.session.commit()
    before, others = version(event.id), version(other.id)
    registration = factories.make_registration(event, "卓玛")
    db.session.commit()
    inserted = version(event.id)
    registration.position = "科长"
    db.session.commit()
    updated = version(event.id)
    db.session.add(Delegation(summit_id=event.id, name="丹巴县代表团", quota=5))
    db.session.commit()
    delegated = version(event.id)
    db.session.execute(db.delete(Registration).where(Registration.id == registration.id))
    db.session.commit()
    deleted = version(event.id)
    db.session.execute(db.update(Registration).where(Registration.id == -1).values(position=""))
    db.session.commit()
    assert before < inserted < updated < delegated < deleted == version(event.id)
    assert version(other.id) == others


@pytest.mark.postgres_only
def test_a_bulk_statement_raises_the_version_once_on_postgresql(event):
    """One statement over many rows is one raise (a statement trigger), not one a row."""
    for number in range(20):
        factories.make_registration(event, f"代表{number}")
    db.session.commit()
    before = version(event.id)
    changed = db.session.execute(db.update(Registration).where(Registration.summit_id == event.id)
                                 .values(position="科长")).rowcount
    db.session.commit()
    assert changed == 20 and version(event.id) == before + 1
