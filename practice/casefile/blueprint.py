"""The case-file blueprint: the client page, archive and restore, and the owner's record export."""
from flask import Blueprint

bp = Blueprint("casefile", __name__, url_prefix="/clients")
