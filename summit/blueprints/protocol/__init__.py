"""Protocol: the precedence list of leaders and podium seating."""
from summit.blueprints.protocol import banquet_views, views
from summit.blueprints.protocol.blueprint import bp

__all__ = ["banquet_views", "bp", "views"]
