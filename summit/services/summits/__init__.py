"""Summits: their settings, organisations, zones and attendee categories."""
