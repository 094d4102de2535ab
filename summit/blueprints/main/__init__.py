"""The home page."""
from summit.blueprints.main import views
from summit.blueprints.main.blueprint import bp

__all__ = ["bp", "views"]
