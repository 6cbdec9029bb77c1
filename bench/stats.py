"""Summaries of latency samples (nanoseconds in, milliseconds out)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted sequence (q in 0..100)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return float(sorted_values[min(rank, len(sorted_values)) - 1])


def summarise_ns(samples_ns: Sequence[int]) -> dict[str, float]:
    """p50/p95/p99/max in milliseconds, plus the sample count."""
    values = sorted(s / 1e6 for s in samples_ns)
    return {
        "count": float(len(values)),
        "p50_ms": percentile(values, 50),
        "p95_ms": percentile(values, 95),
        "p99_ms": percentile(values, 99),
        "max_ms": values[-1] if values else math.nan,
    }
