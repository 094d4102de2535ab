from flask import Blueprint

bp = Blueprint("agenda", __name__)

from summit.blueprints.agenda import editor, filters, publishing, views  # noqa: E402,F401
