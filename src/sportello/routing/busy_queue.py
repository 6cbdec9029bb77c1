"""Waiting for a busy agent (a service's ``when_busy``): pure rules, no I/O.

A request made while every qualified agent is full is rejected at once by default, as the
reference product does. A service set to ``queue`` keeps it instead — pending, offered to
nobody, shown to the full agents as queued — while at least one qualified agent is at work
(signed in, READY, the medium on: an agent who merely exists does not make a queue worth
waiting in), up to ``queue_max_length`` queued requests. The queue's own deadline
(``queue_max_wait_seconds``) is the contact's ``dissuade_at`` while it is queued; when room
frees up and routing offers it, the usual dissuasion countdown starts from then.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class WhenBusy(enum.StrEnum):
    REJECT = "reject"
    QUEUE = "queue"


class Intake(enum.Enum):
    """What becomes of a request as it is made."""

    OFFER = "offer"
    QUEUE = "queue"
    REJECT = "reject"
    QUEUE_FULL = "queue_full"


QUEUE_TIMEOUT = "queue_timeout"
"""``queue_exit`` of a contact dissuaded while still queued."""
QUEUE_FULL = "queue_full"
"""``queue_exit`` of a request rejected because the queue was at its limit."""

MAX_WAIT_RANGE = (30, 3600)
DEFAULT_MAX_WAIT = 300
DEFAULT_MAX_LENGTH = 50
MAX_LENGTH_RANGE = (1, 10000)


def intake(
    *, offered: bool, qualified_at_work: bool, when_busy: str, queued: int, max_length: int
) -> Intake:
    """A request just planned: offered to someone, queued, or rejected (and why)."""
    if offered:
        return Intake.OFFER
    if when_busy != WhenBusy.QUEUE or not qualified_at_work:
        return Intake.REJECT
    if queued >= max_length:
        return Intake.QUEUE_FULL
    return Intake.QUEUE


def is_queued(queued_at: float | None, offered_at: float | None) -> bool:
    """Waiting in the queue now: queued and not offered since."""
    return queued_at is not None and offered_at is None


def released(queued: bool, offered: bool) -> bool:
    """A queued contact that routing now offers leaves the queue (once: the store is
    guarded on ``offered_at`` being unset)."""
    return queued and offered


def due_exit(queued_at: float | None, offered_at: float | None) -> str | None:
    """Why a due deadline dissuades: ``queue_timeout`` while still queued, else the usual
    dissuasion (None)."""
    return QUEUE_TIMEOUT if is_queued(queued_at, offered_at) else None


@dataclass(frozen=True)
class QueueTimes:
    queued_seconds: float | None
    """Time in the queue (to being offered, or to the end while still queued)."""
    offered_seconds: float | None
    """Time from being offered (or created, when never queued) to an agent taking it."""


def queue_times(
    created_at: float,
    queued_at: float | None,
    offered_at: float | None,
    assigned_at: float | None,
    ended_at: float | None,
) -> QueueTimes:
    """A contact's wait split into its time queued and its time offered (the reports')."""
    queued: float | None = None
    offered_from = created_at
    if queued_at is not None:
        until = offered_at if offered_at is not None else (assigned_at or ended_at)
        queued = None if until is None else max(0.0, until - queued_at)
        if offered_at is None:
            return QueueTimes(queued, None)
        offered_from = offered_at
    offered = None if assigned_at is None else max(0.0, assigned_at - offered_from)
    return QueueTimes(queued, offered)
