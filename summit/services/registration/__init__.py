"""Registration: submission, moderation, delegations, imports, exports and emails."""
