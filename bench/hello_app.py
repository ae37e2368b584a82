"""The bare Flask app every page is compared with: one route answering "Hello, World!".

`gunicorn bench.hello_app:app` serves it exactly as the practice app is served, so the ratio of their
requests per second says what the app's own work costs (sessions, queries, templates), not gunicorn's.
"""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    """The smallest page Flask can answer."""
    return "Hello, World!"
