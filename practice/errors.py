"""Friendly error pages that never show a trace."""
from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from practice.unit_of_work import roll_back_request

MESSAGES = {
    400: ("Something in that request was not right", "Please go back and try again."),
    403: ("You do not have access to this page", "If you think you should, ask the practice owner."),
    404: ("We could not find that page", "It may have been moved, or the link may be wrong."),
    405: ("That action is not allowed here", "Please use the buttons and links in the app."),
    413: ("That was too much to send at once", "Please shorten the text and try again."),
    429: ("Too many attempts", "Please wait a minute before trying again."),
    500: ("Something went wrong on our side", "Nothing you entered before this was lost. Please try again."),
}


def _render(status: int, title: str | None = None, message: str | None = None):
    default_title, default_message = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", status=status, title=title or default_title,
                           message=message or default_message), status


def register_error_handlers(app: Flask) -> None:
    """Attach a friendly page to every error status we expect."""
    for status in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(status, lambda error, status=status: _render(status))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _render(400, "This form has expired",
                       "For your security, forms expire when you log out or after a while. "
                       "Please go back, reload the page and submit again.")

    @app.errorhandler(500)
    def server_error(error):
        roll_back_request()
        return _render(500)
