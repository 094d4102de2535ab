"""Protocol: the precedence list of leaders, podium seating and the signing ceremony."""
from summit.blueprints.protocol import ceremony_views, people_views, views
from summit.blueprints.protocol.blueprint import bp

__all__ = ["bp", "ceremony_views", "people_views", "views"]
