"""An agreements officer records two agreements signed at the ceremony (choosing the programme's
signing-ceremony item, whose start becomes the signing time) and follows one until it lands; an
official opens the dashboard and downloads the monthly PDF report."""
from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from summit.extensions import db
from summit.models import Agreement, AgreementStatus, Role
from tests.support import factories

pytestmark = pytest.mark.e2e
CEREMONY = "Signing of rural e-commerce agreements (2017-08-03 09:50)"


def log_in(page: Page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Welcome")


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out", exact=True).click()


def record(page: Page, title: str, company: str, amount: str, county: str,
           another: bool) -> None:
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("County", exact=True).fill(county)
    page.get_by_label("Sector", exact=True).fill("农村电商")
    page.get_by_label("Amount (yuan)", exact=True).fill(amount)
    page.get_by_label("Signing ceremony", exact=True).select_option(label=CEREMONY)
    page.get_by_label("Signed at", exact=True).fill("")  # the ceremony's start
    page.get_by_label("Signed on stage at the ceremony").check()
    page.get_by_label("Side A: organisation", exact=True).fill("甘孜藏族自治州人民政府")
    page.get_by_label("Side A: signatory", exact=True).fill("李兴文")
    page.get_by_label("Side B: organisation", exact=True).fill(company)
    page.get_by_label("Witnessing leaders (one per line)").fill("赵波\n杨春轩")
    button = "Record and add another" if another else "Record the agreement"
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"The agreement “{title}” has been "
                                                       "recorded.")


def add_status(page: Page, status: str, day: str) -> None:
    page.get_by_label("What to record", exact=True).select_option(label="Status change")
    page.get_by_label("Date it happened", exact=True).fill(day)
    page.get_by_label("New status", exact=True).select_option(label=status)
    page.get_by_role("button", name="Add to the history", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Added to the history.")


def test_officer_records_and_follows_up_official_reads_the_report(page: Page, live_server,
                                                                   summit, tmp_path):
    factories.make_member(summit, Role.AGREEMENTS_OFFICER, "officer@example.com",
                          name="协议专员")
    factories.make_member(summit, Role.OFFICIAL, "official@example.com", name="州政府领导")
    ceremony = factories.make_item(summit, "09:50", "10:20", day=date(2017, 8, 3),
                                   kind="signing_ceremony", title_zh="农村电商战略合作协议签约仪式",
                                   title_en="Signing of rural e-commerce agreements")

    log_in(page, "officer@example.com")
    page.goto(f"/summits/{summit.slug}")
    page.get_by_role("link", name="Agreements", exact=True).click()
    expect(page.get_by_text("No agreements match.")).to_be_visible()
    page.get_by_role("link", name="Record an agreement", exact=True).click()
    record(page, "甘孜州农村电商战略合作协议", "四川川藏云商科技有限公司", "5000万", "康定市",
           another=True)
    record(page, "理塘县农村电商公共服务体系建设合作协议", "成都高原优品供应链有限公司",
           "30000000.00", "理塘县", another=False)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "理塘县农村电商公共服务体系建设合作协议")
    link = page.get_by_role("link", name="Signing of rural e-commerce agreements", exact=True)
    expect(link).to_have_attribute("href", f"/summits/{summit.slug}/agenda/items/{ceremony.uid}")

    page.get_by_role("link", name="All agreements").click()
    page.get_by_role("link", name="甘孜州农村电商战略合作协议", exact=True).click()
    for status, day in (("Contracted", "2017-09-15"), ("Construction started", "2017-11-10"),
                        ("In production", "2018-03-05")):
        add_status(page, status, day)
    page.get_by_label("What to record", exact=True).select_option(label="Funds in place")
    page.get_by_label("Date it happened", exact=True).fill("2018-05-18")
    page.get_by_label("Funds in place so far (yuan, cumulative)").fill("50000000")
    page.get_by_role("button", name="Add to the history", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Added to the history.")
    add_status(page, "Landed", "2018-06-30")
    timeline = page.locator("ol.timeline")
    expect(timeline.locator("li")).to_have_count(6)
    expect(timeline.locator("li").first).to_contain_text("In production → Landed")
    log_out(page)

    log_in(page, "official@example.com")
    page.goto(f"/summits/{summit.slug}")
    page.get_by_role("link", name="Agreements dashboard", exact=True).click()
    expect(page.locator("#total-count")).to_have_text("2")
    expect(page.locator("#rate-landing .rate-value")).to_have_text("50.0%")
    expect(page.locator("#rate-funds .rate-value")).to_have_text("62.5%")  # 50m / 80m
    expect(page.get_by_text("Landed agreements ÷ counted agreements.")).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(3)
    expect(page.get_by_role("link", name="Record an agreement")).to_have_count(0)
    with page.expect_download() as caught:
        page.get_by_role("button", name="Monthly report (PDF)").click()
    path = tmp_path / "report.pdf"
    caught.value.save_as(path)
    printed = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                             text=True, check=True).stdout
    assert "Monthly report on cooperation agreements" in printed
    assert "甘孜州农村电商战略合作协议" in printed and "理塘县" in printed
    assert "62.5%" in printed and "50.0%" in printed

    db.session.rollback()
    landed = db.session.scalar(db.select(Agreement).where(
        Agreement.title == "甘孜州农村电商战略合作协议"))
    assert landed.status is AgreementStatus.LANDED
    assert landed.funds_in_place == Decimal("50000000.00") and landed.on_stage
    both = db.session.scalars(db.select(Agreement)).all()
    assert [a.ceremony_item_id for a in both] == [ceremony.id, ceremony.id]
    assert {a.signed_at.astimezone(UTC) for a in both} == {
        datetime(2017, 8, 3, 1, 50, tzinfo=UTC)}  # 09:50 in Kangding
