"""Protocol: the precedence list of leaders and podium seating."""
from summit.blueprints.protocol import views
from summit.blueprints.protocol.blueprint import bp

__all__ = ["bp", "views"]
