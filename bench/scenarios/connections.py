"""Scenario 1 — connections: N idle visitor widgets plus M agent consoles.

Reports the server's RSS before and after, memory per connection, and the connect rate
(WebSocket handshake plus the server's ``hello`` frame, with a bounded number in flight).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from bench.pool import Link, Pool
from bench.scenarios.common import Bench, split
from bench.seed import SeedSpec
from bench.stats import summarise_ns
from bench.system import rss_bytes
from bench.wire import Api, Socket, bounded, now_ns, open_console, open_widget


@dataclass(frozen=True)
class Params:
    visitors: int = 10_000
    consoles: int = 100
    in_flight: int = 100
    """Handshakes in flight per client worker."""


def run(bench: Bench, kind: str, p: Params) -> dict[str, Any]:
    agents = max(1, min(p.consoles, 20))
    target = bench.start(kind, SeedSpec(agents=agents, idle_contacts=p.visitors))
    try:
        seeded = target.seeded
        consoles = [seeded.agents[i % agents] for i in range(p.consoles)]
        pool = Pool(
            worker,
            [
                {
                    "target": target.client_view(),
                    "consoles": c,
                    "tokens": t,
                    "in_flight": p.in_flight,
                }
                for c, t in zip(
                    split(consoles, bench.workers),
                    split(seeded.visitor_tokens, bench.workers),
                    strict=True,
                )
            ],
            bench.client_cpus,
        )
        try:
            pool.gather("signed_in", 120)
            time.sleep(0.5)
            rss_before = rss_bytes(target.pid)
            spy = bench.profile(target.pid, None, f"connections-{kind}")
            pool.broadcast("connect")
            results = pool.gather("connected", 300)
            bench.stop_profile(spy)
            time.sleep(1.0)
            rss_after = rss_bytes(target.pid)
            pool.broadcast("close")
            pool.gather("done", 120)
        finally:
            pool.close()
    finally:
        target.stop()
    connected = sum(r["connected"] for r in results)
    failed = sum(r["failed"] for r in results)
    elapsed = (max(r["end_ns"] for r in results) - min(r["start_ns"] for r in results)) / 1e9
    latency = summarise_ns([x for r in results for x in r["latencies_ns"]])
    return {
        "visitors": p.visitors,
        "consoles": p.consoles,
        "connected": connected,
        "failed": failed,
        "rss_before_mb": rss_before / 2**20,
        "rss_after_mb": rss_after / 2**20,
        "kb_per_connection": (rss_after - rss_before) / 1024 / max(connected, 1),
        "connect_seconds": elapsed,
        "connects_per_s": connected / elapsed if elapsed > 0 else 0.0,
        "connect_p50_ms": latency["p50_ms"],
        "connect_p99_ms": latency["p99_ms"],
    }


async def worker(link: Link, params: dict[str, Any]) -> None:
    target = params["target"]
    api = Api(target)
    agents = [
        await api.sign_in(a["login"], a["password"], a["service_id"]) for a in params["consoles"]
    ]
    link.send("signed_in")
    await link.wait_for("connect")
    latencies: list[int] = []
    sockets: list[Socket] = []
    failed = 0

    def timed(open_one: Any) -> Any:
        async def job() -> None:
            nonlocal failed
            t0 = now_ns()
            try:
                sockets.append(await open_one())
            except (OSError, ConnectionError, TimeoutError) as exc:
                failed += 1
                if failed <= 3:
                    print(f"connect failed: {exc!r}", flush=True)
                return
            latencies.append(now_ns() - t0)

        return job

    start = now_ns()
    await bounded(
        params["in_flight"],
        [timed(lambda a=a: open_console(target, a)) for a in agents]
        + [timed(lambda t=t: open_widget(target, t)) for t in params["tokens"]],
    )
    end = now_ns()
    link.send(
        "connected",
        {
            "connected": len(sockets),
            "failed": failed,
            "start_ns": start,
            "end_ns": end,
            "latencies_ns": latencies,
        },
    )
    await link.wait_for("close")
    await bounded(200, [s.close for s in sockets])
    await api.aclose()
    link.send("done")
