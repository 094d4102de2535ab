"""Podium seating through the item's protocol page: the convention fills the seats, a leader
dropping out refills them, locks survive, bad input is a message, and the chart PDF."""
import re

import pytest

from summit.extensions import db
from summit.models import AuditEntry, PrecedenceEntry, Rank, SeatPlacement
from summit.services.protocol import precedence
from tests.support import factories
from tests.support.pages import flashes, text
from tests.support.pdf import page_size, pdf_text, save, squash, words

pytestmark = pytest.mark.usefixtures("english")

LEADERS = [("王省长", Rank.PROVINCIAL), ("李兴文", Rank.BUREAU), ("张州长", Rank.BUREAU),
           ("赵县长", Rank.COUNTY), ("钱县长", Rank.COUNTY), ("孙书记", Rank.TOWNSHIP)]


@pytest.fixture
def podium_item(summit, organiser):
    for name, rank in LEADERS:
        precedence.add_entry(organiser, summit, precedence.EntryDetails(name=name, rank=rank))
    return factories.make_item(summit, title_zh="开幕式", title_en="Opening")


def stage(page: str) -> list[list[str]]:
    """Each row of the stage view as shown, left to right as seen from the audience."""
    view = page.split('id="stage-view"', 1)[1].split("</section>", 1)[0]
    return [re.findall(r'<li class="stage-seat[^"]*"[^>]*>\s*<small>[^<]*</small>\s*'
                       r'(?:<strong>([^<]*)</strong>|<em[^>]*>[^<]*</em>)', row)
            for row in view.split('<div class="stage-row">')[1:]]


def entry_id(name: str) -> int:
    return db.session.scalar(db.select(PrecedenceEntry.id).where(PrecedenceEntry.name == name))


def test_a_podium_fills_refills_and_keeps_locks(client, login, summit, organiser, podium_item):
    login(organiser.email)
    base = f"/summits/{summit.slug}/protocol/items/{podium_item.id}"
    assert client.post(f"{base}/podium", data={"rows": 2, "seats_per_row": 3,
                                               "convention": "government"}).status_code == 302
    # 政务 seen from the stage: 2 1 3 — from the audience the page shows 3 1 2.
    assert stage(text(client.get(base))) == [["张州长", "王省长", "李兴文"],
                                              ["孙书记", "赵县长", "钱县长"]]

    # 李兴文 drops out: everyone after him moves up; the back row starts again at its centre.
    client.post(f"{base}/attendance/{entry_id('李兴文')}", data={"status": "absent"})
    assert stage(text(client.get(base))) == [["赵县长", "王省长", "张州长"],
                                              ["", "钱县长", "孙书记"]]

    # A manual placement is locked and survives a refill after another change.
    client.post(f"{base}/place", data={"entry_id": entry_id("孙书记"), "row": 1, "seat": 1})
    client.post(f"{base}/attendance/{entry_id('钱县长')}",
                data={"status": "deputy", "deputy_name": "周副县长"})
    page = text(client.get(base))
    assert stage(page)[0] == ["张州长", "王省长", "孙书记"]
    assert "周副县长" in stage(page)[1]
    assert "deputy for 钱县长" in page

    # The locked leader is now absent: the seat stays empty and the page says why.
    client.post(f"{base}/attendance/{entry_id('孙书记')}", data={"status": "absent"})
    page = text(client.get(base))
    assert stage(page)[0] == ["张州长", "王省长", ""]
    assert "is locked for 孙书记, who is absent" in page
    client.post(f"{base}/unlock/1/1")
    assert db.session.scalar(db.select(SeatPlacement)) is None

    # 国际: right is senior, so from the audience No. 1 is on the left.
    client.post(f"{base}/podium", data={"rows": 1, "seats_per_row": 2,
                                        "convention": "international"})
    page = text(client.get(base))
    assert stage(page) == [["王省长", "张州长"]]
    # More people than seats: the rest are listed, never dropped.
    assert re.search(r"not seated:\s*赵县长、周副县长", page)

    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"podium.configure", "podium.place", "podium.unlock",
            "precedence.attendance"} <= actions


def test_bad_placements_are_refused_whole(client, login, summit, organiser, podium_item):
    login(organiser.email)
    base = f"/summits/{summit.slug}/protocol/items/{podium_item.id}"
    response = client.post(f"{base}/place", data={"entry_id": entry_id("王省长"), "row": 1,
                                                  "seat": 1}, follow_redirects=True)
    assert ("error", "Set up the podium first.") in flashes(text(response))
    client.post(f"{base}/podium", data={"rows": 1, "seats_per_row": 3,
                                        "convention": "government"})
    client.post(f"{base}/place", data={"entry_id": entry_id("王省长"), "row": 1, "seat": 1})
    # Someone else into a locked seat: refused, nothing written.
    response = client.post(f"{base}/place", data={"entry_id": entry_id("李兴文"), "row": 1,
                                                  "seat": 1})
    assert response.status_code == 400
    assert "already taken by 王省长" in text(response)
    # The same person placed twice: the new seat replaces the old one.
    client.post(f"{base}/place", data={"entry_id": entry_id("王省长"), "row": 1, "seat": 3})
    seats = db.session.execute(db.select(SeatPlacement.row, SeatPlacement.seat)).all()
    assert seats == [(0, 2)]
    response = client.post(f"{base}/place", data={"entry_id": entry_id("王省长"), "row": 1,
                                                  "seat": 9})
    assert "There is no such seat" in text(response)
    response = client.post(f"{base}/podium", data={"rows": 0, "seats_per_row": 3,
                                                   "convention": "government"})
    assert response.status_code == 400


def test_empty_precedence_list_says_so(client, login, summit, organiser):
    login(organiser.email)
    item = factories.make_item(summit)
    base = f"/summits/{summit.slug}/protocol/items/{item.id}"
    client.post(f"{base}/podium", data={"rows": 1, "seats_per_row": 3,
                                        "convention": "government"})
    page = text(client.get(base))
    assert "The precedence list is empty" in page
    assert stage(page) == [["", "", ""]]


def test_the_seating_chart_is_a4_landscape_seen_from_the_audience(
        client, login, summit, organiser, podium_item, tmp_path):
    login(organiser.email)
    base = f"/summits/{summit.slug}/protocol/items/{podium_item.id}"
    client.post(f"{base}/podium", data={"rows": 1, "seats_per_row": 5,
                                        "convention": "government"})
    response = client.get(f"{base}/seating.pdf")
    assert response.status_code == 200
    path = save(response.data, tmp_path, "seating.pdf")
    width, height = page_size(path)
    assert round(width) == 842 and round(height) == 595
    chart = squash(pdf_text(path))
    assert "自观众席看" in chart
    assert "政务惯例" in chart and "孙书记" in chart.split("未安排座位")[1]
    # From the audience, left to right: No. 5, 3, 1, 2, 4.
    names = {name for name, _rank in LEADERS}
    seen = [text for x, *_box, text in sorted(words(path, 1)) if text in names]
    assert seen == ["钱县长", "张州长", "王省长", "李兴文", "赵县长"]
