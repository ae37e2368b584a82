"""The accounts blueprint, kept apart so that importing the package never pulls in the views."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)
