"""Media accreditation: applications, the officers' queue, the press room."""
from summit.blueprints.press import room, views
from summit.blueprints.press.blueprint import bp

__all__ = ["bp", "room", "views"]
