"""Protocol: the precedence list of leaders, podium seating, banquet tables and table cards,
and the signing ceremony."""
from summit.blueprints.protocol import banquet_views, ceremony_views, people_views, views
from summit.blueprints.protocol.blueprint import bp

__all__ = ["banquet_views", "bp", "ceremony_views", "people_views", "views"]
