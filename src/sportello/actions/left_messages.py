"""'Leave a message': what a visitor writes when nobody can take the contact."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from sportello.actions.context import Ctx
from sportello.domain.principals import AgentPrincipal
from sportello.errors import AlreadyDoneError, NotFoundError, ServiceUnavailableError
from sportello.queries.left_messages import left_message_for
from sportello.storage.tables import services, visitor_messages_left


async def do_leave_message(
    ctx: Ctx, *, service_id: int | None, name: str, email: str, text: str, site: str
) -> int:
    async with ctx.transaction() as (conn, writer):
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
                name=name,
                email=email,
                text=text,
                site=site,
                created_at=ctx.clock.now(),
            )
            .returning(visitor_messages_left.c.id)
        )
        message_id = int(result.scalar_one())
        await writer.append("left_message.created", {"id": message_id, "service_id": service_id})
        return message_id


async def do_mark_left_message_done(
    ctx: Ctx, reader: AgentPrincipal, message_id: int
) -> dict[str, Any]:
    """Mark a left message handled, once: the first reader to do it is recorded."""
    now = ctx.clock.now()
    async with ctx.transaction() as (conn, writer):
        found = await left_message_for(conn, reader, message_id)
        if found is None:
            raise NotFoundError(f"left message {message_id} does not exist", id=message_id)
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
        done = await left_message_for(conn, reader, message_id)
        assert done is not None
        await writer.append(
            "left_message.done",
            {
                "id": message_id,
                "service_id": done["service_id"],
                "done_at": now,
                "done_by": done["done_by"],
            },
        )
        return done
