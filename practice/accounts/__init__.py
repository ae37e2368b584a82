"""Accounts: logging in and out, passwords, and the practice's team."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from practice.accounts import views  # noqa: E402,F401  (registers the routes)
