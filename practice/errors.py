"""Friendly error pages that never show a trace."""
from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from practice.config import APP_NAME
from practice.outages import RETRY_AFTER, STORAGE_FULL, outage_of
from practice.unit_of_work import SAFE_METHODS, roll_back_request

MESSAGES = {
    400: ("Something in that request was not right", "Please go back and try again."),
    403: ("You do not have access to this page", "If you think you should, ask the practice owner."),
    404: ("We could not find that page", "It may have been moved, or the link may be wrong."),
    405: ("That action is not allowed here", "Please use the buttons and links in the app."),
    413: ("That was too much to send at once", "Please shorten the text and try again."),
    429: ("Too many attempts", "Please wait a minute before trying again."),
    500: ("Something went wrong on our side", "Nothing you entered before this was lost. Please try again."),
}
#: the 503 pages: (title, what happened, what to do), by outage
OUTAGE_MESSAGES = {
    "unreachable": (
        "We'll be right back",
        "The practice's database is not answering at the moment, so nothing can be shown or saved.",
        "This usually passes within a minute or two. Please try again shortly."),
    STORAGE_FULL: (
        "The server cannot save anything right now",
        "Its disk is full. Client records stay closed until there is room again, because every look at a record "
        "must be written to the audit log first.",
        "Please tell the practice owner, or whoever looks after the server, that its disk is full."),
}
#: what a person who just pressed "save" needs to hear on a 503 page
NOT_SAVED = ("What you just sent was not saved; everything saved before is safe. Go back to the form: it still "
             "holds what you typed on this device, so you can save it again once this is over.")
#: the same on the 500 page, where nothing says the form keeps a copy
NOT_SAVED_500 = "What you just sent was not saved; everything saved before is safe."
#: the errors a database raises when it cannot answer or cannot save (others, bugs among them, reach the 500 page)
DATABASE_ERRORS = (DBAPIError, DisconnectionError, PoolTimeoutError)


def _render(status: int, title: str | None = None, message: str | None = None):
    default_title, default_message = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", status=status, title=title or default_title,
                           message=message or default_message), status


def unavailable_page(outage: str):
    """The 503 page for a database outage: drawn without the database (no login, no audit row) and not audited."""
    roll_back_request()
    current_app.logger.warning("Answered 503: the database is %s (%s %s)", outage.replace("_", " "),
                               request.method, request.path)
    title, what, advice = OUTAGE_MESSAGES[outage]
    # Straight from the Jinja environment: render_template would run the context processors, and Flask-Login's
    # loads the logged-in user from the database that is down.
    page = current_app.jinja_env.get_template("errors/unavailable.html")
    html = page.render(app_name=APP_NAME, title=title, what=what, advice=advice,
                       not_saved=NOT_SAVED if request.method not in SAFE_METHODS else None)
    return html, 503, {"Retry-After": str(RETRY_AFTER[outage])}


def register_error_handlers(app: Flask) -> None:
    """Attach a friendly page to every error status we expect."""
    for status in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(status, lambda error, status=status: _render(status))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _render(400, "This form has expired",
                       "For your security, forms expire when you log out or after a while. "
                       "Please go back, reload the page and submit again.")

    def database_error(error):
        # Raised in a view or a hook before it (loading the logged-in user); the edge's commit reaches the 500
        # handler below instead. Any other database error is a bug: on to the 500 page, which logs it.
        outage = outage_of(error)
        if outage is None:
            raise error
        return unavailable_page(outage)

    for kind in DATABASE_ERRORS:
        app.register_error_handler(kind, database_error)

    @app.errorhandler(500)
    def server_error(error):
        outage = outage_of(getattr(error, "original_exception", None))
        if outage is not None:
            return unavailable_page(outage)
        roll_back_request()
        if request.method not in SAFE_METHODS:
            return _render(500, message=f"{NOT_SAVED_500} Please try again.")
        return _render(500)
