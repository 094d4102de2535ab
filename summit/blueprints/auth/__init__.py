"""Sign-up, login, email verification, password reset, profile."""
from summit.blueprints.auth import views
from summit.blueprints.auth.blueprint import bp

__all__ = ["bp", "views"]
