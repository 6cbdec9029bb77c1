"""WebSocket endpoints: authenticate, check Origin, then hand over to a stream session."""

from __future__ import annotations

import contextlib
import re

from fastapi import APIRouter, WebSocket

from sportello import log_context
from sportello.actions.agents import authenticate
from sportello.actions.context import Ctx
from sportello.domain.principals import AgentPrincipal
from sportello.errors import (
    ForbiddenError,
    OriginRejectedError,
    SportelloError,
    ValidationFailedError,
)
from sportello.inputs import INT64_MAX
from sportello.realtime.console_ws import ConsoleSession
from sportello.realtime.session import CLIENT_GONE, StreamSession
from sportello.realtime.supervision_ws import SupervisionSession
from sportello.realtime.visitor_ws import VisitorSession
from sportello.security.tokens import hash_token, read_visitor_token
from sportello.web.deps import SESSION_COOKIE
from sportello.web.origins import check_site, console_origin_ok

router = APIRouter()

REFUSED = 4403
POSITION = re.compile(r"[0-9]{1,19}")
OFFSET = re.compile(r"-?[0-9]{1,4}")
MAX_UTC_OFFSET_MINUTES = 14 * 60


async def _refuse(ws: WebSocket, error: SportelloError) -> None:
    """Accept only to say why, then close: browsers hide the reason of a refused handshake."""
    with contextlib.suppress(*CLIENT_GONE):  # a client that left first needs no answer
        await ws.accept()
        await ws.send_json({"type": "error", **error.to_dict()})
        await ws.close(code=REFUSED if error.status in (401, 403) else 4400)


def _since(ws: WebSocket) -> int | None:
    raw = ws.query_params.get("since")
    if raw is None:
        return None
    if not POSITION.fullmatch(raw) or int(raw) > INT64_MAX:
        raise ValidationFailedError("since must be a position: ASCII digits, below 2^63")
    return int(raw)


def _utc_offset(ws: WebSocket) -> int:
    raw = ws.query_params.get("utc_offset_minutes") or "0"
    if not OFFSET.fullmatch(raw) or abs(int(raw)) > MAX_UTC_OFFSET_MINUTES:
        raise ValidationFailedError("utc_offset_minutes must be an integer from -840 to 840")
    return int(raw)


def _check_console_origin(ws: WebSocket, ctx: Ctx) -> None:
    if not console_origin_ok(
        ws.headers.get("origin"), ws.headers, ctx.settings.allowed_console_origins
    ):
        raise OriginRejectedError("the console may only connect from the app's own origin")


async def _signed_in(ws: WebSocket, ctx: Ctx) -> tuple[AgentPrincipal, str]:
    """The agent of the session cookie, and the hash of their sign-in (logout closes it)."""
    token = ws.cookies.get(SESSION_COOKIE)
    async with ctx.db.read() as conn:
        agent = await authenticate(conn, token, ctx.clock.now())
    assert token is not None, "authenticate refuses a missing token"
    log_context.note(agent_id=agent.id)
    return agent, hash_token(token)


async def _serve(ws: WebSocket, session: StreamSession, since: int | None) -> None:
    await ws.accept()
    try:
        await session.run(since)
    except SportelloError as exc:
        await _refuse_after_accept(ws, exc)


@router.websocket("/ws/console")
async def console_socket(ws: WebSocket) -> None:
    ctx: Ctx = ws.app.state.ctx
    try:
        _check_console_origin(ws, ctx)
        since = _since(ws)
        session_id = ws.query_params.get("session", "")
        agent, sign_in = await _signed_in(ws, ctx)
        if not session_id:
            raise ValidationFailedError("open a console session first (POST /api/console-sessions)")
    except SportelloError as exc:
        await _refuse(ws, exc)
        return
    hub = ws.app.state.hub
    await _serve(ws, ConsoleSession(ws, ctx, hub, agent, session_id, sign_in), since)


async def _refuse_after_accept(ws: WebSocket, error: SportelloError) -> None:
    with contextlib.suppress(*CLIENT_GONE):
        await ws.send_json({"type": "error", **error.to_dict()})
        await ws.close(code=REFUSED if error.status in (401, 403) else 4400)


@router.websocket("/ws/supervision")
async def supervision_socket(ws: WebSocket) -> None:
    ctx: Ctx = ws.app.state.ctx
    try:
        _check_console_origin(ws, ctx)
        since = _since(ws)
        offset = _utc_offset(ws)
        reader, sign_in = await _signed_in(ws, ctx)
        if not reader.is_supervisor:
            raise ForbiddenError("this needs the supervisor role")
    except SportelloError as exc:
        await _refuse(ws, exc)
        return
    hub, views = ws.app.state.hub, ws.app.state.supervision
    await _serve(ws, SupervisionSession(ws, ctx, hub, views, reader, sign_in, offset), since)


@router.websocket("/ws/visitor")
async def visitor_socket(ws: WebSocket) -> None:
    """The token is checked here; the site, with the contact, in the connect's own write
    (VisitorSession.on_open): a widget's connect is that write and one read, nothing else."""
    ctx: Ctx = ws.app.state.ctx
    try:
        since = _since(ws)
        visitor = read_visitor_token(
            ctx.settings.secret_key, ws.query_params.get("token", ""), ctx.clock.now()
        )
    except SportelloError as exc:
        await _refuse(ws, exc)
        return
    log_context.note(contact_id=visitor.contact_id)
    origin = ws.headers.get("origin")

    def admit(sites: list[str]) -> None:
        check_site(origin, sites)

    lines = ws.app.state.queue_lines
    await _serve(ws, VisitorSession(ws, ctx, ws.app.state.hub, lines, visitor, admit), since)
