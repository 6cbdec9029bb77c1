"""``python -m bench.rate_limits`` prints a line of figures per limiter and load (no timing
asserted: the figures go to docs/benchmarks.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_rate_limits_prints_every_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.rate_limits", "--takes", "200", "--in-flight", "1", "20"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()[1:]
    names = [line.rsplit(None, 5)[0] for line in lines]
    assert names == [
        "memory",
        "memory",
        "Redis, batched (as served)",
        "Redis, batched (as served)",
        "Redis, one round trip per take",
        "Redis, one round trip per take",
    ]
    assert all(float(line.split()[-4].replace(",", "")) > 0 for line in lines)
