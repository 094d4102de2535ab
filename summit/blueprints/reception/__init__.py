from summit.blueprints.reception import meal_views, room_views, views  # noqa: F401  (registers routes)
from summit.blueprints.reception.blueprint import bp

__all__ = ["bp"]
