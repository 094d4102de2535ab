"""Salon seats: booking and the waiting list, and the organisers' lists."""
from summit.blueprints.bookings import manage, views
from summit.blueprints.bookings.blueprint import bp

__all__ = ["bp", "manage", "views"]
