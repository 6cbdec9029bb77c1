"""``python -m bench.supervision``: the supervisor's live view on a busy day.

Writes N ended contacts with transcripts over the last day (bench/history.py), starts the
server, then times what the supervision page costs: the view's snapshot
(``GET /api/supervision``, which counts today's figures from the stored contacts), how long
a new request takes to show in a view frame on every one of ``--supervisors`` sockets
(``/ws/supervision``), and the server's CPU per such change. Medians.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from typing import Any

import httpx
import orjson
import websockets

from bench.history import write_history
from bench.launch import start_sportello
from bench.reports import _admin, _timed, sign_in_admin
from bench.seed import SeedSpec
from bench.system import cpu_seconds


async def _view_latency(
    ws_url: str,
    http_url: str,
    token: str,
    service_id: int,
    n: int,
    supervisors: int,
    pid: int,
    offset: int,
) -> dict[str, float]:
    """From a visitor's request to the view frame that counts it on every supervisor socket
    (milliseconds, median over ``n`` requests), and the server's CPU per request."""
    sockets = [
        await websockets.connect(
            f"{ws_url}/ws/supervision?utc_offset_minutes={offset}",
            additional_headers={"Cookie": f"sportello_session={token}", "Origin": http_url},
            compression=None,
            max_size=None,
        )
        for _ in range(supervisors)
    ]

    async def counted(ws: Any, requests: int) -> None:
        while True:
            frame = orjson.loads(await ws.recv())
            if frame["type"] == "view" and frame["view"]["today"]["requests"] >= requests:
                return

    try:
        hellos = [orjson.loads(await ws.recv()) for ws in sockets]
        requests = int(hellos[0]["view"]["today"]["requests"])
        took = []
        cpu_before = cpu_seconds(pid)
        async with httpx.AsyncClient(base_url=http_url) as http:
            for _ in range(n):
                started = time.perf_counter()
                created = await http.post(
                    "/api/visitor/contacts",
                    json={"service_id": service_id, "visitor_id": uuid.uuid4().hex, "name": "B"},
                )
                created.raise_for_status()
                requests += 1
                await asyncio.gather(*(counted(ws, requests) for ws in sockets))
                took.append((time.perf_counter() - started) * 1000)
        cpu_ms = (cpu_seconds(pid) - cpu_before) * 1000 / n
    finally:
        for ws in sockets:
            await ws.close()
    return {"view_frame_latency_ms": statistics.median(took), "server_cpu_ms_per_change": cpu_ms}


def late_evening_offset(now: float) -> int:
    """The readers' UTC offset (minutes) that makes it 23:00 for them now, so their "today"
    covers most of the day written (at 00:30 UTC a UTC "today" would hold half an hour)."""
    minutes = (23 * 3600 - now % 86_400) // 60
    return int((minutes + 720) % 1440 - 720)


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m bench.supervision", description=__doc__)
    p.add_argument("--contacts", type=int, default=20_000, help="contacts over the last day")
    p.add_argument("--database-url", help="a PostgreSQL server (default: SQLite in a temp dir)")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument(
        "--supervisors", type=int, default=1, help="supervision sockets watching at once"
    )
    args = p.parse_args()
    target = start_sportello(SeedSpec(services=4, agents=40), None, args.database_url, {})
    try:
        now = time.time()
        asyncio.run(_admin(target.database_url))
        written = asyncio.run(
            write_history(target.database_url, target.seeded.agents, args.contacts, now, days=1)
        )
        with httpx.Client(base_url=target.http, timeout=600) as http:
            token = sign_in_admin(http)
            offset = late_evening_offset(now)
            at_23h = {"utc_offset_minutes": offset}
            view = http.get("/api/supervision", params=at_23h).json()
            figures: dict[str, Any] = {
                "today_requests": view["today"]["requests"],
                "snapshot_ms": _timed(http, "/api/supervision", at_23h, args.repeats),
            }
        figures |= asyncio.run(
            _view_latency(
                target.ws,
                target.http,
                token,
                target.seeded.service_ids[0],
                args.repeats,
                args.supervisors,
                target.pid,
                offset,
            )
        )
    finally:
        target.stop()
    result = {
        "command": "python -m bench.supervision " + " ".join(sys.argv[1:]),
        "database": "postgresql" if args.database_url else "sqlite",
        "contacts": args.contacts,
        "supervisors": args.supervisors,
        "messages": written,
        **figures,
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
