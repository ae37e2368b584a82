"""Sending e-mail: through SMTP when configured, otherwise into a local outbox folder (development)."""
from __future__ import annotations

import re
import secrets
import smtplib
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

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
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as server:
            if config.get("MAIL_USE_TLS"):
                server.starttls()
            if config.get("MAIL_USERNAME"):
                server.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"The mail server refused the message ({type(error).__name__}).") from error


def _write_to_outbox(message: EmailMessage, outbox: Path) -> Path:
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    path = outbox / f"{stamp}-{secrets.token_hex(4)}.eml"
    path.write_bytes(bytes(message))
    return path
