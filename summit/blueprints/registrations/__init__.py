from flask import Blueprint

bp = Blueprint("registrations", __name__)

from summit.blueprints.registrations import exports, imports, views  # noqa: E402,F401
