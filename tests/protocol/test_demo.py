"""The demo summit gets its leaders and the welcome address's podium, once."""
from summit.extensions import db
from summit.models import AgendaItem, PrecedenceEntry
from summit.services.demo import seed as demo
from summit.services.protocol import banquet as tables, precedence, seating


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
