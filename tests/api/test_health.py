"""Liveness and readiness: what a load balancer polls to route to a process or not."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import httpx

from sportello.storage.database import Database
from sportello.storage.migrate import head_revisions, upgrade
from sportello.web.readiness import Readiness
from tests.conftest import World
from tests.support.inproc import serve_app
from tests.support.postgres import free_port


async def test_live_names_the_node_and_ready_lists_every_check(sqlite_world: World) -> None:
    app = sqlite_world.app
    async with httpx.AsyncClient(base_url=app.url) as http:
        live = await http.get("/health/live")
        assert live.status_code == 200
        assert live.json() == {"live": True, "node_id": app.ctx.node_id}
        ready = await http.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json() == {
        "ready": True,
        "node_id": app.ctx.node_id,
        # Tests create the tables directly: there is no revision to compare.
        "checks": {
            "database": "ok",
            "migrations": "not_checked",
            "redis": "off",
            "draining": "ok",
        },
        "failing": [],
    }


async def test_ready_is_503_naming_the_database_when_it_is_unreachable(
    sqlite_world: World,
) -> None:
    app = sqlite_world.app
    working = app.readiness.db
    nowhere = Database(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/gone")
    app.readiness.db = nowhere
    try:
        async with httpx.AsyncClient(base_url=app.url) as http:
            ready = await http.get("/health/ready")
            live = await http.get("/health/live")
    finally:
        app.readiness.db = working
        await nowhere.dispose()
    assert ready.status_code == 503
    body = ready.json()
    assert body["ready"] is False
    assert body["failing"] == ["database"]
    assert body["checks"]["database"] == "unreachable"
    assert live.status_code == 200  # alive: a restart would not bring the database back


async def test_a_graceful_stop_makes_the_node_unready_while_it_still_serves(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with serve_app(sqlite_url, tmp_path, drain_seconds=600) as app:
        app.server.handle_exit(signal.SIGTERM, None)  # what uvicorn runs on SIGTERM
        async with httpx.AsyncClient(base_url=app.url) as http:
            ready = await http.get("/health/ready")
            live = await http.get("/health/live")
            services = await http.get("/api/visitor/services")
        assert ready.status_code == 503
        assert ready.json()["failing"] == ["draining"]
        assert ready.json()["checks"]["draining"] == "draining"
        assert live.status_code == 200
        assert services.status_code == 200  # still serving while the balancer notices
        assert not app.server.should_exit
        app.server.handle_exit(signal.SIGTERM, None)  # a second signal: stop now
        assert app.server.should_exit


async def test_readiness_checks_the_schema_revision_and_redis(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'revisions.sqlite3'}"
    await asyncio.to_thread(upgrade, url, "0020")
    db = Database(url)
    readiness = Readiness(
        db,
        "n1",
        redis_url=f"redis://127.0.0.1:{free_port()}/0",
        head=head_revisions(),
    )
    try:
        behind = await readiness.check()
        await asyncio.to_thread(upgrade, url)
        at_head = await readiness.check()
    finally:
        await readiness.close()
        await db.dispose()
    assert (behind["migrations"], behind["redis"]) == ("behind", "unreachable")
    assert (at_head["database"], at_head["migrations"]) == ("ok", "ok")
