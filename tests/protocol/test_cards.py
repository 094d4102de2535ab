"""Table cards (桌签) through the tables page: one PDF for a table, the podium or everyone,
made by a background job with progress; the name upright on both halves of a folding card,
Tibetan above Chinese, a 200-character name whole; then what moved since the last print,
and printing the changed cards only."""
import re

import pytest

from summit.extensions import db
from summit.models import AuditEntry, CardJob, JobStatus, PrecedenceEntry, Rank
from summit.services.core import jobs
from summit.services.protocol import precedence
from tests.support.pages import flashes, text
from tests.support.pdf import page_count, page_size, pdf_text, save, squash, words

pytestmark = pytest.mark.usefixtures("english")
LONG = "阿" * 120 + "Long" * 20


@pytest.fixture
def seated(client, login, summit, organiser, dinner):
    """The dinner with a podium of 3 and two tables of 4; 王省长 has a Tibetan name and a
    leader with a 200-character name sits at the second table."""
    db.session.scalar(db.select(PrecedenceEntry).where(PrecedenceEntry.name == "王省长")
                      ).name_native = "བཀྲ་ཤིས་བདེ་ལེགས"
    db.session.commit()
    precedence.add_entry(organiser, summit, precedence.EntryDetails(name=LONG,
                                                                    rank=Rank.TOWNSHIP))
    login(organiser.email)
    base = f"/summits/{summit.slug}/protocol/items/{dinner.id}"
    client.post(f"{base}/podium", data={"rows": 1, "seats_per_row": 3,
                                        "convention": "government"})
    client.post(f"{base}/tables", data={"tables": 2, "seats": 4, "per_row": 5,
                                        "convention": "government", "meal_id": ""})
    return base


def print_cards(app, client, url: str, data: dict) -> CardJob:
    response = client.post(url, data=data)
    assert response.status_code == 302, text(response)[:2000]
    jobs.wait_idle(app)
    key = response.headers["Location"].rsplit("/", 1)[1]
    db.session.expire_all()
    return db.session.scalar(db.select(CardJob).where(CardJob.key == key))


def test_cards_of_a_table_and_of_everyone_print_through_a_job(
        app, client, summit, seated, tmp_path):
    job = print_cards(app, client, f"{seated}/cards", {"scope": "table", "table": 1,
                                                      "size": "a4"})
    assert job.status is JobStatus.DONE and (job.done, job.total) == (4, 4)
    page = text(client.get(f"/summits/{summit.slug}/protocol/cards/{job.key}"))
    assert "Ready" in page and "王省长、李兴文、张州长、赵县长" in page
    assert client.get(f"/summits/{summit.slug}/protocol/cards/{job.key}/status").json[
        "percent"] == 100
    path = save(client.get(f"/summits/{summit.slug}/protocol/cards/{job.key}.pdf").data,
                tmp_path, "table.pdf")
    assert page_count(path) == 4
    assert [round(v) for v in page_size(path)] == [595, 842]
    # Each card carries the name twice: upright below the fold, turned over above it.
    first = words(path, 1)
    chinese = [w for w in first if w[4] == "王省长"]
    assert len(chinese) == 2
    lower = max(chinese, key=lambda w: w[1])
    assert lower[1] > 421 > min(w[1] for w in chinese)
    # Tibetan above Chinese on the upright half.
    tibetan = [w for w in first if "བཀྲ" in w[4] and w[1] > 421]
    assert tibetan and tibetan[0][1] < lower[1]

    job = print_cards(app, client, f"{seated}/cards", {"scope": "everyone", "size": "a5"})
    path = save(client.get(f"/summits/{summit.slug}/protocol/cards/{job.key}.pdf").data,
                tmp_path, "everyone.pdf")
    # 3 on the podium and 8 at the tables.
    assert job.total == page_count(path) == 11
    assert [round(v) for v in page_size(path)] == [420, 595]
    everything = squash(pdf_text(path))
    assert everything.count(LONG) == 2  # shrunk, never cut, on both halves
    (tmp_path.parent / "cards-a5.pdf").write_bytes(path.read_bytes())
    # The table chart goes through the same job.
    job = print_cards(app, client, f"{seated}/cards", {"scope": "chart", "size": "a4"})
    assert job.status is JobStatus.DONE and (job.done, job.total) == (2, 2)
    path = save(client.get(f"/summits/{summit.slug}/protocol/cards/{job.key}.pdf").data,
                tmp_path, "chart.pdf")
    assert [round(v) for v in page_size(path)] == [842, 595]
    assert "桌次座次图" in squash(pdf_text(path)) and "Tables" in text(
        client.get(f"/summits/{summit.slug}/protocol/cards/{job.key}"))
    assert {"table_cards.start", "table_cards.printed"} <= set(
        db.session.scalars(db.select(AuditEntry.action)))


