"""Intake: the client's history and red-flag answers, screening, contraindications and questionnaires."""
from flask import Blueprint

bp = Blueprint("intake", __name__, url_prefix="/clients/<id:client_id>")

from practice.intake import views  # noqa: E402,F401  (registers the routes)
