"""A waiting visitor's place in their line and the wait it suggests. Pure rules, no I/O.

A line is the pending contacts of one service and one medium, in the order routing offers
them (``rules.queue_key``: handed-back contacts first, then priority, then the longest
wait). Every agent who qualifies for one of them qualifies for all of them (the same tags,
the same medium), so an agent's waiting area holds the whole line or none of it, and a
console numbering its entries the same way shows the visitor's own number.

The estimate is the median answer time (as the reports count it: request to an agent
taking it) of the service's most recent answered contacts, times the position: rough, and
said as roughly. With too few answers it is unknown and nothing is shown.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median

from sportello.routing.rules import queue_key

ESTIMATE_MIN_ANSWERS = 5
"""Fewer answered contacts than this in the window: no estimate."""
ESTIMATE_SAMPLE = 20
"""The most recent answered contacts the median is taken over."""
ESTIMATE_WINDOW_SECONDS = 3600.0
"""Only contacts requested within the last hour count: an old quiet day says nothing about
now."""
ESTIMATE_CAP_MINUTES = 60
"""Past an hour the estimate says only "more than an hour"."""


@dataclass(frozen=True)
class InLine:
    """A pending contact as its line sees it."""

    id: int
    service_id: int
    medium: str
    priority: int
    created_at: float
    requeued: bool = False


def line_positions(contacts: Iterable[InLine]) -> dict[int, int]:
    """Each pending contact's position (1 = next) among its service's contacts of its medium."""
    lines: dict[tuple[int, str], list[InLine]] = defaultdict(list)
    for contact in contacts:
        lines[(contact.service_id, contact.medium)].append(contact)
    positions: dict[int, int] = {}
    for line in lines.values():
        line.sort(key=lambda c: queue_key(c.requeued, c.priority, c.created_at, c.id))
        positions.update((c.id, number) for number, c in enumerate(line, start=1))
    return positions


def answer_median(answer_seconds: Sequence[float]) -> float | None:
    """The median answer time of a service's recent answers; None when there are too few to
    say anything."""
    if len(answer_seconds) < ESTIMATE_MIN_ANSWERS:
        return None
    return float(median(answer_seconds))


def wait_minutes(answer_median: float | None, position: int) -> int | None:
    """The estimated wait in whole minutes, rounded as a person would say it: 0 for under
    a minute, whole minutes up to 10, then fives, ``ESTIMATE_CAP_MINUTES`` for an hour or
    more. None when the median is unknown."""
    if answer_median is None or position < 1:
        return None
    seconds = answer_median * position
    if seconds < 60:
        return 0
    minutes = seconds / 60
    if minutes < 10:
        return max(1, math.floor(minutes + 0.5))
    return min(ESTIMATE_CAP_MINUTES, 5 * math.floor(minutes / 5 + 0.5))
