"""The audit: one durable row per admin change, written in the change's own transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.principals import AgentPrincipal
from sportello.storage.tables import audit

CLI_ACTOR = "sportello command"
"""Who changed it when no one signed in did (the ``sportello`` shell command, the demo)."""


def changed_fields(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Only the fields whose value differs (a creation or deletion keeps the whole side)."""
    if before is None or after is None:
        return before, after
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


async def record_change(
    conn: AsyncConnection,
    *,
    actor: AgentPrincipal | None,
    at: float,
    action: str,
    target_kind: str,
    target_id: int | str,
    target_name: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> bool:
    """Write the change's row; an update that changed nothing leaves none (returns False)."""
    before, after = changed_fields(before, after)
    if before == {} and after == {}:
        return False
    await conn.execute(
        audit.insert().values(
            at=at,
            actor_id=actor.id if actor else None,
            actor_login=actor.login if actor else CLI_ACTOR,
            action=action,
            target_kind=target_kind,
            target_id=str(target_id),
            target_name=target_name[:120],
            before=before,
            after=after,
        )
    )
    return True
