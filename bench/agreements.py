"""Agreements benchmark (issue: cooperation agreements and the officials' dashboard).

The officials' dashboard page over 5,000 agreements and 50,000 follow-up entries: target
<= 150 ms median, its ratio to the trivial /api/v1/health endpoint of the same app measured in
the same run, and the SQL query count with 10 agreements and with 5,000 (must be equal: the
aggregates are GROUP BY queries, not Python loops over rows).

Runs on SQLite in a temporary folder. Exit code 1 when a target is missed.
"""
from __future__ import annotations

import random
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from bench._helpers import median_ms
from summit import create_app
from summit.extensions import db
from summit.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    AgreementUpdate,
    Membership,
    PartySide,
    Role,
    Summit,
    UpdateKind,
)
from summit.services.accounts import users as accounts
from tests.support.queries import statements_run

AGREEMENTS, UPDATES = 5000, 50_000
COUNTIES = ["康定市", "泸定县", "丹巴县", "九龙县", "雅江县", "道孚县", "炉霍县", "甘孜县",
            "新龙县", "德格县", "白玉县", "石渠县", "色达县", "理塘县", "巴塘县", "乡城县",
            "稻城县", "得荣县"]
SECTORS = ["农村电商", "冷链物流", "文旅电商", "农产品上行", "电商扶贫", "品牌营销", "电商公共服务"]
STATUSES = list(AgreementStatus)


def fill(summit_id: int, start_id: int, count: int, updates: int, rng: random.Random) -> None:
    """Rows written in bulk with Core (the services are measured elsewhere)."""
    signed = datetime(2017, 8, 3, 3, 0, tzinfo=UTC)
    agreements, parties, entries = [], [], []
    funds = {}
    for i in range(start_id, start_id + count):
        amount = Decimal(rng.randrange(100_000, 500_000_000_00)) / 100
        funds[i] = (amount, Decimal("0.00"))
        agreements.append({
            "id": i, "summit_id": summit_id, "title": f"合作协议 {i}",
            "kind": rng.choice(list(AgreementKind)), "county": rng.choice(COUNTIES),
            "sector": rng.choice(SECTORS), "amount": amount, "signed_at": signed,
            "status": rng.choice(STATUSES), "funds_in_place": Decimal("0.00"),
            "last_activity_at": signed + timedelta(days=rng.randrange(0, 3000)),
            "predecessor_id": i - 1 if i % 50 == 0 else None, "superseded": i % 50 == 49,
            "created_at": signed,
            "on_stage": i % 3 == 0, "witnesses": "", "terminated_reason": ""})
        parties += [{"agreement_id": i, "side": PartySide.A, "position": 0,
                     "organisation": "甘孜藏族自治州人民政府", "signatory_name": "",
                     "signatory_title": ""},
                    {"agreement_id": i, "side": PartySide.B, "position": 1,
                     "organisation": f"企业 {i}", "signatory_name": "", "signatory_title": ""}]
    ids = list(funds)
    for n in range(updates):
        agreement_id = rng.choice(ids)
        amount, current = funds[agreement_id]
        value = min(amount, current + (amount / 10).quantize(Decimal("0.01")))
        funds[agreement_id] = (amount, value)
        happened = date(2017, 9, 1) + timedelta(days=n % 2500)
        entries.append({"agreement_id": agreement_id, "summit_id": summit_id,
                        "agreement_signed_at": signed,
                        "agreement_superseded": agreement_id % 50 == 49, "kind": UpdateKind.FUNDS,
                        "happened_on": happened, "happened_month": happened.strftime("%Y-%m"),
                        "recorded_at": signed, "funds_in_place": value,
                        "funds_change": value - current, "reason": "", "note": "",
                        "milestone_title": ""})
    db.session.execute(insert(Agreement), agreements)
    db.session.execute(insert(AgreementParty), parties)
    db.session.execute(insert(AgreementUpdate), entries)
    for agreement_id, (_amount, value) in funds.items():
        db.session.execute(db.update(Agreement).where(Agreement.id == agreement_id)
                           .values(funds_in_place=value))
    db.session.commit()


def count_queries(app, client, url: str) -> int:
    """Statements of one request, made as a server makes it (its own app context)."""
    with app.app_context():
        engine = db.engine
    with statements_run(engine) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="summit-bench-"))
    app = create_app({"TESTING": False, "DEBUG": False, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": str(folder), "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                      "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    rng = random.Random(2017)
    url = "/summits/bench/agreements/dashboard"
    failed = False
    with app.app_context():
        db.create_all()
        official = accounts.create_user("official@example.com", "州政府领导", "bench-password",
                                        verified=True)
        summit = Summit(slug="bench", title_zh="基准峰会", starts_on=date(2017, 8, 3),
                        ends_on=date(2017, 8, 3))
        summit.memberships.append(Membership(user=official, role=Role.OFFICIAL))
        db.session.add(summit)
        db.session.commit()
        summit_id = summit.id
        fill(summit_id, 1, 10, 100, rng)
    client = app.test_client()
    client.post("/auth/login", data={"email": "official@example.com",
                                     "password": "bench-password"})
    few = count_queries(app, client, url)
    with app.app_context():
        fill(summit_id, 11, AGREEMENTS - 10, UPDATES - 100, rng)
        totals = db.session.execute(db.select(db.func.count(Agreement.id))).scalar(), \
            db.session.execute(db.select(db.func.count(AgreementUpdate.id))).scalar()
    many = count_queries(app, client, url)

    assert client.get(url).status_code == 200
    token = {"Authorization": "Bearer " + client.post("/api/v1/tokens", json={
        "email": "official@example.com", "password": "bench-password"}).get_json()["token"]}
    health = median_ms(lambda: client.get("/api/v1/health"), 60, warm=False,
                       label="trivial endpoint")
    dashboard = median_ms(lambda: client.get(url), 30, warm=False, label="dashboard")
    api = median_ms(lambda: client.get("/api/v1/summits/bench/agreements/summary",
                                       headers=token), 30, warm=False)
    ok = dashboard <= 150
    failed |= not ok
    print(f"dashboard over {totals[0]:,} agreements and {totals[1]:,} updates: median "
          f"{dashboard:.1f} ms (target <= 150 ms: {'met' if ok else 'MISSED'}); "
          f"{dashboard / health:.1f}x the trivial endpoint ({health:.2f} ms) in the same run")
    print(f"summary API over the same data: median {api:.1f} ms ({api / health:.1f}x the "
          "trivial endpoint)")
    ok = few == many
    failed |= not ok
    print(f"queries per dashboard: {few} with 10 agreements, {many} with {totals[0]:,} "
          f"({'constant' if ok else 'GROWS'})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
