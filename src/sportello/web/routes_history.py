"""The visitor's history in the details drawer: their earlier contacts, each readable
read-only by the agent handling the visitor now (queries/visitor_history.py has the rule)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from sportello.queries.visitor_history import earlier_contact, earlier_contacts
from sportello.web.deps import AgentDep, CtxDep
from sportello.web.params import ContactId

router = APIRouter(prefix="/api/contacts", tags=["contacts"])


@router.get("/{contact_id}/history")
async def history(contact_id: ContactId, agent: AgentDep, ctx: CtxDep) -> list[dict[str, Any]]:
    """The visitor's earlier contacts, newest first."""
    async with ctx.db.read() as conn:
        return await earlier_contacts(conn, agent, contact_id)


@router.get("/{contact_id}/history/{earlier_id}")
async def earlier(
    contact_id: ContactId, earlier_id: ContactId, agent: AgentDep, ctx: CtxDep
) -> dict[str, Any]:
    """One earlier contact with its transcript, to read (nothing here writes)."""
    async with ctx.db.read() as conn:
        return await earlier_contact(conn, agent, contact_id, earlier_id)
