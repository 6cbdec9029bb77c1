"""The outbox sender: every process runs one; each due row is claimed by one of them
(actions/outbox.py) and handed to the SMTP server. Nothing is sent while no SMTP host is
configured: the rows wait."""

from __future__ import annotations

import asyncio
import logging
import smtplib

from sqlalchemy import select

from sportello.actions.context import Ctx
from sportello.actions.outbox import do_claim_due_mail, do_mark_mail_failed, do_mark_mail_sent
from sportello.background import BackgroundLoop
from sportello.mail.smtp import send_mail, sender_domain
from sportello.mail.transcript import TranscriptMail, build_message
from sportello.queries.contacts import agent_card, fetch_contact_row, visitor_transcript
from sportello.storage.tables import email_outbox, services

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0


def refused(exc: Exception) -> bool:
    """The server refused the message for good (a 5xx answer: no such mailbox, rejected
    content): trying again would be refused again."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600


class OutboxSender(BackgroundLoop):
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx

    async def _run(self) -> None:
        while True:
            try:
                if self.ctx.settings.smtp_host and await self._any_due():
                    while claimed := await do_claim_due_mail(self.ctx):
                        await self._send(*claimed)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox tick failed")
            await asyncio.sleep(POLL_SECONDS)

    async def _any_due(self) -> bool:
        """A cheap indexed read, so an idle tick never takes the write lock."""
        async with self.ctx.db.read() as conn:
            found = await conn.scalar(
                select(email_outbox.c.id)
                .where(
                    email_outbox.c.state == "pending",
                    email_outbox.c.next_attempt_at <= self.ctx.clock.now(),
                )
                .limit(1)
            )
        return found is not None

    async def _send(self, outbox_id: int, claim: str) -> None:
        settings = self.ctx.settings
        try:
            mail = await self._read(outbox_id)
            message = build_message(mail, settings.smtp_from, sender_domain(settings))
            await send_mail(settings, message)
        except Exception as exc:  # every failure counts as an attempt, so retries end
            if isinstance(exc, OSError | smtplib.SMTPException):
                log.warning("e-mail %s not sent: %s", outbox_id, exc)
            else:
                log.exception("e-mail %s could not be prepared", outbox_id)
            await do_mark_mail_failed(
                self.ctx, outbox_id, claim, f"{type(exc).__name__}: {exc}", final=refused(exc)
            )
            return
        await do_mark_mail_sent(self.ctx, outbox_id, claim)

    async def _read(self, outbox_id: int) -> TranscriptMail:
        async with self.ctx.db.read() as conn:
            row = (
                await conn.execute(select(email_outbox).where(email_outbox.c.id == outbox_id))
            ).one()
            contact = await fetch_contact_row(conn, row.contact_id)
            service_name = await conn.scalar(
                select(services.c.name).where(services.c.id == contact.service_id)
            )
            agent = await agent_card(conn, contact.agent_id)
            return TranscriptMail(
                outbox_id=outbox_id,
                to_address=row.to_address,
                language=row.language,
                requested_by=row.requested_by,
                service_name=str(service_name),
                agent_name=(agent["nickname"] or agent["display_name"]) if agent else "",
                started_at=contact.created_at,
                messages=await visitor_transcript(conn, row.contact_id),
            )
