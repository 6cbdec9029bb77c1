from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from sportello.actions.agents import do_login, do_logout
from sportello.actions.requeue import do_release_contacts
from sportello.queries.agents import agent_state
from sportello.web.deps import SESSION_COOKIE, AgentDep, CtxDep, agent_token
from sportello.web.schemas import LoginBody, LogoutBody

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post("/login")
async def login(
    body: LoginBody, response: Response, request: Request, ctx: CtxDep
) -> dict[str, Any]:
    """Sign in; sets the HttpOnly session cookie. The token is also returned for API clients."""
    token, agent = await do_login(ctx, body.login, body.password)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=ctx.settings.session_days * 86400,
        path="/",
    )
    async with ctx.db.read() as conn:
        state = await agent_state(conn, agent.id, ctx.clock.now(), ctx.settings.agent_grace_seconds)
    return {"agent": state, "token": token}


@router.post("/logout", status_code=204)
async def logout(
    request: Request,
    response: Response,
    ctx: CtxDep,
    agent: AgentDep,
    body: LogoutBody | None = None,
) -> None:
    """Sign out. With contacts in progress, say what becomes of them (``contacts``: ``end`` or
    ``requeue``); without a choice the answer is ``contacts_in_progress`` and nothing changes."""
    await do_release_contacts(ctx, agent, body.contacts if body else None)
    token = agent_token(request)
    if token:
        await do_logout(ctx, token)
    response.delete_cookie(SESSION_COOKIE, path="/")
