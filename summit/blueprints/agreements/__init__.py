from flask import Blueprint

bp = Blueprint("agreements", __name__)

from summit.blueprints.agreements import dashboard, reports, views  # noqa: E402,F401
