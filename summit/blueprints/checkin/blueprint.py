from flask import Blueprint

bp = Blueprint("checkin", __name__)
