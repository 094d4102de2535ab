"""Leaders on the precedence list who are registered: found by name in any script or pinyin
from the precedence page, added or linked, shown as registered, unlinked; a registration is
on the list once; roles."""
import re

import pytest

from summit.extensions import db
from summit.models import AuditEntry, PrecedenceEntry, Rank, Role
from summit.services.protocol import precedence
from tests.support import factories
from tests.support.pages import flashes, text

pytestmark = pytest.mark.usefixtures("english")


def linked_to(entry_id: int) -> int | None:
    return db.session.scalar(db.select(PrecedenceEntry.registration_id)
                             .where(PrecedenceEntry.id == entry_id))


def found(page: str) -> list[str]:
    return re.findall(r'class="registered-name">([^<]+)<', page)


def test_a_registered_guest_is_found_added_and_linked(client, login, event, organiser):
    summit = event
    zhaxi = factories.make_registration(summit, "扎西顿珠")
    zhao = factories.make_registration(summit, "赵波")
    precedence.add_entry(organiser, summit, precedence.EntryDetails(name="赵州长",
                                                                    rank=Rank.BUREAU))
    login(organiser.email)
    base = f"/summits/{summit.slug}/protocol"
    assert "find-registration" in text(client.get(base))
    # By pinyin, by traditional characters.
    assert found(text(client.get(f"{base}/registrations?q=zhaxi"))) == ["扎西顿珠"]
    assert found(text(client.get(f"{base}/registrations?q=趙波"))) == ["赵波"]
    assert "No registration matches." in text(client.get(f"{base}/registrations?q=nobody"))

    # Add: name, organisation and position are copied, and the entry is linked.
    response = client.post(f"{base}/registrations/{zhaxi.id}/add", data={"q": "zhaxi"})
    assert response.status_code == 302
    entry = db.session.scalar(db.select(PrecedenceEntry).where(
        PrecedenceEntry.registration_id == zhaxi.id))
    assert (entry.name, entry.organisation, entry.title) == ("扎西顿珠", "丹巴县人民政府", "县长")
    page = text(client.get(f"{base}/registrations?q=zhaxi"))
    assert "On the list as 扎西顿珠" in page
    # The same registration cannot be added twice.
    response = client.post(f"{base}/registrations/{zhaxi.id}/add", follow_redirects=True)
    assert ("error", "This person is already on the precedence list.") in \
        flashes(text(response))

    # Link an existing entry; the list shows it as registered; unlink again.
    zhou = db.session.scalar(db.select(PrecedenceEntry).where(PrecedenceEntry.name == "赵州长"))
    response = client.post(f"{base}/registrations/{zhao.id}/link", data={"entry_id": zhou.id},
                           follow_redirects=True)
    assert ("success", "赵州长 is linked to the registration.") in flashes(text(response))
    assert linked_to(zhou.id) == zhao.id
    page = text(client.get(base))
    row = page.split(f'id="entry-{zhou.id}"', 1)[1].split("</tr>", 1)[0]
    assert "registered" in row
    response = client.post(f"{base}/registrations/{zhaxi.id}/link", data={"entry_id": zhou.id},
                           follow_redirects=True)
    assert ("error", "This registration is already linked to 扎西顿珠 on the list.") in \
        flashes(text(response))
    response = client.post(f"{base}/registrations/999999/link", data={"entry_id": zhou.id},
                           follow_redirects=True)
    assert ("error", "That registration is not at this summit.") in flashes(text(response))
    client.post(f"/protocol/entries/{zhou.id}/unlink")
    assert linked_to(zhou.id) is None

    actions = [a for a in db.session.scalars(db.select(AuditEntry.action))
               if a.startswith("precedence.")]
    assert actions.count("precedence.link") == 2 and "precedence.add" in actions


def test_officials_cannot_search_registrations(client, login, summit):
    official = factories.make_member(summit, Role.OFFICIAL, "official@example.com")
    login(official.email)
    assert client.get(f"/summits/{summit.slug}/protocol/registrations?q=zhao").status_code == 403
