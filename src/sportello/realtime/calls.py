"""Call frames from either side: moves of the call state machine (actions/calls.py) and
the relay of WebRTC signalling to the other party only, in order, through the bus (so it
crosses processes like typing does) and never stored."""

from __future__ import annotations

from typing import Any

from sportello.actions.call_resume import do_rejoin_call
from sportello.actions.calls import (
    do_answer_call,
    do_call_connected,
    do_end_call,
    do_start_call,
    side_of,
)
from sportello.actions.context import Ctx
from sportello.domain.principals import Principal, VisitorPrincipal
from sportello.queries.call_relay import relay_call
from sportello.realtime.frames import (
    CallAccept,
    CallConnected,
    CallDecline,
    CallEnd,
    CallFrame,
    CallRejoin,
    CallSignal,
    CallStart,
)


async def handle_call_frame(
    ctx: Ctx,
    principal: Principal,
    frame: CallFrame,
    *,
    session_id: str | None = None,
    link: int | None = None,
) -> None:
    """``session_id``: the agent's console session; ``link``: the visitor's connection."""
    where: dict[str, Any] = {"session_id": session_id, "link": link}
    if isinstance(frame, CallStart):
        await do_start_call(ctx, principal, frame.contact_id, frame.media, **where)
    elif isinstance(frame, CallAccept):
        await do_answer_call(ctx, principal, frame.contact_id, frame.call_id, frame.media, **where)
    elif isinstance(frame, CallDecline):
        await do_answer_call(ctx, principal, frame.contact_id, frame.call_id, None, **where)
    elif isinstance(frame, CallConnected):
        await do_call_connected(ctx, principal, frame.contact_id, frame.call_id)
    elif isinstance(frame, CallEnd):
        await do_end_call(ctx, principal, frame.contact_id, frame.call_id)
    elif isinstance(frame, CallRejoin):
        await do_rejoin_call(ctx, principal, frame.contact_id, frame.call_id, frame.fresh, **where)
    elif isinstance(frame, CallSignal):
        await _relay(ctx, principal, frame, session_id=session_id, link=link)


async def _relay(
    ctx: Ctx, principal: Principal, frame: CallSignal, *, session_id: str | None, link: int | None
) -> None:
    async with ctx.db.read() as conn:
        call = await relay_call(
            conn, principal, frame.contact_id, frame.call_id, session_id=session_id, link=link
        )
    # Counted once the sender is known to be in the call: nobody else can use up its allowance.
    await ctx.limits.call_signal(frame.contact_id, side_of(principal).value, ctx.clock.now())
    signal: dict[str, Any] = {
        "kind": "call.signal",
        "contact_id": frame.contact_id,
        "call_id": frame.call_id,
    }
    if frame.description is not None:
        signal["description"] = frame.description.model_dump()
    if frame.candidate is not None:
        signal["candidate"] = frame.candidate.model_dump()
    if isinstance(principal, VisitorPrincipal):
        # to the agent's console session in the call only (ConsoleSession drops the rest)
        signal |= {"to": "agent", "agent_id": call.agent_id, "session": call.agent_session}
    else:
        # to the visitor's connection in the call only (VisitorSession drops the rest)
        signal |= {"to": "visitor", "link": call.visitor_link}
    ctx.bus.send_signal(signal)
