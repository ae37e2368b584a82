"""The plan blueprint."""
from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/clients/<id:client_id>/plans")