def test_bad_card_requests_are_refused_with_a_message(client, login, summit, organiser,
                                                     dinner):
    login(organiser.email)
    base = f"/summits/{summit.slug}/protocol/items/{dinner.id}"
    response = client.post(f"{base}/cards", data={"scope": "podium", "size": "a4"})
    assert response.status_code == 400 and "Set up the podium first." in text(response)
    client.post(f"{base}/tables", data={"tables": 1, "seats": 4, "per_row": 5,
                                        "convention": "government", "meal_id": ""})
    response = client.post(f"{base}/cards", data={"scope": "table", "size": "a4"})
    assert response.status_code == 400 and "Choose one of the tables." in text(response)
    response = client.post(f"{base}/cards", data={"scope": "table", "table": 7,
                                                  "size": "a4"})
    assert "Choose one of the tables." in text(response)
    response = client.post(f"{base}/cards", data={"scope": "all", "size": "b5"})
    assert response.status_code == 400
    response = client.post(f"{base}/cards/changed", data={"size": "a4"},
                           follow_redirects=True)
    assert ("error", "Nothing to print: no card changed since the last print.") in flashes(
        text(response))
    assert db.session.scalar(db.select(db.func.count(CardJob.id))) == 0
    assert client.get(f"/summits/{summit.slug}/protocol/cards/nosuchkey").status_code == 404


def changes(page: str) -> list[tuple[str, str, str]]:
    table = page.split('id="changes"', 1)[1].split("</table>", 1)[0]
    return [tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(
        r"<td>(.*?)</td>", row, re.S)) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
            if "<td>" in row]


def test_only_the_changed_cards_are_printed_again(app, client, summit, seated, tmp_path):
    print_cards(app, client, f"{seated}/cards", {"scope": "everyone", "size": "a4"})
    assert "Nothing moved since the last print." in text(client.get(f"{seated}/tables"))

    # 李兴文 drops out: the podium and the main table move up; his cards are withdrawn.
    li = db.session.scalar(db.select(PrecedenceEntry.id).where(PrecedenceEntry.name == "李兴文"))
    client.post(f"{seated}/attendance/{li}", data={"status": "absent"})
    moved = changes(text(client.get(f"{seated}/tables")))
    assert ("李兴文", "Podium row 1, seat 1", "Not seated: withdraw the card") in moved
    assert ("张州长", "Podium row 1, seat 3", "Podium row 1, seat 1") in moved
    assert ("张州长", "Main table, seat 1", "Main table, seat 3") in moved
    assert not any(row[0] == "王省长" for row in moved)

    response = client.post(f"{seated}/cards/changed", data={"size": "a4"})
    jobs.wait_idle(app)
    key = response.headers["Location"].rsplit("/", 1)[1]
    job = db.session.scalar(db.select(CardJob).where(CardJob.key == key))
    reprinted = {card["name"] for card in job.cards}
    assert reprinted == {row[0] for row in moved} - {"李兴文"}
    path = save(client.get(f"/summits/{summit.slug}/protocol/cards/{key}.pdf").data,
                tmp_path, "changed.pdf")
    printed = squash(pdf_text(path))
    assert "张州长" in printed and "王省长" not in printed and "李兴文" not in printed
    assert "Nothing moved since the last print." in text(client.get(f"{seated}/tables"))
