"""``python -m bench.calls`` runs one call of each kind and reports every figure (no timing
asserted: the figures go to docs/benchmarks.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_calls_reports_its_figures() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.calls", "--calls", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout[: done.stdout.rindex("}") + 1])
    for kind in ("accept", "engage"):
        figures = report[kind]
        assert set(figures) == {
            "to_connected_p50_ms",
            "to_connected_p95_ms",
            "server_cpu_ms_per_call",
        }
        assert figures["to_connected_p50_ms"] > 0
