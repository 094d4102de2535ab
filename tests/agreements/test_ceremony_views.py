"""Agreements signed at a signing ceremony: the form's choice, the agreement page's link, and
the ceremony's public page listing them for readers of agreements only."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from summit.extensions import db
from summit.models import Agreement, Role
from summit.services.agenda import publish as agenda_publish
from tests.support import factories
from tests.support.agreements import CEREMONY_DAY as DAY, form_values
from tests.support.pages import field_errors, text


@pytest.fixture
def on_the_day(summit):
    """A ceremony on the summit's own day (publishing refuses items outside its dates)."""
    return factories.make_item(summit, "09:50", "10:20", kind="signing_ceremony",
                               title_zh="农村电商战略合作协议签约仪式", title_en="Signing ceremony")


def published(summit) -> None:
    organiser = factories.make_member(summit, Role.ORGANISER, "organiser@example.com")
    agenda_publish.publish_agenda(organiser, summit, notify=False)


def test_the_form_offers_the_ceremonies_and_an_empty_time_takes_the_ceremony_start(
        client, login, summit, agreements_officer, ceremony):
    factories.make_item(summit, day=DAY, kind="speech", title_zh="主旨演讲", title_en="Keynote")
    login(agreements_officer.email)
    page = text(client.get(f"/summits/{summit.slug}/agreements/new"))
    # The first ceremony is chosen for a new record (its start is then the signing time).
    assert re.search(rf'<option (selected )?value="{ceremony.id}"( selected)?>Signing ceremony '
                     r'\(2017-08-03 09:50\)</option>', page)
    assert "selected" in page[page.find(f'value="{ceremony.id}"') - 10:][:40]
    assert "Keynote (2017-08-03" not in page
    assert page.count('value="">None</option>') == 2  # no upgrade, no ceremony

    response = client.post(f"/summits/{summit.slug}/agreements/new",
                           data=form_values(signed_at="", ceremony_item_id=str(ceremony.id)))
    assert response.status_code == 302, field_errors(text(response))
    agreement = db.session.scalar(db.select(Agreement))
    assert agreement.ceremony_item_id == ceremony.id
    assert agreement.signed_at.astimezone(UTC) == datetime(2017, 8, 3, 1, 50,
                                                                    tzinfo=UTC)

    detail = text(client.get(f"/agreements/{agreement.id}"))
    assert f'href="/summits/{summit.slug}/agenda/items/{ceremony.uid}">Signing ceremony</a>' \
        in detail


def test_no_time_and_no_ceremony_or_a_wrong_item_are_form_errors(client, login, summit,
                                                                 agreements_officer):
    login(agreements_officer.email)
    response = client.post(f"/summits/{summit.slug}/agreements/new",
                           data=form_values(signed_at=""))
    assert response.status_code == 422
    assert "Enter when the agreement was signed." in field_errors(text(response))["signed_at"]
    response = client.post(f"/summits/{summit.slug}/agreements/new",
                           data=form_values(ceremony_item_id="12345"))
    assert response.status_code == 422 and "ceremony_item_id" in field_errors(text(response))
    assert db.session.scalar(db.select(db.func.count()).select_from(Agreement)) == 0


def test_the_correction_form_keeps_and_changes_the_ceremony(client, login, summit,
                                                            agreements_officer, ceremony):
    agreement = factories.make_agreement(summit, agreements_officer, ceremony_item_id=ceremony.id)
    login(agreements_officer.email)
    page = text(client.get(f"/agreements/{agreement.id}/edit"))
    assert f'<option selected value="{ceremony.id}">' in page
    response = client.post(f"/agreements/{agreement.id}/edit",
                           data=form_values(ceremony_item_id=""))
    assert response.status_code == 302, field_errors(text(response))
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).ceremony_item_id is None


def test_the_ceremony_page_lists_its_agreements_only_for_readers(client, login, summit,
                                                                 agreements_officer, on_the_day):
    factories.make_agreement(summit, agreements_officer, "甘孜州农村电商战略合作协议",
                             ceremony_item_id=on_the_day.id)
    factories.make_agreement(summit, agreements_officer, "别处签的协议")
    published(summit)
    url = f"/summits/{summit.slug}/agenda/items/{on_the_day.uid}"

    anonymous = text(client.get(url))
    assert "Signing ceremony" in anonymous
    assert "Agreements signed at this ceremony" not in anonymous
    assert "甘孜州农村电商战略合作协议" not in anonymous

    login(factories.make_member(summit, Role.OFFICIAL, "official@example.com").email)
    page = text(client.get(url))
    assert "Agreements signed at this ceremony" in page
    assert "甘孜州农村电商战略合作协议" in page and "别处签的协议" not in page
    assert "四川川藏云商科技有限公司" in page


def test_the_ceremony_page_queries_do_not_grow(client, login, summit, agreements_officer,
                                               on_the_day, count_queries):
    factories.make_agreement(summit, agreements_officer, ceremony_item_id=on_the_day.id)
    published(summit)
    login(agreements_officer.email)
    url = f"/summits/{summit.slug}/agenda/items/{on_the_day.uid}"
    client.get(url)
    with count_queries() as one:
        assert client.get(url).status_code == 200
    for n in range(49):
        factories.make_agreement(summit, agreements_officer, f"协议 {n}",
                                 ceremony_item_id=on_the_day.id)
    with count_queries() as fifty:
        page = text(client.get(url))
    assert page.count('href="/agreements/') == 50
    assert len(one) == len(fifty)
