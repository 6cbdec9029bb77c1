"""How long write transactions hold the stream's lock (PostgreSQL), as a histogram.

The lock is taken just before a transaction's events are inserted and released by its
commit (stream/events.py), so this is the database-wide critical section every writer of
every process shares: its p99 bounds how many event-writing commits per second the whole
deployment can make. Counting is a bisect and two additions per commit.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

BOUNDS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
"""Upper bounds of the buckets, in seconds (the last bucket, +Inf, is implied)."""


@dataclass
class LockTiming:
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
