from flask import Blueprint

bp = Blueprint("reception", __name__)
