"""Accounts: registration, login, API tokens, password reset, the account itself."""
