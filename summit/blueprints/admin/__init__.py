"""Administration: accounts, roles, fonts, the audit log (global admins)."""
from summit.blueprints.admin import views
from summit.blueprints.admin.blueprint import bp

__all__ = ["bp", "views"]
