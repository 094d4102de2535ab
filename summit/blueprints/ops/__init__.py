"""Health checks and metrics for load balancers and Prometheus."""
from summit.blueprints.ops import views
from summit.blueprints.ops.blueprint import bp

__all__ = ["bp", "views"]
