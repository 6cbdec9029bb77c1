"""The transcript e-mail: what the visitor saw of the conversation, as text and HTML.

Messages come only from ``queries.contacts.visitor_transcript`` (what the widget shows:
no private notes, nothing held back); this module never reads the messages table."""

from __future__ import annotations

import html
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from sportello.mail.catalogue import say


@dataclass(frozen=True)
class TranscriptMail:
    outbox_id: int
    to_address: str
    language: str
    requested_by: str
    service_name: str
    agent_name: str
    started_at: float
    messages: list[dict[str, Any]]


def _shown(message: dict[str, Any]) -> str:
    """The words the visitor read: an agent message's translation when it had one."""
    t = message.get("translation") or {}
    if message["sender"] == "agent" and t.get("state") == "done" and t.get("text"):
        return str(t["text"])
    return str(message["text"])


def _lines(mail: TranscriptMail) -> list[tuple[str, str, str]]:
    """(time, who, what) per message, in order."""
    out = []
    for m in mail.messages:
        if m["sender"] == "visitor":
            who = say("you", mail.language)
        elif m["sender"] == "agent":
            who = mail.agent_name or say("agent", mail.language)
        else:
            who = ""
        what = _shown(m)
        if m.get("file"):
            name = say("file", mail.language, name=str(m["file"].get("name", "")))
            what = f"{what}\n{name}" if what else name
        out.append((time.strftime("%H:%M", time.gmtime(m["created_at"])), who, what))
    return out


def build_message(mail: TranscriptMail, sender: str, domain: str) -> EmailMessage:
    """The e-mail, with a Message-ID fixed by the outbox row: a resend after a crash between
    the server's acceptance and our mark carries the same id (docs/operations.md)."""
    lang = mail.language
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(mail.started_at))
    intro = say("intro", lang, service=mail.service_name, date=date)
    footer = (
        say("auto", lang, service=mail.service_name)
        if mail.requested_by == "service"
        else say("asked", lang)
    )
    lines = _lines(mail)
    text_body = [intro, ""]
    for at, who, what in lines:
        text_body.append(f"[{at}] {who}: {what}" if who else f"[{at}] {what}")
    if not lines:
        text_body.append(say("empty", lang))
    text_body += ["", "-- ", footer]
    rows = "".join(
        "<tr><td style='color:#666;padding:4px 8px;vertical-align:top'>"
        f"{html.escape(at)}</td><td style='padding:4px 8px;vertical-align:top'>"
        f"<strong>{html.escape(who)}</strong></td>"
        "<td style='padding:4px 8px;white-space:pre-wrap'>"
        f"{html.escape(what)}</td></tr>"
        for at, who, what in lines
    )
    body = (
        f"<table role='presentation'>{rows}</table>"
        if lines
        else f"<p>{html.escape(say('empty', lang))}</p>"
    )
    html_body = (
        f"<!doctype html><html lang='{html.escape(lang)}'><body style='font-family:sans-serif'>"
        f"<p>{html.escape(intro)}</p>{body}"
        f"<p style='color:#666;font-size:small'>{html.escape(footer)}</p></body></html>"
    )
    message = EmailMessage()
    message["Subject"] = say("subject", lang, service=mail.service_name)
    message["From"] = sender
    message["To"] = mail.to_address
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<transcript-{mail.outbox_id}@{domain}>"
    message.set_content("\n".join(text_body) + "\n")
    message.add_alternative(html_body, subtype="html")
    message["Content-Language"] = lang  # after the content, which resets Content-* headers
    return message
