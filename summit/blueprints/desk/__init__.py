"""The on-site desk: printers and desks, finding a person and printing their badge, the
kiosk, walk-ins, substitutes and aides."""
from summit.blueprints.desk import kiosk, views
from summit.blueprints.desk.blueprint import bp

__all__ = ["bp", "kiosk", "views"]
