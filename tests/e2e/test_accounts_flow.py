"""A newcomer signs up in Chinese, confirms the emailed link, logs in with "remember me",
switches the language from the header and logs out."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from summit.extensions import db
from summit.models import User
from tests.support.e2e import catalog, is_translated

pytestmark = pytest.mark.e2e

NAME = "格桑卓玛"
EMAIL = "gesang.drolma@example.com"
PASSWORD = "kangding-2017"
THIRTY_DAYS = 30 * 24 * 3600


def stored_user() -> User:
    db.session.rollback()  # end the test thread's transaction: see what the server committed
    user = db.session.scalar(db.select(User).where(User.email == EMAIL))
    assert user is not None
    return user


# The browser asks for Simplified Chinese, the language most users of the app have.
@pytest.mark.browser_locale("zh-CN")
def test_sign_up_confirm_log_in_switch_language_log_out(page: Page, live_server, mailbox):
    hans, hant = catalog("zh_Hans"), catalog("zh_Hant")
    html = page.locator("html")
    flashes = page.get_by_role("status")

    # Sign up, in the language the browser asks for.
    page.goto("/")
    expect(html).to_have_attribute("lang", "zh-Hans")
    page.get_by_role("link", name=hans("Sign up"), exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/auth/signup")
    expect(html).to_have_attribute("lang", "zh-Hans")
    if is_translated(hans, "Create an account"):
        expect(page.get_by_role("heading", level=1)).to_have_text(hans("Create an account"))
    page.get_by_label(hans("Full name"), exact=True).fill(NAME)
    page.get_by_label(hans("Email"), exact=True).fill(EMAIL)
    page.get_by_label(hans("Password"), exact=True).fill(PASSWORD)
    page.get_by_label(hans("Repeat password"), exact=True).fill(PASSWORD)
    page.get_by_label(hans("I have read the personal-data notice and agree to it.")).check()
    page.get_by_role("button", name=hans("Create account"), exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/auth/login")
    expect(flashes).to_contain_text(hans(
        "Thank you. We have emailed %(email)s: follow the link in the message to go on.")
        % {"email": EMAIL})
    user = stored_user()
    assert (user.name, user.locale, user.email_verified) == (NAME, "zh_Hans", False)

    # The confirmation email, in the account's language, links back to this server.
    [message] = mailbox.wait_for(1)
    assert message["To"] == EMAIL
    assert message["Subject"] == hans("Confirm your email address for Summit")
    body = mailbox.body(message)
    assert hans("Hello %(name)s,") % {"name": NAME} in body
    link = re.search(r"https?://\S+/auth/verify/\S+", body)
    assert link is not None, body
    assert link.group(0).startswith(f"{live_server.url}/auth/verify/")

    page.goto(link.group(0))
    expect(page).to_have_url(f"{live_server.url}/auth/login")
    expect(flashes).to_contain_text(
        hans("Thank you, your email address is confirmed. You can log in now."))
    assert stored_user().email_verified

    # Log in, remembered.
    page.get_by_label(hans("Email"), exact=True).fill(EMAIL)
    page.get_by_label(hans("Password"), exact=True).fill(PASSWORD)
    page.get_by_label(hans("Remember me"), exact=True).check()
    page.get_by_role("button", name=hans("Log in"), exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(flashes).to_contain_text(hans("Welcome, %(name)s.") % {"name": NAME})
    nav = page.get_by_role("navigation", name=hans("Main"))
    expect(nav.get_by_role("link", name=NAME, exact=True)).to_be_visible()
    remember = [c for c in page.context.cookies() if c["name"] == "remember_token"]
    assert len(remember) == 1 and remember[0]["expires"] > time.time() + THIRTY_DAYS - 3600
    assert remember[0]["httpOnly"]

    # "Remember me" really remembers: without the session cookie the user is still known.
    page.context.clear_cookies(name="session")
    page.reload()
    expect(nav.get_by_role("link", name=NAME, exact=True)).to_be_visible()

    # The header's language switcher: English...
    page.get_by_role("button", name="English", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(html).to_have_attribute("lang", "en")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("button", name="Log out", exact=True)).to_be_visible()
    expect(nav.get_by_role("button", name="English", exact=True)).to_have_attribute(
        "aria-current", "true")
    assert stored_user().locale == "en"

    # ...then Traditional Chinese.
    page.get_by_role("button", name="繁體中文", exact=True).click()
    expect(html).to_have_attribute("lang", "zh-Hant")
    nav = page.get_by_role("navigation", name=hant("Main"))
    log_out = nav.get_by_role("button", name=hant("Log out"), exact=True)
    expect(log_out).to_be_visible()
    assert stored_user().locale == "zh_Hant"

    # Log out: the name and the remember-me cookie are gone, the language choice stays.
    log_out.click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(flashes).to_contain_text(hant("You have logged out."))
    expect(html).to_have_attribute("lang", "zh-Hant")
    expect(nav.get_by_role("link", name=hant("Log in"), exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name=NAME, exact=True)).to_have_count(0)
    assert not [c for c in page.context.cookies() if c["name"] == "remember_token"]
