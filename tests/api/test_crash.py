"""A real server process killed with SIGKILL while messages flow, then restarted:
no acknowledged message and no event is lost, and nothing is duplicated."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx
import pytest

from tests.support.clients import AgentClient, VisitorClient
from tests.support.postgres import ThrowawayPostgres
from tests.support.seed import seed_async
from tests.support.server import ServerProcess

TOTAL = 60
KILL_AFTER = 25


@pytest.fixture(params=["sqlite", "postgres"])
def crash_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'crash.sqlite3'}"
    pg: ThrowawayPostgres = request.getfixturevalue("postgres")
    name = f"crash{os.getpid()}"
    pg.psql(f"DROP DATABASE IF EXISTS {name}")
    pg.psql(f"CREATE DATABASE {name}")
    return pg.url(name)


async def send_until_acked(visitor: VisitorClient, i: int) -> int:
    """Retry with the same client id until the server answers; returns the message id."""
    for _ in range(200):
        try:
            response = await visitor.say(f"message {i}", client_msg_id=f"c{i}")
        except httpx.TransportError:
            await asyncio.sleep(0.1)
            continue
        assert response.status_code in (200, 201), response.text
        return int(response.json()["id"])
    raise AssertionError(f"message {i} never acknowledged")


async def test_sigkill_mid_stream_loses_nothing(crash_db: str, tmp_path: Path) -> None:
    seeded = await seed_async(crash_db)
    server = ServerProcess(crash_db, data_dir=tmp_path)
    server.start()
    try:
        agent = await AgentClient(
            server.url, server.ws_url, "ann", seeded.passwords["ann"]
        ).sign_in()
        console = await agent.open_console()
        visitor = VisitorClient(server.url, server.ws_url)
        await visitor.request(seeded.services["Sales"]["id"])
        assert (await agent.accept(visitor.contact_id)).status_code == 200

        acked: dict[int, int] = {}
        sender_done = asyncio.Event()
        kill_point = asyncio.Event()

        async def sender() -> None:
            for i in range(TOTAL):
                acked[i] = await send_until_acked(visitor, i)
                if len(acked) == KILL_AFTER:
                    kill_point.set()
            sender_done.set()

        task = asyncio.create_task(sender())
        await asyncio.wait_for(kill_point.wait(), 30)
        server.kill()
        await console._task  # the stream ends with the process
        before = list(console.frames)
        position = console.position
        server.start()
        resumed = await agent.open_console(since=position, session_id=agent.session_id)
        await asyncio.wait_for(sender_done.wait(), 60)
        await task

        async def all_seen() -> bool:
            seen = {
                f["data"]["message"]["id"]
                for f in before + resumed.frames
                if f.get("kind") == "message.created"
            }
            return seen >= set(acked.values())

        for _ in range(100):
            if await all_seen():
                break
            await asyncio.sleep(0.05)

        detail = (await agent.http.get(f"/api/contacts/{visitor.contact_id}")).json()
        stored = [m["text"] for m in detail["messages"]]
        assert stored == [f"message {i}" for i in range(TOTAL)]  # each once, in order
        assert {m["id"] for m in detail["messages"]} == set(acked.values())

        events = [f for f in before + resumed.frames if f["type"] == "event"]
        positions = [f["position"] for f in events]
        assert positions == sorted(set(positions)), "an event was duplicated or reordered"
        delivered = [f["data"]["message"]["id"] for f in events if f["kind"] == "message.created"]
        assert sorted(delivered) == sorted(acked.values()), "an event was lost or duplicated"
        await resumed.close()
        await agent.aclose()
        await visitor.aclose()
    finally:
        server.stop()
