"""What a process measures as it works, for /metrics: durations as histograms, and counts.

Counting is a bisect and two additions per observation, cheap enough for every commit and
every event handed to a socket; everything else /metrics shows is read at scrape time.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

BOUNDS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
"""Upper bounds of the buckets, in seconds (the last bucket, +Inf, is implied)."""


@dataclass
class Timing:
    """One histogram of durations, in seconds."""

    counts: list[int] = field(default_factory=lambda: [0] * (len(BOUNDS) + 1))
    total_seconds: float = 0.0

    def observe(self, seconds: float) -> None:
        self.counts[bisect_left(BOUNDS, seconds)] += 1
        self.total_seconds += seconds

    @property
    def count(self) -> int:
        return sum(self.counts)

    def cumulative(self) -> list[tuple[str, int]]:
        """Prometheus's buckets: (upper bound, observations at or below it)."""
        running, out = 0, []
        for bound, n in zip([*map(str, BOUNDS), "+Inf"], self.counts, strict=True):
            running += n
            out.append((bound, running))
        return out


@dataclass
class ProcessFigures:
    stream_lock: Timing = field(default_factory=Timing)
    """How long transactions held the stream lock, from their events' INSERT to their commit
    (PostgreSQL): the critical section every writer of every process shares, whose p99
    bounds the event-writing commits per second of the whole deployment."""
    write_wait: Timing = field(default_factory=Timing)
    """From asking for a write transaction to its first statement: the turn (write_turns.py)
    and the database's BEGIN. It grows first when the process is overloaded."""
    commit: Timing = field(default_factory=Timing)
    """A write transaction from its first statement to its commit."""
    routing_pass: Timing = field(default_factory=Timing)
    """A routing pass run after a change (routing/rerouter.py), start to commit."""
    delivery: Timing = field(default_factory=Timing)
    """From an event's commit to its hand-over to this process's sockets (another process's
    events included: their way through the bus counts)."""
    messages: int = 0
    """Chat messages this process stored (visitors', agents', files)."""
