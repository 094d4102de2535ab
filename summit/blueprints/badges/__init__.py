"""Badges: downloads, reissue and revocation, templates, batch printing."""
from summit.blueprints.badges import views
from summit.blueprints.badges.blueprint import bp

__all__ = ["bp", "views"]
