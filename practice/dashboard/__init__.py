"""The home page after login."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from practice.dashboard import views  # noqa: E402,F401  (registers the routes)
