"""The rate limiter's cost per take: in memory, and shared in Redis (EVALSHA), batched or not.

``python -m bench.rate_limits`` starts a throwaway ``redis-server`` (or uses ``--redis-url``)
and times the chat path's take (two buckets: per contact and per IP) sequentially and with
many takes in flight, printing wall time and this process's CPU per take, plus Redis's CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from functools import partial

import uvloop

from sportello.security.rate_limits import Buckets, LocalBuckets, RateLimits
from sportello.security.shared_buckets import SharedBuckets

ROOMY = 10**9
"""Limits no run reaches: every take is measured doing its whole work, never refused."""


def limits(buckets: Buckets) -> RateLimits:
    return RateLimits(
        buckets,
        contacts_per_minute=ROOMY,
        left_messages_per_minute=ROOMY,
        messages_per_minute=ROOMY,
        ip_messages_per_minute=ROOMY,
        call_signals_per_minute=ROOMY,
    )


@contextmanager
def throwaway_redis() -> Iterator[tuple[str, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    folder = tempfile.mkdtemp(prefix="bench-redis-")
    binary = shutil.which("redis-server") or "redis-server"
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", folder]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0", process.pid
    finally:
        process.kill()
        process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def take_one(limiter: RateLimits, i: int) -> None:
    """One chat message's take: the visitor's bucket (a thousand visitors) and the IP's."""
    await limiter.visitor_message(i % 1000, "10.0.0.1", time.time())


async def measure(
    name: str, take: Callable[[int], Awaitable[None]], n: int, in_flight: int, redis_pid: int
) -> None:
    """``n`` takes, ``in_flight`` at a time; one line of figures."""
    counter = iter(range(n))

    async def worker() -> None:
        for i in counter:
            await take(i)

    redis_cpu = cpu_seconds(redis_pid) if redis_pid else 0.0
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    redis_cpu = cpu_seconds(redis_pid) - redis_cpu if redis_pid else 0.0
    print(
        f"{name:<34} {in_flight:>9} {n / wall:>12,.0f} {wall / n * 1e6:>10.1f} "
        f"{cpu / n * 1e6:>12.1f} {redis_cpu / n * 1e6:>11.1f}"
    )


async def run(url: str, redis_pid: int, n: int, in_flight: list[int]) -> None:
    local = limits(LocalBuckets())
    shared = {
        "Redis, batched (as served)": limits(SharedBuckets(url)),
        "Redis, one round trip per take": limits(SharedBuckets(url, max_batch=1)),
    }
    print(
        f"{'limiter (chat path: 2 buckets)':<34} {'in flight':>9} {'takes/s':>12} "
        f"{'wall µs':>10} {'our CPU µs':>12} {'Redis CPU µs':>11}"
    )
    for concurrency in in_flight:
        await measure(
            "memory",
            lambda i: local.visitor_message(i % 1000, "10.0.0.1", time.time()),
            n,
            concurrency,
            0,
        )
    for name, limiter in shared.items():
        await limiter.visitor_message(0, "10.0.0.1", time.time())  # loads the script
        for concurrency in in_flight:
            await measure(name, partial(take_one, limiter), n, concurrency, redis_pid)
        await limiter.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.rate_limits", description=__doc__)
    parser.add_argument("--redis-url", help="an existing Redis (default: start one)")
    parser.add_argument("--takes", type=int, default=20_000)
    parser.add_argument("--in-flight", type=int, nargs="+", default=[1, 50])
    args = parser.parse_args()
    if args.redis_url:
        uvloop.run(run(args.redis_url, 0, args.takes, args.in_flight))
        return
    with throwaway_redis() as (url, pid):
        uvloop.run(run(url, pid, args.takes, args.in_flight))


if __name__ == "__main__":
    main()
