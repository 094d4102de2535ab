"""The programme: the organiser's editor, publishing, the public pages."""
from summit.blueprints.agenda import editor, filters, publishing, views
from summit.blueprints.agenda.blueprint import bp

__all__ = ["bp", "editor", "filters", "publishing", "views"]
