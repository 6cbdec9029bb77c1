"""What the scenarios share: the run context and how work is split between workers."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from bench.launch import METRICS_TOKEN, Target, start_relay, start_sportello
from bench.seed import Seeded, SeedSpec
from bench.system import CpuMeter, TreeCpuMeter, parent_pid

T = TypeVar("T")

SPORTELLO = "sportello"
RELAY = "relay"


@dataclass(frozen=True)
class Bench:
    """How to start a system under test and where client processes run."""

    server_cpus: list[int] | None
    client_cpus: list[int] | None
    workers: int
    database_url: str | None = None
    profile_dir: Path | None = None
    """When set, py-spy samples the server during each measured window (raw stacks)."""
    settings: dict[str, str] = field(default_factory=dict)
    """The server's settings for this run: its rate limits (SPORTELLO_RATE_*), sized to its
    load, and the Redis URL when one is given."""
    processes: int = 1
    """Sportello server processes on the one database (more than one: PostgreSQL and Redis)."""

    def profile(self, pid: int, seconds: float | None, name: str) -> subprocess.Popen[bytes] | None:
        """Start py-spy on the server for the measured window (None: until ``stop_profile``);
        None when not asked for."""
        if self.profile_dir is None:
            return None
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        self.profile_dir.mkdir(parents=True, exist_ok=True)
        out = self.profile_dir / f"{name}.txt"
        return subprocess.Popen(
            [
                spy,
                "record",
                "-p",
                str(pid),
                *(["-d", str(max(1, int(seconds)))] if seconds is not None else []),
                "-r",
                "250",
                "-f",
                "raw",
                "-o",
                str(out),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    @staticmethod
    def stop_profile(spy: subprocess.Popen[bytes] | None) -> None:
        """End an open-ended profile: py-spy writes its stacks on SIGINT."""
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(30)

    def measure(self, pid: int, start_ns: int, end_ns: int, name: str) -> float:
        """Sleep through the measured window (profiling it if asked); the server's CPU in it."""
        cpu = CpuMeter(pid)
        sleep_until_ns(start_ns)
        cpu.start()
        spy = self.profile(pid, (end_ns - start_ns) / 1e9, name)
        sleep_until_ns(end_ns)
        usage = cpu.stop()
        if spy is not None:
            spy.wait(30)
        return usage

    def measure_servers(
        self, target: Target, start_ns: int, end_ns: int, name: str
    ) -> dict[str, Any]:
        """Sleep through the measured window; the CPU of every server process in it (their
        sum, and each, first process first), and PostgreSQL's (its postmaster and backends,
        when it runs on this machine; else None)."""
        meters = [CpuMeter(pid) for pid in target.pids[1:]]
        postgres = postgres_root(target.database_url)
        pg_meter = TreeCpuMeter(postgres) if postgres is not None else None
        sleep_until_ns(start_ns)
        for meter in meters:
            meter.start()
        if pg_meter is not None:
            pg_meter.start()
        lock_before = lock_histogram(target)
        first = self.measure(target.pid, start_ns, end_ns, name)
        by_process = [first, *(meter.stop() for meter in meters)]
        return {
            "server_cpu": sum(by_process),
            "server_cpu_by_process": [round(cpu, 3) for cpu in by_process],
            "postgres_cpu": pg_meter.stop() if pg_meter is not None else None,
            **lock_figures(lock_before, lock_histogram(target), (end_ns - start_ns) / 1e9),
        }

    def start(self, kind: str, spec: SeedSpec) -> Target:
        if kind == SPORTELLO:
            return start_sportello(
                spec, self.server_cpus, self.database_url, self.settings, self.processes
            )
        target = start_relay(self.server_cpus)
        target.seeded = relay_seed(spec)
        return target


LOCK_METRIC = "sportello_stream_lock_held_seconds"
"""The servers' histogram of how long write transactions hold the stream lock (/metrics)."""


