"""The histograms /metrics exposes (the stream lock's hold times, commits, deliveries…)."""

from __future__ import annotations

import pytest

from sportello.timing import Timing


def test_the_stream_lock_timing_counts_into_cumulative_buckets() -> None:
    timing = Timing()
    for seconds in (0.0001, 0.0004, 0.003, 0.003, 7.0):
        timing.observe(seconds)
    buckets = dict(timing.cumulative())
    assert buckets["0.0005"] == 2 and buckets["0.005"] == 4 and buckets["5.0"] == 4
    assert buckets["+Inf"] == timing.count == 5
    assert timing.total_seconds == pytest.approx(7.0065)
