"""Banquet tables through the item's tables page: the main table first, host and chief guest
by the podium's seat order, guests from the precedence list and then by delegation, a refill
when a leader drops out, locks kept, the unseated listed, the chart PDF, and each guest's
table on their own registrations page."""
import re
from datetime import UTC, datetime

import pytest

from summit.extensions import db
from summit.models import AuditEntry, MealKind, MealSession, PrecedenceEntry, TablePlacement
from tests.support import factories
from tests.support.pages import flashes, text
from tests.support.pdf import page_size, pdf_text, save, squash
from tests.support.protocol import LEADERS

pytestmark = pytest.mark.usefixtures("english")

def tables(page: str) -> dict[int, list[str]]:
    """Each table's guests in seat rank (host, chief guest, ...); "" for an empty seat."""
    found = {}
    for number, body in re.findall(r'<section class="banquet-table" id="table-(\d+)">(.*?)'
                                   r'</section>', page, re.S):
        found[int(number)] = [name or "" for name in re.findall(
            r'<li data-seat="\d+"[^>]*>.*?(?:<strong>([^<]*)</strong>|<em)', body, re.S)]
    return found


def entry_id(name: str) -> int:
    return db.session.scalar(db.select(PrecedenceEntry.id).where(PrecedenceEntry.name == name))


def test_tables_fill_by_rank_refill_keep_locks_and_list_the_unseated(
        client, login, summit, organiser, dinner):
    login(organiser.email)
    base = f"/summits/{summit.slug}/protocol/items/{dinner.id}"
    assert client.post(f"{base}/tables", data={"tables": 2, "seats": 4, "per_row": 5,
                                               "convention": "government", "room": "宴会厅",
                                               "meal_id": ""}).status_code == 302
    page = text(client.get(f"{base}/tables"))
    assert tables(page) == {1: ["王省长", "李兴文", "张州长", "赵县长"],
                            2: ["钱县长", "孙书记", "吴代表", "周代表"]}
    # 政务 with 4 seats: host and chief guest share the middle, the host on the left.
    main = page.split('id="table-1"')[1].split("</section>")[0]
    assert re.findall(r'data-seat="(\d)"', main) == ["2", "3", "1", "4"]
    assert "Main table" in main and "Host" in main and "Chief guest" in main

    # 李兴文 drops out: everyone moves up a seat; a deputy takes a leader's place.
    client.post(f"{base}/attendance/{entry_id('李兴文')}", data={"status": "absent"})
    client.post(f"{base}/attendance/{entry_id('赵县长')}",
                data={"status": "deputy", "deputy_name": "郑副县长"})
    page = text(client.get(f"{base}/tables"))
    assert tables(page) == {1: ["王省长", "张州长", "郑副县长", "钱县长"],
                            2: ["孙书记", "吴代表", "周代表", ""]}
    assert "deputy for 赵县长" in page

    # A manual move locks the seat; it survives the next refill.
    response = client.post(f"{base}/tables/place", data={
        "person": f"e{entry_id('孙书记')}", "table": 1, "seat": 4})
    assert response.status_code == 302
    client.post(f"{base}/attendance/{entry_id('李兴文')}", data={"status": "attending"})
    assert tables(text(client.get(f"{base}/tables"))) == {
        1: ["王省长", "李兴文", "张州长", "孙书记"], 2: ["郑副县长", "钱县长", "吴代表", "周代表"]}

    # Fewer seats than people: the rest are listed, never dropped.
    client.post(f"{base}/tables/2", data={"seats": 2, "room": "宴会厅"})
    page = text(client.get(f"{base}/tables"))
    assert tables(page)[2] == ["郑副县长", "钱县长"]
    assert re.search(r"More people than seats: 2 not seated\..*吴代表、周代表", page)

    # The locked guest is now absent: the seat stays empty and the page says why.
    client.post(f"{base}/attendance/{entry_id('孙书记')}", data={"status": "absent"})
    page = text(client.get(f"{base}/tables"))
    assert tables(page)[1][3] == ""
    assert "Table 1 seat 4 is locked for 孙书记, who is absent" in page
    client.post(f"{base}/tables/unlock/1/4")
    assert db.session.scalar(db.select(TablePlacement)) is None

    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"banquet.configure", "banquet.table", "banquet.place", "banquet.unlock"} <= actions

    # Each guest sees their table on their own registrations page.
    factories.make_user("wu@example.com", name="吴代表")
    client.post("/auth/logout")
    login("wu@example.com")
    mine = text(client.get("/registrations/mine"))
    assert "Your table at Welcome dinner: table 2, seat" in mine