def lock_histogram(target: Target) -> dict[str, float] | None:
    """The lock histogram summed over the target's processes: cumulative count per upper
    bound ("+Inf" included) and "sum" (seconds); None when the servers do not export it
    (SQLite, the relay, or a server without the metric)."""
    if target.kind != SPORTELLO or not target.database_url.startswith("postgresql"):
        return None
    import httpx

    total: dict[str, float] = {}
    ports = [target.port, *(port for port, _p in target.others)]
    for port in ports:
        response = httpx.get(
            f"http://127.0.0.1:{port}/metrics",
            headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
            timeout=10,
        )
        if response.status_code != 200:
            return None
        for line in response.text.splitlines():
            if line.startswith(f'{LOCK_METRIC}_bucket{{le="'):
                bound = line.split('"')[1]
                total[bound] = total.get(bound, 0.0) + float(line.split()[-1])
            elif line.startswith(f"{LOCK_METRIC}_sum "):
                total["sum"] = total.get("sum", 0.0) + float(line.split()[-1])
    return total or None


def lock_figures(
    before: dict[str, float] | None, after: dict[str, float] | None, seconds: float
) -> dict[str, Any]:
    """The window's lock-hold p50/p99 (the upper bound of the histogram bucket each falls
    in, ms) and the share of the window the lock was held; None without the metric."""
    none = {"stream_lock_p50_ms": None, "stream_lock_p99_ms": None, "stream_lock_busy": None}
    if before is None or after is None:
        return none
    delta = {key: after[key] - before.get(key, 0.0) for key in after}
    bounds = sorted((float(b), n) for b, n in delta.items() if b != "sum")
    count = delta.get("+Inf", 0.0)
    if not count:
        return none

    def quantile(q: float) -> float:
        return next(bound for bound, n in bounds if n >= q * count) * 1000

    return {
        "stream_lock_p50_ms": quantile(0.5),
        "stream_lock_p99_ms": quantile(0.99),
        "stream_lock_busy": delta.get("sum", 0.0) / seconds if seconds > 0 else None,
    }


def postgres_root(database_url: str) -> int | None:
    """The postmaster serving ``database_url`` when it runs on this machine (the parent of
    this connection's backend), else None (SQLite, or a server elsewhere)."""
    if not database_url.startswith("postgresql"):
        return None
    import asyncio

    import asyncpg

    dsn = "postgresql" + database_url[database_url.index(":") :]

    async def postmaster() -> int | None:
        conn = await asyncpg.connect(dsn)
        try:
            # Read while connected: the backend exits with the connection.
            return parent_pid(int(await conn.fetchval("SELECT pg_backend_pid()")))
        except OSError:
            return None
        finally:
            await conn.close()

    return asyncio.run(postmaster())


def relay_seed(spec: SeedSpec) -> Seeded:
    """The relay keeps no accounts: the same shapes, made up on the client side."""
    out = Seeded(service_ids=list(range(1, spec.services + 1)))
    for i in range(spec.agents):
        login = f"bench{i:04d}"
        out.agents.append(
            {"login": login, "password": "-", "id": i + 1, "service_id": (i % spec.services) + 1}
        )
    out.contact_ids = list(range(1, spec.idle_contacts + 1))
    out.visitor_tokens = [str(i) for i in out.contact_ids]
    return out


def split(items: Sequence[T], parts: int) -> list[list[T]]:
    """Round-robin split: item i goes to part i % parts."""
    return [list(items[i::parts]) for i in range(parts)]


def sleep_until_ns(deadline_ns: int) -> None:
    remaining = (deadline_ns - time.monotonic_ns()) / 1e9
    if remaining > 0:
        time.sleep(remaining)


def ratio(value: Any, baseline: Any) -> float | None:
    """value / baseline, or None when either is missing or the baseline is zero."""
    try:
        v, b = float(value), float(baseline)
    except (TypeError, ValueError):
        return None
    if b == 0 or v != v or b != b:
        return None
    return v / b
