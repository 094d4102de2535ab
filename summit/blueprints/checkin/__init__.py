from flask import Blueprint

bp = Blueprint("checkin", __name__)

from summit.blueprints.checkin import views  # noqa: E402,F401
