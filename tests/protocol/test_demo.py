"""The demo summit gets its leaders and the welcome address's podium, once."""
from summit.extensions import db
from summit.models import AgendaItem, PrecedenceEntry
from summit.services.demo import seed as demo
from summit.services.protocol import precedence, seating


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
