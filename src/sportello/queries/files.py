"""Reading files: a contact's list, and one file for someone allowed to see it.

A file nobody may see and a file that does not exist get the same ``not_found``, so ids
cannot be probed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.model import Sender
from sportello.domain.principals import Principal
from sportello.errors import NotFoundError, SportelloError
from sportello.queries.contacts import check_read, fetch_contact_row
from sportello.storage.tables import files


def listed_file(row: Any) -> dict[str, Any]:
    return {
        "id": row.public_id,
        "name": row.name,
        "description": row.description,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "width": row.width,
        "height": row.height,
        "thumbnail": row.thumb_key is not None,
        "sender": row.sender,
        "agent_id": row.agent_id,
        "created_at": row.created_at,
    }


async def visitor_bytes(conn: AsyncConnection, contact_id: int) -> int:
    """What the visitor of a contact has uploaded in it, in bytes."""
    total = await conn.scalar(
        select(func.coalesce(func.sum(files.c.size), 0)).where(
            files.c.contact_id == contact_id, files.c.sender == Sender.VISITOR.value
        )
    )
    return int(total or 0)


async def files_of_contact(conn: AsyncConnection, contact_id: int) -> list[dict[str, Any]]:
    rows = await conn.execute(
        select(files).where(files.c.contact_id == contact_id).order_by(files.c.id)
    )
    return [listed_file(row) for row in rows]


async def readable_file(conn: AsyncConnection, principal: Principal, public_id: str) -> Any:
    """The file row, if this principal may read the contact it belongs to."""
    row = (await conn.execute(select(files).where(files.c.public_id == public_id))).first()
    if row is None:
        raise NotFoundError("no such file")
    try:
        await check_read(conn, principal, await fetch_contact_row(conn, row.contact_id))
    except SportelloError as exc:
        raise NotFoundError("no such file") from exc
    return row
