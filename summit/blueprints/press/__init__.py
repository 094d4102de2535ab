from flask import Blueprint

bp = Blueprint("press", __name__)

from summit.blueprints.press import room, views  # noqa: E402,F401
