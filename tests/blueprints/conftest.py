"""Fixtures for the HTML view tests."""
from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient


class OwnContextClient(FlaskClient):
    """Runs every request in an app context of its own, as a server does.

    The ``app`` fixture keeps one app context pushed for the whole test, and Flask reuses a
    pushed app context for requests; ``g`` would then outlive a request. Flask-Babel caches
    the chosen locale in ``g`` and Flask-Login the current user, so a language switch or a
    lost session cookie would go unnoticed by the next request.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def english_client_for(app: Flask) -> FlaskClient:
    client = bare_client_for(app)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """The browser asks for English, so messages are compared as the code writes them.
    Tests of the language choice itself use ``bare_client``."""
    return english_client_for(app)


@pytest.fixture
def other_client(app: Flask) -> FlaskClient:
    """A second browser (English), with cookies of its own."""
    return english_client_for(app)


def bare_client_for(app: Flask) -> FlaskClient:
    """A client that sends no Accept-Language header."""
    return OwnContextClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def bare_client(app: Flask) -> FlaskClient:
    return bare_client_for(app)
