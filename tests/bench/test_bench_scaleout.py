"""A tiny run of the multi-process benchmark (``python -m bench scaleout``) on a throwaway
PostgreSQL and Redis: one process, then two. Asserts that every figure is reported, that
chats crossed processes without loss, that every process and PostgreSQL did work in the
window, and asserts no speed."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.postgres import ThrowawayPostgres
from tests.support.redis import ThrowawayRedis

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis() -> Iterator[ThrowawayRedis]:
    server = ThrowawayRedis()
    server.start()
    yield server
    server.stop()


def test_scaleout_reports_throughput_and_cpu_per_process_count(
    postgres: ThrowawayPostgres, redis: ThrowawayRedis, tmp_path: Path
) -> None:
    out = tmp_path / "scaleout.json"
    done = subprocess.run(
        [
            *(sys.executable, "-m", "bench", "scaleout", "--smoke", "--only", "sportello"),
            *("--database-url", postgres.url(), "--redis-url", redis.url),
            *("--processes", "1,2", "--workers", "1", "--no-pin", "--out", str(out)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    figures = json.loads(out.read_text())["results"]["scaleout"]["sportello"]
    for n in (1, 2):
        for key in ("chat_msgs_per_s", "intake_contacts_per_s", "chat_postgres_cpu"):
            value = figures[f"{key}_{n}p"]
            assert isinstance(value, float) and math.isfinite(value) and value > 0, (key, n)
        assert figures[f"chat_lost_{n}p"] == 0
        assert figures[f"intake_unassigned_{n}p"] == 0
        for key in ("chat_server_cpu", "intake_server_cpu"):
            cpus = figures[f"{key}_{n}p"]
            assert len(cpus) == n and all(cpu > 0 for cpu in cpus), (key, cpus)
    for key in ("chat_msgs_per_s_2p_over_1p", "intake_contacts_per_s_2p_over_1p"):
        assert isinstance(figures[key], float) and figures[key] > 0, key
    # The lock's hold time comes from the servers' own histogram (/metrics); every write of
    # the window is in it.
    for n in (1, 2):
        for scenario in ("chat", "intake"):
            p50 = figures[f"{scenario}_stream_lock_p50_ms_{n}p"]
            p99 = figures[f"{scenario}_stream_lock_p99_ms_{n}p"]
            assert isinstance(p50, float) and 0 < p50 <= p99, (scenario, n, p50, p99)
            assert 0 < figures[f"{scenario}_stream_lock_busy_{n}p"] < n, (scenario, n)
