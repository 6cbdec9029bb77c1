"""Supervision over HTTP: the live view's snapshot and the messages visitors left.

Supervisors get the services whose tags they hold, admins all; the stream of changes is
the ``/ws/supervision`` WebSocket (web/ws.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from sportello.actions.left_messages import do_mark_left_message_done, do_reopen_left_message
from sportello.actions.notes import do_whisper
from sportello.queries.left_messages import LeftMessageFilter, left_messages_for
from sportello.queries.supervision import ViewClock, supervision_view
from sportello.web.deps import CtxDep, SupervisorDep
from sportello.web.params import ConfigIdQuery, ContactId, LeftMessageId, Seconds, UtcOffset
from sportello.web.schemas import NoteBody

router = APIRouter(prefix="/api/supervision", tags=["supervision"])


@router.get("")
async def live_view(
    supervisor: SupervisorDep, ctx: CtxDep, utc_offset_minutes: UtcOffset = 0
) -> dict[str, Any]:
    """Agents, the waiting area per service and today's figures, as of now."""
    clock = ViewClock(ctx.clock.now(), ctx.settings.agent_grace_seconds, utc_offset_minutes)
    async with ctx.db.read() as conn:
        return await supervision_view(conn, supervisor, clock)


@router.get("/left-messages")
async def left_messages(
    supervisor: SupervisorDep,
    ctx: CtxDep,
    service_id: ConfigIdQuery = None,
    since: Seconds = None,
    until: Seconds = None,
    done: bool | None = None,
) -> list[dict[str, Any]]:
    """Newest first: those of the services the reader supervises and those left without one."""
    wanted = LeftMessageFilter(service_id=service_id, since=since, until=until, done=done)
    async with ctx.db.read() as conn:
        return await left_messages_for(conn, supervisor, wanted)


@router.post("/left-messages/{message_id}/done")
async def mark_done(
    message_id: LeftMessageId, supervisor: SupervisorDep, ctx: CtxDep
) -> dict[str, Any]:
    """Mark a message handled (``already_done`` when someone did it first)."""
    return await do_mark_left_message_done(ctx, supervisor, message_id)


@router.delete("/left-messages/{message_id}/done")
async def mark_not_done(
    message_id: LeftMessageId, supervisor: SupervisorDep, ctx: CtxDep
) -> dict[str, Any]:
    """Mark a done message not done again (``not_done`` when it is not done); audited."""
    return await do_reopen_left_message(ctx, supervisor, message_id)


@router.post("/contacts/{contact_id}/whisper", status_code=201)
async def whisper(
    contact_id: ContactId,
    body: NoteBody,
    supervisor: SupervisorDep,
    ctx: CtxDep,
    response: Response,
) -> dict[str, Any]:
    """Whisper to the agent handling a contact of a service the reader supervises: the
    agent and supervisors read it, the visitor never does; audited. A retry with the same
    ``client_id`` answers 200 with the first whisper."""
    note, created = await do_whisper(ctx, supervisor, contact_id, body.text, body.client_id)
    if not created:
        response.status_code = 200
    return note
