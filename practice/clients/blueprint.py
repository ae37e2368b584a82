"""The clients blueprint, kept apart so that importing the models never pulls in the views."""
from flask import Blueprint

bp = Blueprint("clients", __name__, url_prefix="/clients")
