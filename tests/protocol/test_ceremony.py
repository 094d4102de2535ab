"""The signing ceremony's run-sheet through its page: the order of signings (amount, the
organiser's order, county), the sides at the signing table by convention, the witnesses
(default and chosen, following attendance), the PDF read back, roles and bad input."""
import html
import re
from datetime import UTC, datetime

import pytest

from summit.extensions import db
from summit.models import AuditEntry, PartySide, PrecedenceEntry, Rank, Role
from summit.services.agreements import signing as agreements
from summit.services.protocol import precedence
from tests.support import factories
from tests.support.pages import flashes, text
from tests.support.pdf import page_size, pdf_text, save, squash

pytestmark = pytest.mark.usefixtures("english")

LEADERS = [("杨春轩", Rank.PROVINCIAL, "四川省商务厅", "副厅长"),
           ("赵波", Rank.BUREAU, "甘孜藏族自治州人民政府", "常务副州长"),
           ("李兴文", Rank.BUREAU, "甘孜藏族自治州人民政府", "副州长"),
           ("钱县长", Rank.COUNTY, "康定市人民政府", "市长")]
# title, county, amount, company, signatory
SIGNINGS = [("康定电商协议", "康定市", "5000万", "川藏云商公司", "王海"),
            ("理塘服务体系协议", "理塘县", "3000万", "高原优品公司", "刘欣"),
            ("泸定冷链协议", "泸定县", "1.2亿", "蜀道冷链集团", "张毅"),
            ("康定旗舰店协议", "康定市", "800万", "云岭网络公司", "周敏")]


def record(summit, officer, ceremony, title, county, amount, company, signatory):
    return agreements.record_agreement(officer, summit, agreements.AgreementDetails(
        title=title, kind=agreements.AgreementKind.STRATEGIC, county=county, sector="农村电商",
        amount=amount, signed_at=None, ceremony_item_id=ceremony.id, on_stage=True,
        parties=[agreements.PartyDetails(PartySide.A, "甘孜藏族自治州人民政府", "李兴文",
                                         "副州长"),
                 agreements.PartyDetails(PartySide.B, company, signatory, "董事长")]),
        now=datetime(2017, 8, 3, 4, 0, tzinfo=UTC))


@pytest.fixture
def signing_day(summit, organiser, ceremony):
    for name, rank, organisation, title in LEADERS:
        precedence.add_entry(organiser, summit, precedence.EntryDetails(
            name=name, rank=rank, organisation=organisation, title=title))
    officer = factories.make_member(summit, Role.AGREEMENTS_OFFICER, "officer@example.com")
    return {row[0]: record(summit, officer, ceremony, *row) for row in SIGNINGS}


def signings(page: str) -> list[tuple[str, str, str, list[str]]]:
    """(title, host signatory, guest signatory, witnesses) of each row of the page's table."""
    body = page.split('id="signings"', 1)[1].split("</table>", 1)[0]
    rows = []
    for row in body.split('<tr id="signing-')[1:]:
        title = re.search(r"<td>\d+</td>\s*<td>([^<]+)<br>", row).group(1)
        host = re.search(r'class="host"><strong>([^<]+)', row).group(1)
        guest = re.search(r'class="guest"><strong>([^<]+)', row).group(1)
        rows.append((title, host, guest, re.findall(r'<span class="witness">([^<]+)', row)))
    return rows


def entry_id(name: str) -> int:
    return db.session.scalar(db.select(PrecedenceEntry.id).where(PrecedenceEntry.name == name))


