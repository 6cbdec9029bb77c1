"""The call state machine (voice/video over WebRTC on a contact): pure, no I/O.

offered ──accept──▶ accepted ──connect──▶ connected
   │                   │                      │
   ├─decline─▶ declined └───────end───────────┴──▶ ended
   └─end (the caller withdraws it)─▶ ended

The side that did not start the call answers it (accept or decline); either side ends it.
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
