"""Handing one e-mail to the configured SMTP server (``SPORTELLO_SMTP_*``)."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import parseaddr

from sportello.config import Settings


def sender_domain(settings: Settings) -> str:
    """The domain of the From address (for Message-IDs); 'localhost' when it has none."""
    address = parseaddr(settings.smtp_from)[1]
    return address.rpartition("@")[2] or "localhost"


def _send(settings: Settings, message: EmailMessage) -> None:
    host = settings.smtp_host
    assert host is not None
    timeout = settings.smtp_timeout_seconds
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if settings.smtp_security == "ssl":
        client = smtplib.SMTP_SSL(host, settings.smtp_port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(host, settings.smtp_port, timeout=timeout)
    with client:
        if settings.smtp_security == "starttls":
            client.starttls(context=context)
        if settings.smtp_user:
            client.login(settings.smtp_user, settings.smtp_password or "")
        client.send_message(message)


async def send_mail(settings: Settings, message: EmailMessage) -> None:
    """Send, or raise (``OSError`` / ``smtplib.SMTPException``): the server accepted the
    message when this returns."""
    await asyncio.to_thread(_send, settings, message)