def test_order_sides_and_witnesses_follow_the_organiser(client, login, summit, organiser,
                                                        ceremony, signing_day):
    login(organiser.email)
    base = f"/summits/{summit.slug}/protocol/items/{ceremony.id}"
    assert "ceremony-link" in text(client.get(base))
    page = text(client.get(f"{base}/ceremony"))
    # By amount (the default); 李兴文 signs every agreement, so he does not witness one: the
    # two most senior other leaders do, most senior first.
    assert signings(page) == [
        ("泸定冷链协议", "李兴文", "张毅", ["杨春轩", "赵波"]),
        ("康定电商协议", "李兴文", "王海", ["杨春轩", "赵波"]),
        ("理塘服务体系协议", "李兴文", "刘欣", ["杨春轩", "赵波"]),
        ("康定旗舰店协议", "李兴文", "周敏", ["杨春轩", "赵波"])]
    # 政务: the guest takes the seat of honour, at the left seen from the stage.
    assert "政务惯例（以左为尊）" in page
    row = page.split('id="signing-', 2)[1]
    assert "seated at the left" in row.split('class="guest"')[1].split("</td>")[0]
    assert "seated at the right" in row.split('class="host"')[1].split("</td>")[0]

    # By county: the county with the larger total first, its signings together.
    client.post(f"{base}/ceremony/settings", data={"order_by": "county",
                                                   "convention": "international"})
    page = text(client.get(f"{base}/ceremony"))
    assert [s[0] for s in signings(page)] == ["泸定冷链协议", "康定电商协议", "康定旗舰店协议",
                                             "理塘服务体系协议"]
    row = page.split('id="signing-', 2)[1]
    assert "seated at the left" in row.split('class="host"')[1].split("</td>")[0]
    assert "国际/商务惯例（以右为尊）" in page

    # The organiser's own order: moving a signing switches to it and keeps the rest.
    lt = signing_day["理塘服务体系协议"].id
    assert client.post(f"{base}/ceremony/signings/{lt}/move/up").status_code == 302
    page = text(client.get(f"{base}/ceremony"))
    assert [s[0] for s in signings(page)] == ["泸定冷链协议", "康定电商协议", "理塘服务体系协议",
                                             "康定旗舰店协议"]
    assert re.search(r'<option selected value="organiser">', page)
    response = client.post(f"{base}/ceremony/signings/{signing_day['泸定冷链协议'].id}/move/up",
                           follow_redirects=True)
    assert ("error", "This signing is already at the edge of the order.") in \
        flashes(text(response))

    # A leader drops out: the default witnesses follow; chosen ones are kept, the absent one
    # left out with a message; a deputy stands in.
    client.post(f"{base}/attendance/{entry_id('赵波')}", data={"status": "absent"})
    client.post(f"{base}/ceremony/signings/{lt}/witnesses",
                data={"witnesses": [entry_id("钱县长"), entry_id("赵波"), entry_id("杨春轩")]})
    client.post(f"{base}/attendance/{entry_id('杨春轩')}",
                data={"status": "deputy", "deputy_name": "王副厅长"})
    page = text(client.get(f"{base}/ceremony"))
    assert signings(page)[0][3] == ["王副厅长", "钱县长"]
    assert signings(page)[2][3] == ["王副厅长", "钱县长"]
    assert "Signing 3: the witness 赵波 is absent and is left out." in page
    assert "deputy for 杨春轩" in page
    client.post(f"{base}/ceremony/signings/{lt}/witnesses", data={"default": "y"})
    client.post(f"{base}/attendance/{entry_id('赵波')}", data={"status": "attending"})
    page = text(client.get(f"{base}/ceremony"))
    assert signings(page)[2][3] == ["王副厅长", "赵波"]

    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"ceremony.configure", "ceremony.reorder", "ceremony.witnesses"} <= actions


