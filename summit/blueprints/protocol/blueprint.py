from flask import Blueprint

bp = Blueprint("protocol", __name__)
