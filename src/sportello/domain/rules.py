"""Pure lifecycle rules: how a visitor leaving is classified, what outcome a close gets."""

from __future__ import annotations

from .model import Outcome

CANCEL_WINDOW_SECONDS = 10.0
SUCCESS_MIN_MESSAGES = 3


def leave_outcome(waited_seconds: float) -> Outcome:
    """A visitor leaving a pending contact: cancelled under 10 s, abandoned after."""
    return Outcome.CANCELLED if waited_seconds < CANCEL_WINDOW_SECONDS else Outcome.ABANDONED


def close_outcome(visitor_messages: int, agent_messages: int, used_voice_or_video: bool) -> Outcome:
    """Successful when voice/video was used or ≥ 3 chat messages with both sides speaking."""
    if used_voice_or_video:
        return Outcome.SUCCESSFUL
    if (
        visitor_messages >= 1
        and agent_messages >= 1
        and visitor_messages + agent_messages >= SUCCESS_MIN_MESSAGES
    ):
        return Outcome.SUCCESSFUL
    return Outcome.NO_INTERACTION
