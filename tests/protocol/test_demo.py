"""The demo summit gets its leaders and the welcome address's podium, once."""
from summit.extensions import db
from summit.models import AgendaItem, Convention, PrecedenceEntry, SigningCeremony
from summit.services.agreements import ceremony as agreement_ceremony
from summit.services.demo import seed as demo
from summit.services.protocol import banquet as tables, ceremony, precedence, script, seating


def test_the_demo_seats_the_kangding_leaders_on_the_podium(app):
    summit = demo.seed_demo()
    demo.seed_demo()

    assert [e.name for e in precedence.ordered(summit)] == ["杨春轩", "赵波", "李兴文"]
    assert db.session.scalar(db.select(db.func.count(PrecedenceEntry.id))) == 3
    item = next(i for i in db.session.scalars(db.select(AgendaItem))
                if seating.podium_for(i) is not None)
    chart = seating.compute(item, seating.podium_for(item))
    # 政务, 5 seats seen from the stage: _ 赵波 杨春轩 李兴文 _
    assert [s.attendee.name if s.attendee else "" for s in chart.rows[0]] == [
        "", "赵波", "杨春轩", "李兴文", ""]


def test_the_demo_welcome_banquet_seats_the_leaders_at_the_main_table(app):
    summit = demo.seed_demo()
    item = db.session.scalar(db.select(AgendaItem).where(AgendaItem.title_zh == "欢迎晚宴"))
    chart = tables.compute(item, tables.banquet_for(item))
    main = sorted(chart.tables[0].seats, key=lambda s: s.rank)
    # Host, chief guest and No. 3 by precedence; then the delegations' guests.
    assert [s.guest.name for s in main[:3]] == ["杨春轩", "赵波", "李兴文"]
    assert len(chart.tables) == 3 and chart.banquet.meal is not None
    assert sum(t.taken for t in chart.tables) > 3
    assert tables.meal_tables(summit)[chart.banquet.meal_id].item == item


def test_the_demo_signing_ceremony_order_sides_witnesses_and_script(app):
    summit = demo.seed_demo()
    demo.seed_demo()
    item = agreement_ceremony.ceremony_items(summit)[0]
    assert db.session.scalar(db.select(db.func.count(SigningCeremony.id))) == 1
    sheet = ceremony.compute(item)
    # By amount, largest first (the 理塘 agreement, upgraded later, was still signed here).
    assert [(s.agreement.county, str(s.agreement.amount)) for s in sheet.signings] == [
        ("泸定县", "120000000.00"), ("康定市", "50000000.00"), ("理塘县", "30000000.00"),
        ("丹巴县", "20000000.00"), ("乡城县", "15000000.00"), ("稻城县", "10000000.00"),
        ("康定市", "8000000.00")]
    # 政务: the company (guest, side B) at the left seen from the stage, the prefecture's
    # 李兴文 (host, side A) at the right; the witnesses are the two other leaders.
    first = sheet.signings[0]
    assert sheet.settings.convention is Convention.GOVERNMENT
    assert [p.name for p in first.left_party] == ["张毅"]
    assert [p.name for p in first.right_party] == ["李兴文"]
    assert first.chosen and not sheet.signings[1].chosen
    for signing in sheet.signings:
        assert signing.host[0].organisation == "甘孜藏族自治州人民政府"
        assert [w.name for w in signing.witnesses] == ["杨春轩", "赵波"]
        # Standing behind, seen from the stage: No. 1 on the left of No. 2 (政务, two people).
        assert [w.name for w in signing.standing] == ["杨春轩", "赵波"]
    saved = script.current(item)
    assert saved.saved and not saved.out_of_date
    assert "第一项，签署《泸定县冷链物流仓储投资协议》，金额1.20亿元" in saved.text
    assert saved.text.index("四川省商务厅副厅长杨春轩同志") < saved.text.index("赵波同志") \
        < saved.text.index("副州长李兴文同志")
