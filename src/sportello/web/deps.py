"""Request-scoped dependencies: the app context, the signed-in agent, the visitor token."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from sportello import log_context
from sportello.actions.agents import signed_in
from sportello.actions.api_tokens import do_note_token_use, token_agent
from sportello.actions.context import Ctx
from sportello.domain.api_tokens import TOKEN_PREFIX
from sportello.domain.principals import AgentPrincipal, VisitorPrincipal
from sportello.errors import ForbiddenError, NotAuthenticatedError, SportelloError
from sportello.queries.services import contact_sites
from sportello.security.sign_in_cache import SignInCache
from sportello.security.tokens import hash_token, read_visitor_token
from sportello.web.origins import check_site

SESSION_COOKIE = "sportello_session"


async def get_ctx(request: Request) -> Ctx:
    # async on purpose: FastAPI runs a plain ``def`` dependency in its thread pool, which
    # costs a thread hand-off (and GIL contention) on every request for no I/O at all.
    ctx: Ctx = request.app.state.ctx
    return ctx


CtxDep = Annotated[Ctx, Depends(get_ctx)]


def client_ip(request: Request) -> str:
    """The peer address (uvicorn puts the client's there when a trusted proxy forwards it)."""
    return request.client.host if request.client else "unknown"


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def agent_token(request: Request) -> str | None:
    """An explicit bearer token wins over the cookie (API clients with a shared cookie jar)."""
    return bearer(request) or request.cookies.get(SESSION_COOKIE)


async def current_agent(request: Request, ctx: CtxDep) -> AgentPrincipal:
    """The signed-in agent: from the hub's cache of recent sign-ins, or one read; or the
    owner of an API token (``Authorization: Bearer spt_…``), read at each request so a
    revocation or a role change holds at once."""
    token = agent_token(request)
    now = ctx.clock.now()
    if token is not None and token.startswith(TOKEN_PREFIX) and token == bearer(request):
        async with ctx.db.read() as conn:
            found = await token_agent(conn, token, request.method, request.url.path, now)
        if found is not None:
            owner, token_id, last_used_at = found
            await do_note_token_use(ctx, token_id, last_used_at)
            return owner
    cache: SignInCache = request.app.state.hub.sign_ins
    key = hash_token(token) if token else ""
    agent = cache.get(key, now) if token else None
    if agent is None:
        generation = cache.generation
        async with ctx.db.read() as conn:
            agent, expires_at = await signed_in(conn, token, now)
        cache.put(key, agent, now, expires_at, generation)
    log_context.note(agent_id=agent.id)
    return agent


AgentDep = Annotated[AgentPrincipal, Depends(current_agent)]


async def current_staff(request: Request, ctx: CtxDep) -> AgentPrincipal:
    """A signed-in agent, for what only staff write (private notes): a visitor's token is
    refused with 403 ``forbidden`` rather than read as a failed sign-in."""
    token = bearer(request)
    if token is not None and _is_visitor_token(ctx, token):
        raise ForbiddenError("visitors cannot write private notes")
    return await current_agent(request, ctx)


def _is_visitor_token(ctx: Ctx, token: str) -> bool:
    try:
        read_visitor_token(ctx.settings.secret_key, token, ctx.clock.now())
    except SportelloError:
        return False
    return True


StaffDep = Annotated[AgentPrincipal, Depends(current_staff)]


async def current_admin(agent: AgentDep) -> AgentPrincipal:
    if not agent.is_admin:
        raise ForbiddenError("this needs the admin role")
    return agent


AdminDep = Annotated[AgentPrincipal, Depends(current_admin)]


async def current_supervisor(agent: AgentDep) -> AgentPrincipal:
    if not agent.is_supervisor:
        raise ForbiddenError("this needs the supervisor role")
    return agent


SupervisorDep = Annotated[AgentPrincipal, Depends(current_supervisor)]


async def current_visitor(request: Request, ctx: CtxDep) -> VisitorPrincipal:
    """The token's visitor, on a site the contact's service allows (checked every request)."""
    token = bearer(request)
    if token is None:
        raise NotAuthenticatedError("send the visitor token as 'Authorization: Bearer …'")
    visitor = read_visitor_token(ctx.settings.secret_key, token, ctx.clock.now())
    log_context.note(contact_id=visitor.contact_id)
    async with ctx.db.read() as conn:
        sites = await contact_sites(conn, visitor.contact_id)
    check_site(request.headers.get("origin"), sites)
    return visitor


VisitorDep = Annotated[VisitorPrincipal, Depends(current_visitor)]
