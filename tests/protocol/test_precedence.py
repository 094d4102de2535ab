"""The precedence list through its pages: rank first, the organiser's order (move buttons
without JS and a drag order), attendance per item, roles and audit."""
import re

import pytest

from summit.extensions import db
from summit.models import Attendance, AuditEntry, ItemAttendance, PrecedenceEntry, Role
from summit.permissions import Permission, can
from tests.support import factories
from tests.support.pages import flashes, text

pytestmark = pytest.mark.usefixtures("english")


def add(client, slug, name, rank="none", **values):
    return client.post(f"/summits/{slug}/protocol/entries",
                       data={"name": name, "rank": rank, **values})


def names_on(page: str) -> list[str]:
    table = page.split('id="precedence"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<span class="leader">([^<]+)</span>', table)


def ids(summit) -> dict[str, int]:
    query = db.select(PrecedenceEntry).where(PrecedenceEntry.summit_id == summit.id)
    return {e.name: e.id for e in db.session.scalars(query)}


def test_ranks_come_first_then_the_organisers_order(client, login, summit, organiser):
    login(organiser.email)
    page = text(client.get(f"/summits/{summit.slug}/protocol"))
    assert "The precedence list is empty" in page
    add(client, summit.slug, "赵县长", "county", organisation="丹巴县人民政府", title="县长")
    add(client, summit.slug, "李兴文", "bureau", organisation="甘孜州人民政府", title="副州长")
    add(client, summit.slug, "王省长", "provincial", title="副省长")
    response = add(client, summit.slug, "张副州长", "bureau", name_native="བཀྲ་ཤིས།")
    assert response.status_code == 302

    page = text(client.get(f"/summits/{summit.slug}/protocol"))
    assert names_on(page) == ["王省长", "李兴文", "张副州长", "赵县长"]
    assert "བཀྲ་ཤིས།" in page

    # Keyboard/no-JS: the move buttons are plain forms.
    client.post(f"/protocol/entries/{ids(summit)['张副州长']}/move/up")
    assert names_on(text(client.get(f"/summits/{summit.slug}/protocol"))) == [
        "王省长", "张副州长", "李兴文", "赵县长"]
    # Moving past the edge of a rank is refused with a message.
    response = client.post(f"/protocol/entries/{ids(summit)['张副州长']}/move/up",
                           follow_redirects=True)
    assert "already at the edge of their rank" in flashes(text(response))[0][1]

    # Drag: the new order of every entry; ranks still come first.
    order = ids(summit)
    client.post(f"/summits/{summit.slug}/protocol/order",
                data={"order": ",".join(str(order[n]) for n in
                                        ["赵县长", "李兴文", "王省长", "张副州长"])})
    assert names_on(text(client.get(f"/summits/{summit.slug}/protocol"))) == [
        "王省长", "李兴文", "张副州长", "赵县长"]
    # A stale order (an entry missing) changes nothing.
    response = client.post(f"/summits/{summit.slug}/protocol/order",
                           data={"order": str(order["赵县长"])}, follow_redirects=True)
    assert "The list changed meanwhile" in text(response)
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"precedence.add", "precedence.move", "precedence.reorder"} <= actions


def test_bad_input_is_a_form_error(client, login, summit, organiser):
    login(organiser.email)
    response = add(client, summit.slug, "")
    assert response.status_code == 400
    response = add(client, summit.slug, "名" * 201)
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(PrecedenceEntry.id))) == 0


def test_attendance_per_item_with_a_named_deputy(client, login, summit, organiser):
    login(organiser.email)
    item = factories.make_item(summit, title_en="Opening", title_zh="开幕式")
    add(client, summit.slug, "李兴文", "bureau")
    entry_id = ids(summit)["李兴文"]
    url = f"/summits/{summit.slug}/protocol/items/{item.id}/attendance/{entry_id}"

    response = client.post(url, data={"status": "deputy", "deputy_name": ""},
                           follow_redirects=True)
    assert ("error", "Enter the deputy's name.") in flashes(text(response))
    assert db.session.scalar(db.select(ItemAttendance)) is None

    client.post(url, data={"status": "deputy", "deputy_name": "周副秘书长"})
    page = text(client.get(f"/summits/{summit.slug}/protocol/items/{item.id}"))
    assert "Sent a deputy: 周副秘书长" in page
    client.post(url, data={"status": "absent"})
    row = db.session.scalar(db.select(ItemAttendance))
    assert (row.status, row.deputy_name) == (Attendance.ABSENT, "")


@pytest.mark.parametrize("role, reads, writes", [
    ("protocol_officer", 200, 302), ("official", 200, 403), ("agreements_officer", 403, 403)])
def test_roles(client, as_role, summit, role, reads, writes):
    as_role(role)
    assert client.get(f"/summits/{summit.slug}/protocol").status_code == reads
    assert add(client, summit.slug, "李兴文").status_code == writes


def test_protocol_officer_reaches_no_other_area(summit):
    officer = factories.make_member(summit, Role.PROTOCOL_OFFICER, "protocol@example.com")
    assert can(officer, Permission.PROTOCOL_WRITE, summit)
    assert not can(officer, Permission.REGISTRATIONS_MANAGE, summit)
    assert not can(officer, Permission.AGREEMENTS_WRITE, summit)
