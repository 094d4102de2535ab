from summit.blueprints.reception import views  # noqa: F401  (registers the routes)
from summit.blueprints.reception.blueprint import bp

__all__ = ["bp"]
