"""Direct reads of what is stored, for asserting after actions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sportello.actions.context import Ctx
from sportello.storage.tables import contacts, events, messages


async def stored_contact(ctx: Ctx, contact_id: int) -> Any:
    async with ctx.db.read() as conn:
        return (await conn.execute(select(contacts).where(contacts.c.id == contact_id))).one()


async def stored_messages(ctx: Ctx, contact_id: int) -> list[Any]:
    async with ctx.db.read() as conn:
        rows = await conn.execute(
            select(messages).where(messages.c.contact_id == contact_id).order_by(messages.c.id)
        )
        return list(rows)


async def stored_events(ctx: Ctx, contact_id: int | None = None) -> list[Any]:
    async with ctx.db.read() as conn:
        query = select(events).order_by(events.c.position)
        if contact_id is not None:
            query = query.where(events.c.contact_id == contact_id)
        return list(await conn.execute(query))
