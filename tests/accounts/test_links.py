"""Emailed links come from the configured base URL, never from the client's Host header, and
an optional list of allowed hosts refuses requests addressed to any other name."""
from __future__ import annotations

import re

import pytest

from summit import config as config_module
from summit.services.core import mail
from tests.support import factories
from tests.support.pages import text

LINKS = re.compile(r"https?://\S+")
EVIL = {"Host": "evil.example"}


def links(mailbox, count: int = 1) -> list[str]:
    return [link for message in mailbox.wait_for(count)
            for link in LINKS.findall(mailbox.body(message))]


def test_a_reset_link_ignores_the_host_the_client_sent(client, mailbox):
    factories.make_user("tenzin@example.com")

    response = client.post("/auth/forgot", data={"email": "tenzin@example.com"}, headers=EVIL)

    assert response.status_code == 302
    [link] = links(mailbox)
    assert link.startswith("http://localhost/auth/reset/"), link


def test_a_confirmation_link_ignores_the_host_the_client_sent(client, mailbox):
    factories.make_user("later@example.com", verified=False)

    client.post("/auth/verify", data={"email": "later@example.com"}, headers=EVIL)

    [link] = links(mailbox)
    assert link.startswith("http://localhost/auth/verify/"), link


@pytest.mark.app_config(PROXY_FIX_HOPS=1)
def test_a_forwarded_host_is_not_used_for_links_either(client, mailbox):
    factories.make_user("tenzin@example.com")

    client.post("/auth/forgot", data={"email": "tenzin@example.com"},
                headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"})

    [link] = links(mailbox)
    assert link.startswith("http://localhost/auth/reset/"), link


def test_the_registration_email_of_another_area_ignores_the_host_too(client, event, mailbox):
    response = client.post(f"/summits/{event.slug}/register", headers=EVIL, data={
        "name": "赵波", "email": "zhaobo@example.com", "category": "delegate",
        "organisation_name": "甘孜州商务局", "position": "科长", "phone": "13812345678",
        "diet": "none", "consent": "y"})

    assert response.status_code == 302, text(response)[:500]
    mine, set_password = links(mailbox)
    assert mine == "http://localhost/registrations/mine"
    assert set_password.startswith("http://localhost/auth/reset/"), set_password


@pytest.mark.app_config(SERVER_BASE_URL="https://summit.example.gov.cn/events/")
def test_a_base_url_with_a_path_and_https_is_kept_whole(client, mailbox):
    factories.make_user("tenzin@example.com")

    client.post("/auth/forgot", data={"email": "tenzin@example.com"}, headers=EVIL)

    [link] = links(mailbox)
    assert link.startswith("https://summit.example.gov.cn/events/auth/reset/"), link


def test_external_url_outside_a_request_uses_the_base_url_as_well(app):
    assert mail.external_url("registrations.mine") == "http://localhost/registrations/mine"


# --- allowed hosts ------------------------------------------------------------------------

def test_without_allowed_hosts_any_host_is_served(client):
    assert client.get("/auth/login", headers=EVIL).status_code == 200


@pytest.mark.app_config(ALLOWED_HOSTS=["localhost", "summit.example.gov.cn"])
def test_allowed_hosts_refuse_any_other_host_with_a_400(client):
    refused = client.get("/auth/login", headers=EVIL)
    api = client.post("/api/v1/tokens", json={"email": "a@example.com", "password": "x"},
                      headers=EVIL)

    assert refused.status_code == 400
    assert "evil.example" not in text(refused)
    assert api.status_code == 400
    assert api.get_json()["error"]["code"] == "bad_request"
    assert client.get("/auth/login").status_code == 200
    assert client.get("/auth/login",
                      headers={"Host": "summit.example.gov.cn"}).status_code == 200


@pytest.mark.app_config(ALLOWED_HOSTS=["localhost"], PROXY_FIX_HOPS=1)
def test_behind_a_proxy_the_forwarded_host_is_the_one_checked(client):
    refused = client.get("/auth/login", headers={"X-Forwarded-Host": "evil.example"})

    assert refused.status_code == 400
    assert client.get("/auth/login", headers={"X-Forwarded-Host": "localhost"}
                      ).status_code == 200


def test_allowed_hosts_come_from_a_comma_separated_variable():
    settings = config_module.from_environment(
        {"SUMMIT_ALLOWED_HOSTS": " summit.example.gov.cn, .summit.example.gov.cn ,"})

    assert settings == {"ALLOWED_HOSTS": ["summit.example.gov.cn", ".summit.example.gov.cn"]}
