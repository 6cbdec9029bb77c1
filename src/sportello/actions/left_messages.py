"""'Leave a message': what a visitor writes when nobody can take the contact."""

from __future__ import annotations

from sqlalchemy import insert, select

from sportello.actions.context import Ctx
from sportello.errors import NotFoundError, ServiceUnavailableError
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
