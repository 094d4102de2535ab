"""Accounts: sign-up, login, password reset, API tokens, roles at summits."""
