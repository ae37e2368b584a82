"""One commit per request, at the edge (as Indico does): views and operations change the session and flush.

After the view, or after the error handler of a refused access, `_commit_at_edge` commits the request's work
once. A request that fails with an unhandled exception is rolled back by the 500 handler instead; a commit that
fails rolls back, leaves the session cookie as the request found it and becomes that same 500 page, so nothing
of the request is half-saved. Side effects that must not happen for work that was rolled back (e-mail) are
queued with `after_commit` and run only once the commit has succeeded.

A request that only reads (GET, HEAD, OPTIONS, and posted views marked `reads_only`) keeps its audit rows
aside until the edge, so that on SQLite it takes the write lock only for those inserts, never around a render
(`practice.database.configure_sqlite`). Other requests write, and record, as they go.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask, Response, current_app, has_request_context, request, session
from sqlalchemy import event
from sqlalchemy.orm import Session

from practice.extensions import db

#: methods that change nothing but audit rows and caches
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READ, WRITE = "read", "write"

_MODE = "practice.transaction_mode"  # in the WSGI environ: set for requests that pass through the edge
_FAILED = "practice.request_failed"  # in the WSGI environ: the request is the 500 page, it commits nothing
_ROWS_AT_EDGE = "practice.rows_at_edge"  # in the session's info: rows added just before the commit
_AFTER_COMMIT = "practice.after_commit"  # in the session's info: callbacks run after the commit
_AFTER_RESPONSE = "practice.after_response"  # in the session's info: callbacks run once the answer has gone


def register(app: Flask) -> None:
    """Open every request's unit of work before any other hook, and commit it after every other one."""
    app.before_request(_open_request)
    app.after_request(_commit_at_edge)


def reads_only(view):
    """Mark a posted view that changes nothing but its audit rows: it holds no write lock until the edge.

    For a POST only because what it sends must stay out of URLs and logs (a one-time token, say).
    """
    view.reads_only = True
    return view


def transaction_mode() -> str | None:
    """READ or WRITE for a transaction begun by a request passing through the edge; None anywhere else."""
    if not has_request_context():
        return None
    return request.environ.get(_MODE)


def add_at_edge(row) -> None:
    """Add `row` to the session just before the request commits (a rollback before then drops it)."""
    _keep_for_the_edge(_ROWS_AT_EDGE, row)


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the request has committed; never if it is rolled back. What it records is committed."""
    if transaction_mode() is None:
        raise RuntimeError("after_commit() needs a request: commands commit by themselves")
    _keep_for_the_edge(_AFTER_COMMIT, callback)


def after_response(callback: Callable[[], None]) -> None:
    """Run `callback` once the answer has gone to the browser, and only if the request committed: for work whose
    time must not show in the answer's (an e-mail sent only when an account exists). It runs in an app context of
    its own; what it records it commits itself."""
    if transaction_mode() is None:
        raise RuntimeError("after_response() needs a request")
    _keep_for_the_edge(_AFTER_RESPONSE, callback)


def respond_after_commit(render: Callable[[], str], status: int = 200) -> Response:
    """A page made by `render` after the commit: for a page that says how a side effect went (an e-mail sent)."""
    response = Response(status=status, mimetype="text/html")
    after_commit(lambda: response.set_data(render()))
    return response


def roll_back_request() -> None:
    """Undo everything the request did, for the 500 page: the edge then commits nothing."""
    db.session.rollback()
    if has_request_context():
        request.environ[_FAILED] = True


def _open_request() -> None:
    view = current_app.view_functions.get(request.endpoint)
    reads = request.method in SAFE_METHODS or getattr(view, "reads_only", False)
    request.environ[_MODE] = READ if reads else WRITE
    if db.session.registry.has():  # a session kept from an earlier request (tests) starts clean
        _forget_queued(db.session())


def _commit_at_edge(response: Response) -> Response:
    if not db.session.registry.has():
        return response  # this request never used the database (a static file)
    if request.environ.get(_FAILED):
        db.session.rollback()  # what the 500 page itself read
        return response
    try:
        _commit()
    except Exception:
        db.session.rollback()
        _keep_cookie_as_it_came()
        raise
    # The request's writes are committed: what the callbacks read (an e-mail being sent, a page drawn) is a read,
    # which on SQLite must not hold the write lock while it talks to a mail server; a row they record takes the
    # lock only for its insert (`practice.database.configure_sqlite`).
    request.environ[_MODE] = READ
    while callbacks := db.session.info.pop(_AFTER_COMMIT, None):
        for callback in callbacks:
            callback()
        _commit()  # what the callbacks recorded, e.g. the audit row of an e-mail that could not be sent
    for callback in db.session.info.pop(_AFTER_RESPONSE, ()):
        response.call_on_close(_in_app_context(current_app._get_current_object(), callback))
    return response


def _in_app_context(app: Flask, callback: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        with app.app_context():
            try:
                callback()
                _commit()
            except Exception:
                db.session.rollback()
                app.logger.exception("work after the response failed")
            finally:
                db.session.remove()
    return run


def _keep_for_the_edge(key: str, item) -> None:
    database = db.session()
    if not database.in_transaction():
        database.begin()  # so that a rollback before the edge has a transaction to end, and drops the item
    database.info.setdefault(key, []).append(item)


def _commit() -> None:
    db.session.add_all(db.session.info.pop(_ROWS_AT_EDGE, ()))
    db.session.commit()


def _keep_cookie_as_it_came() -> None:
    # The request's work was rolled back: a login it made or a "saved" it flashed must not reach the browser.
    original = current_app.session_interface.open_session(current_app, request)
    session.clear()
    session.update(original or {})


@event.listens_for(Session, "after_soft_rollback")
def _drop_queued_on_rollback(rolled_back: Session, previous_transaction) -> None:
    # Only the whole transaction's rollback: a savepoint rolled back (a handout cached twice) keeps the rest.
    if previous_transaction.parent is None:
        _forget_queued(rolled_back)


def _forget_queued(database: Session) -> None:
    database.info.pop(_ROWS_AT_EDGE, None)
    database.info.pop(_AFTER_COMMIT, None)
    database.info.pop(_AFTER_RESPONSE, None)
