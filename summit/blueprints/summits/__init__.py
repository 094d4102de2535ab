"""Summits: the public page and the organisers' settings."""
from summit.blueprints.summits import views
from summit.blueprints.summits.blueprint import bp

__all__ = ["bp", "views"]
