"""The summit console: staff's home with the figures, the to-do list and the grouped menu."""
from summit.blueprints.console import views
from summit.blueprints.console.blueprint import bp

__all__ = ["bp", "views"]
