from flask import Blueprint

bp = Blueprint("bookings", __name__)

from summit.blueprints.bookings import manage, views  # noqa: E402,F401
