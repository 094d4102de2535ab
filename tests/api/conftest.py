"""Fixtures for the JSON API tests: an English-speaking client and configurable apps."""
from __future__ import annotations

from typing import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """The API client asks for English, so messages can be compared as written in the code."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def configured_app(app_config: dict, request: pytest.FixtureRequest) -> Callable[..., Flask]:
    """``configured_app(PROPAGATE_EXCEPTIONS=False)``: the test's `app`, built with these
    settings. Call it before anything else requests `app`."""

    def build(**settings) -> Flask:
        app_config.update(settings)
        return request.getfixturevalue("app")

    return build

