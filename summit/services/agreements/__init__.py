"""Cooperation agreements: signing records, follow-up, the dashboard, reports and imports."""
