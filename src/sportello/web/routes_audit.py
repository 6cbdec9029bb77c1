"""Admin: the audit of admin changes (who, what, before → after, when)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from sportello.queries.audit import AuditFilter, audit_page
from sportello.web.deps import AdminDep, CtxDep
from sportello.web.params import ConfigIdQuery, PageLimit, RowIdQuery, Seconds, StorableQuery

router = APIRouter(prefix="/api/admin", tags=["admin"])

TargetKind = Literal[
    "service", "tag", "agent", "transfer_group", "left_message", "contact", "webhook", "api_token"
]


@router.get("/audit")
async def list_audit(
    _admin: AdminDep,
    ctx: CtxDep,
    before: RowIdQuery = None,
    limit: PageLimit = 50,
    actor_id: ConfigIdQuery = None,
    target_kind: TargetKind | None = None,
    target_id: Annotated[str | None, Query(max_length=64), StorableQuery] = None,
    action: Annotated[str | None, Query(max_length=48), StorableQuery] = None,
    since: Seconds = None,
    until: Seconds = None,
) -> dict[str, Any]:
    """Newest first; ``next`` is the ``before`` of the following page (null on the last)."""
    where = AuditFilter(actor_id, target_kind, target_id, action, since, until)
    async with ctx.db.read() as conn:
        return await audit_page(conn, where, before, limit)
