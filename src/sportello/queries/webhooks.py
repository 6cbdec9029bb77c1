"""Reading webhook endpoints: the admin's view (never the secret)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.storage.tables import webhook_endpoints
from sportello.stream.events import head_position


def webhook_view(row: Any, head: int) -> dict[str, Any]:
    """``backlog``: events after the cursor (not all of them may be for this endpoint)."""
    return {
        "id": row.id,
        "url": row.url,
        "kinds": list(row.kinds),
        "agent_side": bool(row.agent_side),
        "enabled": bool(row.enabled),
        "created_at": row.created_at,
        "cursor": int(row.cursor),
        "backlog": max(head - int(row.cursor), 0),
        "state": row.state,
        "attempts": row.attempts,
        "first_failed_at": row.first_failed_at,
        "next_attempt_at": row.next_attempt_at,
        "last_error": row.last_error,
        "parked_at": row.parked_at,
        "delivered_at": row.delivered_at,
    }


async def webhook_row(conn: AsyncConnection, endpoint_id: int) -> Any:
    return (
        await conn.execute(select(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id))
    ).first()


async def all_webhooks(conn: AsyncConnection) -> list[dict[str, Any]]:
    head = await head_position(conn)
    rows = await conn.execute(select(webhook_endpoints).order_by(webhook_endpoints.c.id))
    return [webhook_view(row, head) for row in rows]


async def one_webhook(conn: AsyncConnection, endpoint_id: int) -> dict[str, Any] | None:
    row = await webhook_row(conn, endpoint_id)
    return None if row is None else webhook_view(row, await head_position(conn))
