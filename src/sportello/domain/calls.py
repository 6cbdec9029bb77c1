"""The call state machine (voice/video over WebRTC on a contact): pure, no I/O.

offered ──accept──▶ accepted ──connect──▶ connected
   │                   │                      │
   ├─decline─▶ declined └───────end───────────┴──▶ ended
   └─end (the caller withdraws it)─▶ ended

The side that did not start the call answers it (accept or decline); either side ends it.

A live call may also be *interrupted* on either side, whatever its state: that party's
connection in the call went away and a deadline runs. The party rejoining (the same console
session, or any page of the visitor) clears it and the call goes on in its state; the
deadline passing ends it (``gone_reason``). Interruption is a mark beside the state, not a
state: both sides may be interrupted at once, and a call being set up may be as well.
"""

from __future__ import annotations

import enum


class CallState(enum.StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    CONNECTED = "connected"
    DECLINED = "declined"
    ENDED = "ended"


class CallMove(enum.StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    CONNECT = "connect"
    END = "end"


class Side(enum.StrEnum):
    AGENT = "agent"
    VISITOR = "visitor"


LIVE = frozenset({CallState.OFFERED, CallState.ACCEPTED, CallState.CONNECTED})
"""States in which a contact has a call (and no second one may start)."""

_NEXT: dict[tuple[CallState, CallMove], CallState] = {
    (CallState.OFFERED, CallMove.ACCEPT): CallState.ACCEPTED,
    (CallState.OFFERED, CallMove.DECLINE): CallState.DECLINED,
    (CallState.OFFERED, CallMove.END): CallState.ENDED,
    (CallState.ACCEPTED, CallMove.CONNECT): CallState.CONNECTED,
    (CallState.ACCEPTED, CallMove.END): CallState.ENDED,
    (CallState.CONNECTED, CallMove.END): CallState.ENDED,
}

ANSWERS = frozenset({CallMove.ACCEPT, CallMove.DECLINE})


def next_state(state: CallState, move: CallMove) -> CallState | None:
    """The state ``move`` leads to, or None when the machine does not allow it."""
    return _NEXT.get((state, move))


def may_move(started_by: Side, side: Side, move: CallMove) -> bool:
    """Only the side that did not start the call answers it; anything else either side."""
    return side != started_by if move in ANSWERS else True


def sends_video(side: Side, requested: str, accepted: str | None) -> bool:
    """The agent sends video on a video call; the visitor only if they accepted with video
    (an agent's video offer answered "voice only" still shows the agent)."""
    if requested != "video":
        return False
    return side == Side.AGENT or accepted == "video"


GONE_REASONS = {Side.AGENT: "agent_disconnected", Side.VISITOR: "visitor_left"}


def lapsed_side(
    agent_gone_at: float | None, visitor_gone_at: float | None, now: float
) -> Side | None:
    """The side whose reconnect grace ran out (the earlier one when both did), or None."""
    due = [
        (at, side)
        for at, side in ((agent_gone_at, Side.AGENT), (visitor_gone_at, Side.VISITOR))
        if at is not None and at <= now
    ]
    return min(due)[1] if due else None
