from flask import Blueprint

bp = Blueprint("summits", __name__)

from summit.blueprints.summits import views  # noqa: E402,F401
