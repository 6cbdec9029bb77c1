"""Admin: agent accounts (create, change, disable/enable, reset the password)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from sportello.actions.agent_accounts import do_create_agent, do_reset_password, do_update_agent
from sportello.queries.agents import all_agents, holding_counts
from sportello.web.deps import AdminDep, CtxDep
from sportello.web.params import AgentId
from sportello.web.schemas import AgentBody, AgentChangesBody, PasswordBody

router = APIRouter(prefix="/api/admin/agents", tags=["admin"])


@router.get("")
async def list_agents(_admin: AdminDep, ctx: CtxDep) -> list[dict[str, Any]]:
    """Every account, with ``holding``: the contacts disabling it would hand back now."""
    async with ctx.db.read() as conn:
        rows = await all_agents(conn, ctx.clock.now(), ctx.settings.agent_grace_seconds)
        holding = await holding_counts(conn)
    return [{**row, "holding": holding.get(row["id"], 0)} for row in rows]


@router.post("", status_code=201)
async def create_agent(body: AgentBody, admin: AdminDep, ctx: CtxDep) -> dict[str, Any]:
    data = body.model_dump()
    data["tags_"] = data.pop("tags")
    return await do_create_agent(ctx, **data, actor=admin)


@router.patch("/{agent_id}")
async def change_agent(
    agent_id: AgentId, body: AgentChangesBody, admin: AdminDep, ctx: CtxDep
) -> dict[str, Any]:
    """Only the fields given change; ``enabled: false`` hands the agent's contacts back to the
    queue and closes their consoles at once."""
    changes = body.model_dump(exclude_none=True)
    return await do_update_agent(ctx, agent_id, changes, actor=admin)


@router.put("/{agent_id}/password", status_code=204)
async def reset_password(
    agent_id: AgentId, body: PasswordBody, admin: AdminDep, ctx: CtxDep
) -> Response:
    """Every sign-in of the agent ends (their consoles close)."""
    await do_reset_password(ctx, agent_id, body.password, actor=admin)
    return Response(status_code=204)