def test_the_run_sheet_pdf_for_the_stage_manager(client, login, summit, organiser, ceremony,
                                                 signing_day, tmp_path):
    login(organiser.email)
    base = f"/summits/{summit.slug}/protocol/items/{ceremony.id}/ceremony"
    response = client.get(f"{base}/run-sheet.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = save(response.data, tmp_path, "run-sheet.pdf")
    width, height = page_size(path)
    assert round(width) == 595 and round(height) == 842
    sheet = squash(pdf_text(path))
    assert "签约仪式流程单" in sheet and "政务惯例（以左为尊）" in sheet
    assert "主方＝甲方，客方＝乙方" in sheet
    # The order table: by amount, with the amounts as the agreements area writes them.
    order = [sheet.index(title) for title in ("泸定冷链协议", "康定电商协议", "理塘服务体系协议",
                                              "康定旗舰店协议")]
    assert order == sorted(order)
    assert "1.20亿元" in sheet and "5,000.00万元" in sheet
    # The diagram of signing 1, seen from the audience: the host (right seat of the stage) on
    # the audience's left, the guest on their right; the witnesses behind, No. 1 (杨春轩) on
    # the audience's right of No. 2 under 政务 with two witnesses.
    assert "第1项·泸定冷链协议" in sheet
    diagram = sheet.split("第1项·泸定冷链协议", 1)[1].split("第2项", 1)[0]
    assert diagram.index("赵波") < diagram.index("杨春轩")
    assert diagram.index("主方") < diagram.index("客方")
    assert diagram.index("李兴文") < diagram.index("张毅")


def test_roles_and_bad_input(client, login, summit, organiser, ceremony, signing_day):
    official = factories.make_member(summit, Role.OFFICIAL, "official@example.com")
    login(official.email)
    base = f"/summits/{summit.slug}/protocol/items/{ceremony.id}/ceremony"
    assert client.get(base).status_code == 200
    assert client.post(f"{base}/settings", data={"order_by": "county",
                                                 "convention": "government"}).status_code == 403
    client.post("/auth/logout")
    login(organiser.email)
    # Not a signing ceremony: no run-sheet.
    other = factories.make_item(summit)
    assert client.get(f"/summits/{summit.slug}/protocol/items/{other.id}/ceremony") \
        .status_code == 404
    assert client.post(f"{base}/settings", data={"order_by": "height",
                                                 "convention": "government"}).status_code == 400
    lt = signing_day["理塘服务体系协议"].id
    response = client.post(f"{base}/signings/{lt}/witnesses", data={"witnesses": ["99999"]},
                           follow_redirects=True)
    assert ("error", "Choose witnesses from the precedence list.") in flashes(text(response))
    response = client.post(f"{base}/signings/999999/witnesses", data={"default": "y"},
                           follow_redirects=True)
    assert ("error", "That agreement is not at this ceremony.") in flashes(text(response))
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))
                             .where(AuditEntry.action.like("ceremony.%"))) == 0


def test_a_ceremony_without_agreements_says_so(client, login, summit, organiser, ceremony):
    login(organiser.email)
    page = text(client.get(f"/summits/{summit.slug}/protocol/items/{ceremony.id}/ceremony"))
    assert "No agreements are recorded at this signing ceremony yet" in page
    assert client.get(f"/summits/{summit.slug}/protocol/items/{ceremony.id}/ceremony/"
                      "run-sheet.pdf").status_code == 200


