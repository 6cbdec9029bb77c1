"""Reading API tokens: never the token (only its first characters, ``hint``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.storage.tables import agents, api_tokens


def token_view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "agent_id": row.agent_id,
        "name": row.name,
        "hint": row.hint,
        "scopes": list(row.scopes),
        "created_at": row.created_at,
        "expires_at": row.expires_at,
        "revoked_at": row.revoked_at,
        "last_used_at": row.last_used_at,
    }


async def tokens_of(conn: AsyncConnection, agent_id: int | None) -> list[dict[str, Any]]:
    """An agent's tokens, or everyone's (``None``, for admins, with the owner's login)."""
    query = select(api_tokens, agents.c.login).join(agents, agents.c.id == api_tokens.c.agent_id)
    if agent_id is not None:
        query = query.where(api_tokens.c.agent_id == agent_id)
    rows = await conn.execute(query.order_by(api_tokens.c.id.desc()))
    return [{**token_view(row), "owner": row.login} for row in rows]
