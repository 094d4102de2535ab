"""Registration: the forms, moderation, delegations, imports and exports."""
from summit.blueprints.registrations import exports, imports, moderation, views
from summit.blueprints.registrations.blueprint import bp

__all__ = ["bp", "exports", "imports", "moderation", "views"]
