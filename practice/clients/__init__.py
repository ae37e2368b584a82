"""Client records: list, search, create, edit, archive and restore."""
from flask import Blueprint

bp = Blueprint("clients", __name__, url_prefix="/clients")

from practice.clients import views  # noqa: E402,F401  (registers the routes)
