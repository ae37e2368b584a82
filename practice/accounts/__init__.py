"""Accounts: logging in and out, passwords, session limits, and the practice's team."""
