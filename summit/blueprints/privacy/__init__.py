"""Personal data: 我的数据 (a person's own data and requests), the privacy queue, and each
summit's personal-data notice."""
from summit.blueprints.privacy import views
from summit.blueprints.privacy.blueprint import bp

__all__ = ["bp", "views"]
