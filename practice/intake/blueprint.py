"""The intake blueprint (kept apart so the pure rule modules of this package never import Flask)."""
from flask import Blueprint

bp = Blueprint("intake", __name__, url_prefix="/clients/<id:client_id>")
