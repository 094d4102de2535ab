"""Check-in: the scanner page, the desk look-up, gates, the arrivals board."""
from summit.blueprints.checkin import views
from summit.blueprints.checkin.blueprint import bp

__all__ = ["bp", "views"]
