"""The plan and session-note blueprints."""
from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/clients/<id:client_id>/plans")
sessions_bp = Blueprint("sessions", __name__, url_prefix="/clients/<id:client_id>/sessions")
