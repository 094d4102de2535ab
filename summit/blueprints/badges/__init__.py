from flask import Blueprint

bp = Blueprint("badges", __name__)

from summit.blueprints.badges import views  # noqa: E402,F401
