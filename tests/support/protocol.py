"""Fixtures for protocol tests: leaders of every rank on the precedence list, two delegation
guests, and a welcome dinner to seat them at."""
import pytest

from summit.extensions import db
from summit.models import Delegation, Rank
from summit.services.protocol import precedence
from tests.support import factories

LEADERS = [("王省长", Rank.PROVINCIAL), ("李兴文", Rank.BUREAU), ("张州长", Rank.BUREAU),
           ("赵县长", Rank.COUNTY), ("钱县长", Rank.COUNTY), ("孙书记", Rank.TOWNSHIP)]


@pytest.fixture
def dinner(summit, organiser):
    """Six leaders, then 吴代表 (丹巴县) and 周代表 (泸定县), and the dinner item."""
    for name, rank in LEADERS:
        precedence.add_entry(organiser, summit, precedence.EntryDetails(
            name=name, rank=rank, organisation="甘孜州人民政府", title="领导"))
    factories.make_category(summit)
    # Guests by delegation: 丹巴县 before 泸定县, whatever the order they registered in.
    luding = Delegation(summit=summit, name="泸定县")
    danba = Delegation(summit=summit, name="丹巴县")
    db.session.add_all([luding, danba])
    for name, delegation, email in (("周代表", luding, "zhou@example.com"),
                                    ("吴代表", danba, "wu@example.com")):
        registration = factories.make_registration(summit, name, approve_as=organiser,
                                                   email=email)
        registration.delegation = delegation
    db.session.commit()
    return factories.make_item(summit, "18:00", "20:00", title_zh="欢迎晚宴",
                               title_en="Welcome dinner")
