"""The JSON API, version 1: stable, outside tools depend on it."""
from flask import Blueprint

bp = Blueprint("api", __name__)

from summit.blueprints.api import agreements, auth, badges, checkins, openapi, registrations, \
    summits, tokens  # noqa: E402,F401
