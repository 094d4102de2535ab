"""The JSON API, version 1: stable, outside tools depend on it."""
from flask import Blueprint

bp = Blueprint("api", __name__)

from summit.blueprints.api import auth, badges, checkins, openapi, registrations, summits, \
    tokens  # noqa: E402,F401
from summit.blueprints.api import agenda  # noqa: E402,F401
from summit.blueprints.api import bookings  # noqa: E402,F401
from summit.blueprints.api import press  # noqa: E402,F401
from summit.blueprints.api import agreements, auth, badges, checkins, openapi, registrations, \
    summits, tokens  # noqa: E402,F401
