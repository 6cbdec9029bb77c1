"""The e-mail outbox's state: claim a due row, mark it sent, or schedule the next attempt.

Delivery is at least once. A row is claimed with a guarded update that pushes its due
time past a lease; the sender marks it sent only after the SMTP server accepted it. A
process killed before the server's acceptance leaves the row to be claimed again when the
lease ends; one killed in the instant between acceptance and the mark sends it a second
time, with the same Message-ID (docs/operations.md, E-mail)."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.context import Ctx
from sportello.actions.transcripts import request_view
from sportello.domain.outbox import claim_lease, retry_delay
from sportello.storage.tables import email_outbox
from sportello.stream.events import EventWriter


async def do_claim_due_mail(ctx: Ctx) -> tuple[int, str] | None:
    """Claim the longest-due row: (outbox id, claim), or None when nothing is due (or
    another process won it). One at a time, so the lease covers one exchange only."""
    now = ctx.clock.now()
    lease = claim_lease(ctx.settings.smtp_timeout_seconds)
    async with ctx.db.write() as conn:
        due = (
            await conn.execute(
                select(email_outbox.c.id, email_outbox.c.attempts)
                .where(email_outbox.c.state == "pending", email_outbox.c.next_attempt_at <= now)
                .order_by(email_outbox.c.next_attempt_at, email_outbox.c.id)
                .limit(1)
            )
        ).first()
        if due is None:
            return None
        claim = uuid.uuid4().hex
        result = await conn.execute(
            update(email_outbox)
            .where(
                email_outbox.c.id == due.id,
                email_outbox.c.state == "pending",
                email_outbox.c.attempts == due.attempts,
            )
            .values(attempts=due.attempts + 1, next_attempt_at=now + lease, claim=claim)
        )
        return (int(due.id), claim) if result.rowcount == 1 else None


async def do_mark_mail_sent(ctx: Ctx, outbox_id: int, claim: str) -> bool:
    """The server accepted it. False: the claim was lost (the lease ran out meanwhile)."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        result = await conn.execute(
            update(email_outbox)
            .where(
                email_outbox.c.id == outbox_id,
                email_outbox.c.claim == claim,
                email_outbox.c.state == "pending",
            )
            .values(state="sent", sent_at=now, next_attempt_at=None, claim=None, last_error="")
        )
        if result.rowcount != 1:
            return False
        await _tell(conn, writer, outbox_id, "transcript.sent")
        return True


async def do_mark_mail_failed(
    ctx: Ctx, outbox_id: int, claim: str, error: str, *, final: bool = False
) -> None:
    """This attempt failed: try again after the backoff, or give up after the last one (or
    at once, ``final``, when the server refused it for good)."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        row = (
            await conn.execute(
                select(email_outbox).where(
                    email_outbox.c.id == outbox_id,
                    email_outbox.c.claim == claim,
                    email_outbox.c.state == "pending",
                )
            )
        ).first()
        if row is None:
            return
        final = final or row.attempts >= ctx.settings.mail_max_attempts
        await conn.execute(
            update(email_outbox)
            .where(email_outbox.c.id == outbox_id, email_outbox.c.claim == claim)
            .values(
                state="failed" if final else "pending",
                next_attempt_at=None
                if final
                else now + retry_delay(row.attempts, ctx.settings.mail_retry_seconds),
                claim=None,
                last_error=error[:500],
            )
        )
        if final:
            await _tell(conn, writer, outbox_id, "transcript.failed")


async def _tell(conn: AsyncConnection, writer: EventWriter, outbox_id: int, kind: str) -> None:
    row = (await conn.execute(select(email_outbox).where(email_outbox.c.id == outbox_id))).one()
    await writer.append(
        kind,
        {"contact_id": row.contact_id, "transcript": request_view(row)},
        contact_id=row.contact_id,
        for_visitor=True,
    )
