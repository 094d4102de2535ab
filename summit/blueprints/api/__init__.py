"""The JSON API, version 1: stable, outside tools depend on it."""
from summit.blueprints.api import (
    agenda,
    agreements,
    auth,
    badges,
    bookings,
    checkins,
    desk,
    openapi,
    press,
    privacy,
    reception,
    registrations,
    summits,
    tokens,
)
from summit.blueprints.api.blueprint import bp

__all__ = ["bp", "agenda", "agreements", "auth", "badges", "bookings", "checkins", "desk",
           "openapi", "press", "privacy", "reception", "registrations", "summits", "tokens"]