def test_bad_table_input_is_refused_whole(client, login, summit, organiser, dinner):
    login(organiser.email)
    base = f"/summits/{summit.slug}/protocol/items/{dinner.id}"
    response = client.post(f"{base}/tables/place", data={
        "person": f"e{entry_id('王省长')}", "table": 1, "seat": 1})
    assert "Set up the tables first." in text(response)
    response = client.post(f"{base}/tables", data={"tables": 0, "seats": 4, "per_row": 5,
                                                   "convention": "government"})
    assert response.status_code == 400
    client.post(f"{base}/tables", data={"tables": 1, "seats": 3, "per_row": 5,
                                        "convention": "international", "meal_id": ""})
    client.post(f"{base}/tables/place", data={"person": f"e{entry_id('王省长')}", "table": 1,
                                              "seat": 1})
    response = client.post(f"{base}/tables/place", data={
        "person": f"e{entry_id('李兴文')}", "table": 1, "seat": 1})
    assert response.status_code == 400 and "already taken by 王省长" in text(response)
    response = client.post(f"{base}/tables/place", data={
        "person": f"e{entry_id('李兴文')}", "table": 3, "seat": 1})
    assert "There is no such seat" in text(response)
    response = client.post(f"{base}/tables/place", data={"person": "e999999", "table": 1,
                                                         "seat": 2})
    assert response.status_code == 400
    response = client.post(f"{base}/tables", data={"tables": 1, "seats": 3, "per_row": 5,
                                                   "convention": "government",
                                                   "meal_id": "x"})
    assert response.status_code == 400 and "Choose a meal from the list." in text(response)
    assert db.session.scalar(db.select(db.func.count(TablePlacement.id))) == 1
    response = client.post(f"{base}/tables/unlock/1/3", follow_redirects=True)
    assert ("error", "That seat is not locked.") in flashes(text(response))


def test_the_table_chart_is_a4_landscape_with_round_tables(
        client, login, summit, organiser, dinner, tmp_path):
    login(organiser.email)
    base = f"/summits/{summit.slug}/protocol/items/{dinner.id}"
    client.post(f"{base}/tables", data={"tables": 3, "seats": 3, "per_row": 3,
                                        "convention": "government", "room": "宴会厅"})
    response = client.get(f"{base}/tables.pdf")
    assert response.status_code == 200
    path = save(response.data, tmp_path, "tables.pdf")
    width, height = page_size(path)
    assert round(width) == 842 and round(height) == 595
    chart = squash(pdf_text(path))
    assert "欢迎晚宴桌次座次图·宴会厅" in chart and "主桌" in chart and "自入口看" in chart
    for name, _rank in LEADERS:
        assert name in chart
    assert "吴代表" in chart and "周代表" in chart
    (tmp_path.parent / "tables-chart.pdf").write_bytes(response.data)


def test_a_seated_reception_meal_shows_its_tables(client, login, summit, organiser, dinner):
    meal = MealSession(summit_id=summit.id, kind=MealKind.BANQUET, title="欢迎晚宴",
                       venue="宴会厅", capacity=100, seated=True,
                       starts_at=datetime(2026, 12, 4, 11, tzinfo=UTC))
    db.session.add(meal)
    db.session.commit()
    login(organiser.email)
    base = f"/summits/{summit.slug}/protocol/items/{dinner.id}"
    client.post(f"{base}/tables", data={"tables": 2, "seats": 3, "per_row": 5,
                                        "convention": "government", "meal_id": meal.id})
    page = text(client.get(f"/summits/{summit.slug}/reception/meals"))
    assert "2 tables, 6 seated (protocol seating)" in page and "2 not seated" in page
    assert f"{base}/tables" in page
    assert "Seats the meal 欢迎晚宴" in text(client.get(f"{base}/tables"))


def test_the_tables_page_runs_as_many_statements_for_12_tables_as_for_2(
        client, login, summit, organiser, dinner, count_queries):
    login(organiser.email)
    base = f"/summits/{summit.slug}/protocol/items/{dinner.id}"
    counts = []
    for number in (2, 12):
        client.post(f"{base}/tables", data={"tables": number, "seats": 3, "per_row": 5,
                                            "convention": "government", "meal_id": ""})
        client.get(f"{base}/tables")
        with count_queries() as statements:
            assert client.get(f"{base}/tables").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
