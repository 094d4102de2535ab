"""Registration: the forms, moderation, delegations, imports and exports."""
from summit.blueprints.registrations import exports, imports, views
from summit.blueprints.registrations.blueprint import bp

__all__ = ["bp", "exports", "imports", "views"]
