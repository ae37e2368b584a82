"""The session-note blueprint (its URLs keep the word "sessions", as in a visit)."""
from flask import Blueprint

bp = Blueprint("notes", __name__, url_prefix="/clients/<id:client_id>/sessions")
