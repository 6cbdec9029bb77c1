"""The audit of admin changes, newest first, a page at a time (keyset on the row id)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.storage.tables import audit


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    target_kind: str | None = None
    target_id: str | None = None
    action: str | None = None
    since: float | None = None
    until: float | None = None


def audit_view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": row.at,
        "actor": {"id": row.actor_id, "login": row.actor_login},
        "action": row.action,
        "target": {"kind": row.target_kind, "id": row.target_id, "name": row.target_name},
        "before": row.before,
        "after": row.after,
    }


async def audit_page(
    conn: AsyncConnection, where: AuditFilter, before: int | None, limit: int
) -> dict[str, Any]:
    """``next`` is the ``before`` that gives the following page (None on the last)."""
    query = select(audit).order_by(audit.c.id.desc()).limit(limit + 1)
    if before is not None:
        query = query.where(audit.c.id < before)
    if where.actor_id is not None:
        query = query.where(audit.c.actor_id == where.actor_id)
    if where.target_kind is not None:
        query = query.where(audit.c.target_kind == where.target_kind)
    if where.target_id is not None:
        query = query.where(audit.c.target_id == where.target_id)
    if where.action is not None:
        query = query.where(audit.c.action == where.action)
    if where.since is not None:
        query = query.where(audit.c.at >= where.since)
    if where.until is not None:
        query = query.where(audit.c.at < where.until)
    rows = list(await conn.execute(query))
    items = [audit_view(row) for row in rows[:limit]]
    return {"items": items, "next": items[-1]["id"] if len(rows) > limit else None}
