"""``python -m bench.reports``: the reports' speed on a large history.

Seeds services and agents, writes N ended contacts over a year with their transcripts
(bench/history.py), starts the server, then times what a supervisor does: the list's first
page, a filtered page deep in the history, a transcript search, a month's overview, and the
month's CSV export. Each figure is the median of several calls.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from typing import Any

import httpx

from bench.history import RARE, write_history
from bench.launch import start_sportello
from bench.seed import SeedSpec
from sportello.actions.agent_accounts import do_create_agent
from sportello.actions.context import Ctx
from sportello.actions.search_index import do_index_new_messages
from sportello.config import Settings
from sportello.domain.model import Role
from sportello.storage.database import Database

DAY = 86_400.0
ADMIN = ("reports-admin", "reports-admin-password")


async def _settle(url: str) -> int:
    """What a live database would have done by itself after a bulk load: SQLite's transcript
    index filled (the server's scheduler does it batch by batch), PostgreSQL's tables
    vacuumed and analysed (autovacuum), so plans and index-only scans are the real ones."""
    db = Database(url)
    try:
        if not db.is_sqlite:
            async with db.engine.connect() as conn:
                autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await autocommit.exec_driver_sql("VACUUM ANALYZE")
        ctx = Ctx(settings=Settings(database_url=url, secret_key="x"), db=db)
        return await do_index_new_messages(ctx)
    finally:
        await db.dispose()


async def _admin(url: str) -> None:
    db = Database(url)
    try:
        ctx = Ctx(settings=Settings(database_url=url, secret_key="x"), db=db)
        await do_create_agent(
            ctx, login=ADMIN[0], password=ADMIN[1], display_name="Reports", role=Role.ADMIN
        )
    finally:
        await db.dispose()


def sign_in_admin(http: httpx.Client) -> str:
    """Sign the bench's admin in on ``http`` (bearer token); the token, for WebSockets."""
    token: str = http.post(
        "/api/auth/login", json={"login": ADMIN[0], "password": ADMIN[1]}
    ).json()["token"]
    http.headers["Authorization"] = f"Bearer {token}"
    return token


def _timed(http: httpx.Client, path: str, params: dict[str, Any], repeats: int) -> float:
    took = []
    for _ in range(repeats):
        started = time.perf_counter()
        answer = http.get(path, params=params)
        answer.raise_for_status()
        took.append((time.perf_counter() - started) * 1000)
    return statistics.median(took)


def measure(http: httpx.Client, now: float, service_id: int, repeats: int) -> dict[str, Any]:
    month = {"since": now - 300 * DAY, "until": now - 270 * DAY}
    out: dict[str, Any] = {
        "first_page_ms": _timed(http, "/api/reports/contacts", {"limit": 50}, repeats),
    }
    deep: dict[str, Any] = {**month, "service_id": service_id, "outcome": "successful", "limit": 50}
    cursor = None
    for _ in range(20):  # walk 20 pages into the filtered month
        page = http.get(
            "/api/reports/contacts", params={**deep, **({"cursor": cursor} if cursor else {})}
        )
        cursor = page.json()["next_cursor"]
    out["filtered_page_20_ms"] = _timed(
        http, "/api/reports/contacts", {**deep, **({"cursor": cursor} if cursor else {})}, repeats
    )
    out["text_search_ms"] = _timed(http, "/api/reports/contacts", {"q": RARE}, repeats)
    out["text_search_hits"] = len(
        http.get("/api/reports/contacts", params={"q": RARE, "limit": 200}).json()["items"]
    )
    out["overview_month_ms"] = _timed(http, "/api/reports/overview", month, repeats)
    started = time.perf_counter()
    rows = 0
    with http.stream("GET", "/api/reports/contacts.csv", params=month) as answer:
        for _line in answer.iter_lines():
            rows += 1
    seconds = time.perf_counter() - started
    out["csv_month_rows"] = rows - 1
    out["csv_rows_per_s"] = (rows - 1) / seconds
    return out


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__)
    p.add_argument("--contacts", type=int, default=1_000_000)
    p.add_argument("--database-url", help="a PostgreSQL server (default: SQLite in a temp dir)")
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()
    target = start_sportello(SeedSpec(services=4, agents=40), None, args.database_url, {})
    try:
        now = time.time()
        asyncio.run(_admin(target.database_url))
        started = time.monotonic()
        written = asyncio.run(
            write_history(target.database_url, target.seeded.agents, args.contacts, now)
        )
        print(
            f"wrote {args.contacts:,} contacts and {written:,} messages "
            f"in {time.monotonic() - started:.0f} s",
            file=sys.stderr,
        )
        started = time.monotonic()
        indexed = asyncio.run(_settle(target.database_url))
        print(
            f"indexed {indexed:,} messages, vacuumed in {time.monotonic() - started:.0f} s",
            file=sys.stderr,
        )
        with httpx.Client(base_url=target.http, timeout=600) as http:
            sign_in_admin(http)
            figures = measure(http, now, target.seeded.service_ids[0], args.repeats)
    finally:
        target.stop()
    result = {
        "command": "python -m bench.reports " + " ".join(sys.argv[1:]),
        "database": "postgresql" if args.database_url else "sqlite",
        "contacts": args.contacts,
        "messages": written,
        **figures,
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
