"""Transcripts by e-mail: a request (the visitor's, or the service's as the contact ends)
is one outbox row written in the same transaction as its event; mail/sender.py sends it.

One transcript per contact: a second request answers ``transcript_already_requested``
with the first one's state, so a double click or a retried request sends one e-mail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.context import Ctx
from sportello.domain.model import ContactState
from sportello.domain.principals import VisitorPrincipal
from sportello.errors import ContactNotEndedError, TranscriptAlreadyRequestedError, field_error
from sportello.mail.catalogue import language_of
from sportello.queries.contacts import check_read, fetch_contact_row
from sportello.storage.tables import email_outbox, services
from sportello.stream.events import EventWriter

TRANSCRIPT = "transcript"
LIVE_STATES = (
    ContactState.PENDING.value,
    ContactState.ASSIGNED.value,
    ContactState.TRANSFERRING.value,
)


def request_view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "to": row.to_address,
        "language": row.language,
        "requested_by": row.requested_by,
        "state": row.state,
        "sent_at": row.sent_at,
    }


async def _existing(conn: AsyncConnection, contact_id: int) -> Any:
    return (
        await conn.execute(
            select(email_outbox).where(
                email_outbox.c.contact_id == contact_id, email_outbox.c.kind == TRANSCRIPT
            )
        )
    ).first()


async def _queue(
    conn: AsyncConnection,
    writer: EventWriter,
    row: Any,
    address: str,
    language: str,
    requested_by: str,
    now: float,
) -> dict[str, Any]:
    result = await conn.execute(
        insert(email_outbox)
        .values(
            kind=TRANSCRIPT,
            contact_id=row.id,
            to_address=address,
            language=language_of(language),
            requested_by=requested_by,
            created_at=now,
            state="pending",
            next_attempt_at=now,
        )
        .returning(email_outbox.c.id)
    )
    outbox_id = int(result.scalar_one())
    view = request_view(await _by_id(conn, outbox_id))
    await writer.append(
        "transcript.requested",
        {"contact_id": row.id, "transcript": view},
        contact_id=row.id,
        for_visitor=True,
    )
    return view


async def _by_id(conn: AsyncConnection, outbox_id: int) -> Any:
    return (await conn.execute(select(email_outbox).where(email_outbox.c.id == outbox_id))).one()


async def do_request_transcript(
    ctx: Ctx,
    visitor: VisitorPrincipal,
    contact_id: int,
    email: str | None,
    language: str | None,
) -> dict[str, Any]:
    """The visitor asks for the transcript at the end, to the address given with the
    contact or to ``email``."""
    now = ctx.clock.now()
    try:
        async with ctx.transaction() as (conn, writer):
            row = await fetch_contact_row(conn, contact_id)
            await check_read(conn, visitor, row)
            if row.state in LIVE_STATES:
                raise ContactNotEndedError(
                    "the transcript is sent once the conversation has ended", state=row.state
                )
            address = email or row.visitor_email
            if not address:
                raise field_error("email", "give the address to send the transcript to")
            earlier = await _existing(conn, contact_id)
            if earlier is not None:
                raise TranscriptAlreadyRequestedError(
                    "the transcript of this conversation was asked for already",
                    transcript=request_view(earlier),
                )
            return await _queue(
                conn, writer, row, address, language or row.visitor_language, "visitor", now
            )
    except IntegrityError as exc:  # a concurrent first request won (PostgreSQL)
        raise TranscriptAlreadyRequestedError(
            "the transcript of this conversation was asked for already"
        ) from exc


async def queue_automatic_transcript(
    conn: AsyncConnection, writer: EventWriter, contact_id: int, now: float
) -> None:
    """As a contact closes: its service sends transcripts, the visitor gave an address."""
    row = await fetch_contact_row(conn, contact_id)
    auto = await conn.scalar(
        select(services.c.transcript_auto).where(services.c.id == row.service_id)
    )
    if not auto or not row.visitor_email or await _existing(conn, contact_id) is not None:
        return
    await _queue(conn, writer, row, row.visitor_email, row.visitor_language, "service", now)
