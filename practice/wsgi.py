"""WSGI entry point for gunicorn: `gunicorn practice.wsgi:app`."""
from practice import create_app

app = create_app()
