"""The signed-in agent: status, console sessions, waiting area, colleagues."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from sportello.actions.agent_accounts import do_set_ui_language
from sportello.actions.agents import do_open_console_session, do_set_media, do_set_status
from sportello.actions.contacts import do_accept_contact
from sportello.domain.model import AgentStatus
from sportello.queries.agents import agent_state, all_agents
from sportello.queries.services import closed_services
from sportello.routing.views import public_entry, waiting_for_agent
from sportello.web.deps import AgentDep, CtxDep
from sportello.web.schemas import MediaBody, StatusBody, UiLanguageBody

router = APIRouter(prefix="/api", tags=["console"])


@router.get("/me")
async def me(agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """The agent, and ``closed_services``: theirs that are outside opening hours now."""
    now = ctx.clock.now()
    async with ctx.db.read() as conn:
        state = await agent_state(conn, agent.id, now, ctx.settings.agent_grace_seconds)
        return {**state, "closed_services": await closed_services(conn, state["tags"], now)}


@router.put("/me/status")
async def set_status(body: StatusBody, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """READY or PAUSED; applies to every open console of the agent."""
    return await do_set_status(ctx, agent, AgentStatus(body.status))


@router.put("/me/ui-language")
async def set_ui_language(body: UiLanguageBody, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """The language of the agent's own console pages ("" = the browser's)."""
    await do_set_ui_language(ctx, agent, body.ui_language)
    async with ctx.db.read() as conn:
        return await agent_state(conn, agent.id, ctx.clock.now(), ctx.settings.agent_grace_seconds)


@router.post("/console-sessions", status_code=201)
async def open_session(agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    return await do_open_console_session(ctx, agent)


@router.patch("/console-sessions/{session_id}")
async def set_media(
    session_id: str, body: MediaBody, agent: AgentDep, ctx: CtxDep
) -> dict[str, Any]:
    """Switch media for this console session only."""
    switches = {k: v for k, v in body.model_dump().items() if v is not None}
    return await do_set_media(ctx, agent, session_id, switches)


@router.get("/waiting")
async def waiting(agent: AgentDep, ctx: CtxDep) -> list[dict[str, Any]]:
    async with ctx.db.read() as conn:
        entries = await waiting_for_agent(conn, agent.id)
    return [public_entry(e, agent.id) for e in entries]


@router.post("/waiting/accept-oldest")
async def accept_oldest(agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Take the waiting contact that has waited longest (after priority)."""
    return await do_accept_contact(ctx, agent, None)


@router.get("/agents")
async def agents(agent: AgentDep, ctx: CtxDep) -> list[dict[str, Any]]:
    async with ctx.db.read() as conn:
        rows = await all_agents(
            conn, ctx.clock.now(), ctx.settings.agent_grace_seconds, colleagues_only=True
        )
    public = ("id", "display_name", "nickname", "avatar_url", "languages", "tags", "status")
    return [{k: r[k] for k in public} for r in rows]
