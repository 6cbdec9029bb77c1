"""'Leave a message': what a visitor writes when nobody can take the contact; supervisors
mark it done (once) or not done again (audited). Each change is an event carrying the
message, so supervision views update live."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.actions.audit import record_change
from sportello.actions.context import Ctx
from sportello.domain.principals import AgentPrincipal
from sportello.errors import (
    AlreadyDoneError,
    NotDoneError,
    NotFoundError,
    ServiceUnavailableError,
    ValidationFailedError,
)
from sportello.queries.left_messages import left_message, left_message_for
from sportello.storage.tables import contacts, services, visitor_messages_left
from sportello.stream.events import EventWriter


async def do_leave_message(
    ctx: Ctx,
    *,
    service_id: int | None,
    name: str,
    email: str,
    text: str,
    site: str,
    contact_id: int | None = None,
) -> int:
    """Store a left message. One left after a contact (``contact_id``: the visitor's token)
    belongs to that contact's service, the one the visitor was on."""
    async with ctx.transaction() as (conn, writer):
        if contact_id is not None:
            on = await conn.scalar(select(contacts.c.service_id).where(contacts.c.id == contact_id))
            if service_id is not None and service_id != on:
                raise ValidationFailedError(
                    "the message belongs to the service of your contact",
                    problems=[{"field": "service_id", "message": f"your contact is for {on}"}],
                )
            service_id = on
        if service_id is not None:
            taken = await conn.scalar(
                select(services.c.leave_message).where(services.c.id == service_id)
            )
            if taken is None:
                raise NotFoundError(f"service {service_id} does not exist", service_id=service_id)
            if not taken:
                raise ServiceUnavailableError(
                    "this service does not take messages", service_id=service_id
                )
        result = await conn.execute(
            insert(visitor_messages_left)
            .values(
                service_id=service_id,
                contact_id=contact_id,
                name=name,
                email=email,
                text=text,
                site=site,
                created_at=ctx.clock.now(),
            )
            .returning(visitor_messages_left.c.id)
        )
        message_id = int(result.scalar_one())
        await _tell(conn, writer, "left_message.created", message_id)
        return message_id


async def _tell(
    conn: AsyncConnection, writer: EventWriter, kind: str, message_id: int
) -> dict[str, Any]:
    """The event of a change, carrying the message as it is now."""
    message = await left_message(conn, message_id)
    data = {"id": message_id, "service_id": message["service_id"], "message": message}
    if kind == "left_message.done":
        data |= {"done_at": message["done_at"], "done_by": message["done_by"]}
    await writer.append(kind, data)
    return message


async def _readable(conn: AsyncConnection, reader: AgentPrincipal, message_id: int) -> Any:
    """The message, if it exists and this reader may see it (``not_found`` otherwise)."""
    found = await left_message_for(conn, reader, message_id)
    if found is None:
        raise NotFoundError(f"left message {message_id} does not exist", id=message_id)
    return found


async def do_mark_left_message_done(
    ctx: Ctx, reader: AgentPrincipal, message_id: int
) -> dict[str, Any]:
    """Mark a left message handled, once: the first reader to do it is recorded."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        found = await _readable(conn, reader, message_id)
        result = await conn.execute(
            update(visitor_messages_left)
            .where(
                visitor_messages_left.c.id == message_id, visitor_messages_left.c.done_at.is_(None)
            )
            .values(done_at=now, done_by=reader.id)
        )
        if result.rowcount != 1:
            raise AlreadyDoneError(
                "this message was marked done already",
                done_at=found["done_at"],
                done_by=found["done_by"],
            )
        return await _tell(conn, writer, "left_message.done", message_id)


async def do_reopen_left_message(
    ctx: Ctx, reader: AgentPrincipal, message_id: int
) -> dict[str, Any]:
    """Mark a done message not done again (``not_done`` if it is not done); audited, since
    it erases who handled it."""
    async with ctx.transaction() as (conn, writer):
        found = await _readable(conn, reader, message_id)
        result = await conn.execute(
            update(visitor_messages_left)
            .where(
                visitor_messages_left.c.id == message_id,
                visitor_messages_left.c.done_at.is_not(None),
            )
            .values(done_at=None, done_by=None)
        )
        if result.rowcount != 1:
            raise NotDoneError("this message is not marked done", id=message_id)
        await record_change(
            conn,
            actor=reader,
            at=ctx.clock.now(),
            action="left_message.reopened",
            target_kind="left_message",
            target_id=message_id,
            target_name=f"{found['name']} <{found['email']}>",
            before={"done_at": found["done_at"], "done_by": found["done_by"]},
            after={"done_at": None, "done_by": None},
        )
        return await _tell(conn, writer, "left_message.reopened", message_id)
