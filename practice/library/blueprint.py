"""The library blueprint."""
from flask import Blueprint

bp = Blueprint("library", __name__, url_prefix="/library")
