"""``python -m bench.supervision``: the supervisor's live view on a busy day.

Writes N ended contacts with transcripts over the last day (bench/history.py), starts the
server, then times what the supervision page costs: the view's snapshot
(``GET /api/supervision``, which counts today's figures from the stored contacts), and how
long a new request takes to show in a view frame on ``/ws/supervision``. Medians.
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


async def _view_latency(ws_url: str, http_url: str, token: str, service_id: int, n: int) -> float:
    """Milliseconds from a visitor's request to the view frame that counts it."""
    took = []
    async with websockets.connect(
        f"{ws_url}/ws/supervision",
        additional_headers={"Cookie": f"sportello_session={token}", "Origin": http_url},
        compression=None,
        max_size=None,
    ) as ws:
        hello = orjson.loads(await ws.recv())
        requests = int(hello["view"]["today"]["requests"])
        async with httpx.AsyncClient(base_url=http_url) as http:
            for _ in range(n):
                started = time.perf_counter()
                created = await http.post(
                    "/api/visitor/contacts",
                    json={"service_id": service_id, "visitor_id": uuid.uuid4().hex, "name": "B"},
                )
                created.raise_for_status()
                requests += 1
                while True:
                    frame = orjson.loads(await ws.recv())
                    if frame["type"] == "view" and frame["view"]["today"]["requests"] >= requests:
                        break
                took.append((time.perf_counter() - started) * 1000)
    return statistics.median(took)


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m bench.supervision", description=__doc__)
    p.add_argument("--contacts", type=int, default=20_000, help="contacts over the last day")
    p.add_argument("--database-url", help="a PostgreSQL server (default: SQLite in a temp dir)")
    p.add_argument("--repeats", type=int, default=5)
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
            view = http.get("/api/supervision").json()
            figures: dict[str, Any] = {
                "today_requests": view["today"]["requests"],
                "snapshot_ms": _timed(http, "/api/supervision", {}, args.repeats),
            }
        figures["view_frame_latency_ms"] = asyncio.run(
            _view_latency(target.ws, target.http, token, target.seeded.service_ids[0], args.repeats)
        )
    finally:
        target.stop()
    result = {
        "command": "python -m bench.supervision " + " ".join(sys.argv[1:]),
        "database": "postgresql" if args.database_url else "sqlite",
        "contacts": args.contacts,
        "messages": written,
        **figures,
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
