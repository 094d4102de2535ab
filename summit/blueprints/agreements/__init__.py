"""Cooperation agreements: the ledger, follow-up, the dashboard and reports."""
from summit.blueprints.agreements import dashboard, reports, views
from summit.blueprints.agreements.blueprint import bp

__all__ = ["bp", "dashboard", "reports", "views"]
