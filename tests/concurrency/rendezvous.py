"""Make two saves sent together meet inside the server: both have read before either writes, when allowed."""
from __future__ import annotations

import threading

from sqlalchemy import event

from practice.extensions import db

# The longest a save waits, just before writing, for the other save to catch up; it normally waits a few ms.
RENDEZVOUS_SECONDS = 10.0


class WritesHeldUntilBothRead:
    """Hold each statement starting with `write` until the other save has gone as far as the database lets it.

    Two saves sent together may still reach the database one after the other. This makes the hardest case
    happen whenever the database allows it: both requests have read and checked the record before either
    writes. The write goes on once another request is making the same write, or is queued for a lock
    (SQLite's BEGIN IMMEDIATE, a SELECT ... FOR UPDATE) and so cannot have read the record yet.
    """

    def __init__(self, app, write: str):
        with app.app_context():
            self._engine = db.engine
        self._write = " ".join(write.split()).upper() + " "
        self._arrived: set[int] = set()  # the request threads that are writing or queued for the lock
        self._condition = threading.Condition()
        #: True when a write waited the whole RENDEZVOUS_SECONDS: the other save never reached the database
        self.timed_out = False

    def __enter__(self) -> "WritesHeldUntilBothRead":
        event.listen(self._engine, "before_cursor_execute", self._observe)
        return self

    def __exit__(self, *exc_info) -> None:
        event.remove(self._engine, "before_cursor_execute", self._observe)

    def _observe(self, conn, cursor, statement, parameters, context, executemany):
        text = " ".join(statement.split()).upper() + " "
        is_write = text.startswith(self._write)
        waits_for_lock = text.startswith("BEGIN IMMEDIATE ") or (text.startswith("SELECT ")
                                                                 and text.endswith(" FOR UPDATE "))
        if not (is_write or waits_for_lock):
            return
        me = threading.get_ident()
        with self._condition:
            self._arrived.add(me)
            self._condition.notify_all()
            if is_write and not self._condition.wait_for(lambda: self._arrived - {me}, timeout=RENDEZVOUS_SECONDS):
                self.timed_out = True
