"""Sending e-mail: through SMTP when configured, otherwise into a local outbox folder (development)."""
from __future__ import annotations

import re
import secrets
import smtplib
import socket
import threading
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

#: seconds any one read from the mail server may take (MAIL_TIMEOUT bounds the whole conversation)
SMTP_READ_TIMEOUT = 10.0
# Header values come partly from user-typed names: no line breaks, no runaway length.
_HEADER_UNSAFE = re.compile(r"[\r\n\t\x00-\x1f\x7f]+")


class MailError(RuntimeError):
    """The message could not be handed to the mail server."""


def header_text(value: str, limit: int = 150) -> str:
    """`value` made safe for a mail header: control characters become spaces, and it is cut to `limit`."""
    # splitlines() also breaks at Unicode separators (U+2028, U+0085...) that the e-mail library refuses.
    return _HEADER_UNSAFE.sub(" ", " ".join(value.splitlines())).strip()[:limit]


def build_message(*, to: str, subject: str, body: str, sender: str) -> EmailMessage:
    """A plain-text message (plain text: nothing a client's name contains can become markup)."""
    message = EmailMessage()
    message["From"] = header_text(sender, 254)
    message["To"] = header_text(to, 254)
    message["Subject"] = header_text(subject)
    message["Date"] = datetime.now(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")
    message.set_content(body)
    return message


def send_mail(*, to: str, subject: str, body: str) -> str:
    """Send one message; returns "smtp" or the outbox file's path. Raises MailError when SMTP fails."""
    config = current_app.config
    try:
        message = build_message(to=to, subject=subject, body=body, sender=config["MAIL_SENDER"])
    except ValueError as error:  # an address or header the e-mail library cannot encode
        raise MailError("The message could not be written (an address or subject it cannot use).") from error
    if config.get("MAIL_SERVER"):
        _send_smtp(message, config)
        return "smtp"
    return str(_write_to_outbox(message, Path(config["MAIL_OUTBOX_DIR"])))


def _send_smtp(message: EmailMessage, config) -> None:
    # smtplib's timeout bounds each read, not the conversation: a server that drips a byte now and then would hold
    # the request until gunicorn kills the worker. The conversation runs in a thread of its own, and the request
    # stops waiting at the deadline (the page then says the e-mail could not be sent, and shows the link).
    deadline = float(config["MAIL_TIMEOUT"])
    conversation = _SmtpConversation(message, config)
    talker = threading.Thread(target=conversation.run, name="smtp-conversation", daemon=True)
    talker.start()
    talker.join(deadline)
    if talker.is_alive():
        conversation.hang_up()
        raise MailError(f"The mail server did not finish within {deadline:g} seconds.")
    error = conversation.error
    if isinstance(error, (OSError, smtplib.SMTPException)):
        raise MailError(f"The mail server refused the message ({type(error).__name__}).") from error
    if error is not None:
        raise error  # a bug, not the mail server: the caller sees it as if the conversation ran here


class _SmtpConversation:
    """One message handed to the SMTP server, from a thread that the sender can abandon at its deadline."""

    def __init__(self, message: EmailMessage, config):
        self._message = message
        self._settings = {key: config.get(key) for key in
                          ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME", "MAIL_PASSWORD")}
        self._read_timeout = min(SMTP_READ_TIMEOUT, float(config["MAIL_TIMEOUT"]))
        self._lock = threading.Lock()
        self._is_hung_up = False
        self._sockets: list[socket.socket] = []  # the connection, and its TLS wrapper once STARTTLS began
        self.error: Exception | None = None

    def run(self) -> None:
        """Talk to the server; an error is kept in `error` for the sender."""
        settings = self._settings
        try:
            with self._smtp_class()(settings["MAIL_SERVER"], settings["MAIL_PORT"],
                                    timeout=self._read_timeout) as server:
                if settings["MAIL_USE_TLS"]:
                    server.starttls()
                    self._watch(getattr(server, "sock", None))  # the TLS socket now owns the connection
                if settings["MAIL_USERNAME"]:
                    server.login(settings["MAIL_USERNAME"], settings["MAIL_PASSWORD"] or "")
                server.send_message(self._message)
        except Exception as error:  # handed to the sender's thread, which decides what it means
            self.error = error

    def _smtp_class(self) -> type:
        # smtplib.SMTP opens its socket and reads the greeting inside its constructor: this subclass hands the
        # socket over as soon as it exists, so that hang_up() can end even a greeting that never finishes.
        # (smtplib.SMTP is looked up now, not at import, so the tests' stand-ins take its place.)
        conversation = self

        class WatchedSMTP(smtplib.SMTP):
            def _get_socket(self, host, port, timeout):
                return conversation._watch(super()._get_socket(host, port, timeout))

        return WatchedSMTP

    def _watch(self, connection: socket.socket | None) -> socket.socket | None:
        if connection is None:
            return None
        with self._lock:
            self._sockets.append(connection)
            if self._is_hung_up:
                self._shut(connection)
        return connection

    def hang_up(self) -> None:
        """End the conversation now: the read it waits on sees the connection closed, and the thread ends."""
        with self._lock:
            self._is_hung_up = True
            for connection in self._sockets:
                self._shut(connection)

    @staticmethod
    def _shut(connection: socket.socket) -> None:
        try:
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed (or handed over to its TLS wrapper): nothing more to end


def _write_to_outbox(message: EmailMessage, outbox: Path) -> Path:
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    path = outbox / f"{stamp}-{secrets.token_hex(4)}.eml"
    path.write_bytes(bytes(message))
    return path