def script_text(page: str) -> str:
    area = page.split('name="text"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    return html.unescape(area).strip()


def test_the_host_script_is_generated_edited_and_kept_in_step(client, login, summit, organiser,
                                                               ceremony, signing_day, tmp_path):
    login(organiser.email)
    base = f"/summits/{summit.slug}/protocol/items/{ceremony.id}"
    client.post(f"{base}/attendance/{entry_id('钱县长')}", data={"status": "absent"})
    client.post(f"{base}/attendance/{entry_id('赵波')}",
                data={"status": "deputy", "deputy_name": "刘副州长"})
    page = text(client.get(f"{base}/ceremony"))
    generated = script_text(page)
    lines = generated.splitlines()
    assert lines[:2] == ["尊敬的各位领导、各位嘉宾，女士们、先生们：", "大家上午好！"]
    # The leaders in precedence order, with organisation and title; the deputy as such; the
    # absent 钱县长 left out.
    assert lines[5:8] == ["四川省商务厅副厅长杨春轩同志；",
                          "受甘孜藏族自治州人民政府常务副州长赵波同志委托出席的刘副州长同志；",
                          "甘孜藏族自治州人民政府副州长李兴文同志。"]
    assert "钱县长" not in generated
    # Each signing in the run-sheet's order, with parties, project and amount.
    assert "今天共有四个项目签约" in generated
    first = next(line for line in lines if line.startswith("第一项"))
    assert first == ("第一项，签署《泸定冷链协议》，金额1.20亿元。请甘孜藏族自治州人民政府副州长"
                     "李兴文和蜀道冷链集团董事长张毅上台签约，请杨春轩、刘副州长同志见证。")
    assert lines.index(first) < lines.index(next(x for x in lines if x.startswith("第四项")))
    assert "5,000.00万元" in generated and lines[-1].endswith("谢谢大家！")
    assert "Generated from the data" in page

    # The organiser edits and saves; the page keeps the edit.
    edited = generated.replace("大家上午好！", "大家上午好！欢迎来到康定！")
    assert client.post(f"{base}/ceremony/script", data={"text": edited}).status_code == 302
    page = text(client.get(f"{base}/ceremony"))
    assert script_text(page) == edited and "This is your edited text" in page
    # Attendance changes after the edit: the page says so and names the changes.
    client.post(f"{base}/attendance/{entry_id('钱县长')}", data={"status": "attending"})
    client.post(f"{base}/attendance/{entry_id('杨春轩')}", data={"status": "absent"})
    page = text(client.get(f"{base}/ceremony"))
    assert script_text(page) == edited
    assert "The saved text is out of date" in page
    assert re.search(r'class="names-added">钱县长<', page)
    assert re.search(r'class="names-removed">杨春轩<', page)

    # Downloads carry the saved text.
    download = client.get(f"{base}/ceremony/script.txt")
    assert download.mimetype == "text/plain" and download.data.decode() == edited
    response = client.get(f"{base}/ceremony/script.pdf")
    path = save(response.data, tmp_path, "script.pdf")
    printed = squash(pdf_text(path))
    assert "主持词" in printed and "欢迎来到康定" in printed and "钱县长" not in printed

    # Regenerate overwrites after confirming (the button asks) and is in step again.
    assert "Your edits to the text will be overwritten" in page
    client.post(f"{base}/ceremony/script/regenerate")
    page = text(client.get(f"{base}/ceremony"))
    assert "out of date" not in page and "欢迎来到康定" not in script_text(page)
    assert "市长钱县长同志" in script_text(page) and "杨春轩同志；" not in script_text(page)

    # Bad input: an empty text is refused with a message, nothing changes.
    response = client.post(f"{base}/ceremony/script", data={"text": "   "})
    assert response.status_code == 400 and "This field is required" in text(response)
    response = client.post(f"{base}/ceremony/script", data={"text": "好\x00"})
    assert response.status_code == 400
    assert "Remove control characters or line breaks from this field." in text(response)
    actions = list(db.session.scalars(db.select(AuditEntry.action)
                                      .where(AuditEntry.action.like("ceremony.script%"))))
    assert actions == ["ceremony.script_save", "ceremony.script_regenerate"]


def test_an_official_reads_the_script_but_cannot_change_it(client, login, summit, ceremony,
                                                           signing_day):
    official = factories.make_member(summit, Role.OFFICIAL, "official@example.com")
    login(official.email)
    base = f"/summits/{summit.slug}/protocol/items/{ceremony.id}/ceremony"
    page = text(client.get(base))
    assert 'id="script-text"' in page and "李兴文" in page
    assert client.post(f"{base}/script", data={"text": "x"}).status_code == 403
    assert client.post(f"{base}/script/regenerate").status_code == 403


def test_the_run_sheet_page_queries_do_not_grow(client, login, summit, organiser, ceremony,
                                                 signing_day, count_queries):
    login(organiser.email)
    url = f"/summits/{summit.slug}/protocol/items/{ceremony.id}/ceremony"
    officer = factories.make_member(summit, Role.AGREEMENTS_OFFICER, "second@example.com")
    client.post(f"{url}/settings", data={"order_by": "amount", "convention": "government"})
    client.get(url)
    with count_queries() as four:
        assert client.get(url).status_code == 200
    for n in range(12):
        agreement = record(summit, officer, ceremony, f"协议{n}", "丹巴县", f"{n + 1}万",
                           "某公司", f"签字人{n}")
        client.post(f"{url}/signings/{agreement.id}/witnesses",
                    data={"witnesses": [entry_id("赵波")]})
    with count_queries() as sixteen:
        page = text(client.get(url))
    assert page.count('<tr id="signing-') == 16
    assert len(four) == len(sixteen)
