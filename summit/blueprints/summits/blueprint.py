from flask import Blueprint

bp = Blueprint("summits", __name__)
