"""`sportello serve --workers 2`: two full nodes on one port, drained together on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import httpx
from sqlalchemy import select

from sportello.storage.database import Database
from sportello.storage.tables import nodes as nodes_table
from tests.scaleout.conftest import SHARED_SECRET, fresh_database
from tests.support.clients import AgentClient, VisitorClient
from tests.support.postgres import ThrowawayPostgres
from tests.support.redis import ThrowawayRedis
from tests.support.seed import seed_async
from tests.support.server import ServerProcess


async def answers(url: str, status: int, count: int) -> set[str]:
    """The node ids answering ``/health/ready`` with ``status``, each request on a new
    connection (the kernel hands each to whichever worker accepts it first), until
    ``count`` distinct ones answered."""
    seen: set[str] = set()
    while len(seen) < count:
        async with httpx.AsyncClient(base_url=url) as http:
            response = await http.get("/health/ready")
        if response.status_code == status:
            seen.add(response.json()["node_id"])
        else:
            await asyncio.sleep(0.05)  # a worker still starting
    return seen


async def test_two_workers_serve_one_port_and_drain_on_sigterm(
    postgres: ThrowawayPostgres, redis: ThrowawayRedis, tmp_path: Path
) -> None:
    url = fresh_database(postgres, "workers")
    seeded = await seed_async(url)
    server = ServerProcess(
        url,
        data_dir=tmp_path,
        redis_url=redis.url,
        workers=2,
        env={**SHARED_SECRET, "SPORTELLO_DRAIN_SECONDS": "600"},
    )
    server.start()
    try:
        assert server.process is not None
        nodes = await asyncio.wait_for(answers(server.url, 200, 2), 60)
        assert len(nodes) == 2  # two full nodes, each with its own id and heartbeat row
        db = Database(url)
        try:
            async with db.read() as conn:
                beating = set((await conn.execute(select(nodes_table.c.id))).scalars())
        finally:
            await db.dispose()
        assert beating == nodes

        agent = await AgentClient(
            server.url, server.ws_url, "ann", seeded.passwords["ann"]
        ).sign_in()
        console = await agent.open_console()
        visitor = VisitorClient(server.url, server.ws_url)
        await visitor.request(seeded.services["Sales"]["id"])
        assert (await agent.accept(visitor.contact_id)).status_code == 200
        widget = await visitor.open_widget()
        await widget.send(
            {
                "type": "message.send",
                "contact_id": visitor.contact_id,
                "client_msg_id": "w1",
                "text": "hello",
            }
        )
        got = await console.wait_event("message.created", timeout=15)
        assert got["data"]["message"]["text"] == "hello"

        server.process.send_signal(signal.SIGTERM)
        # Both workers turn unready at once and keep serving through the drain.
        assert await asyncio.wait_for(answers(server.url, 503, 2), 60) == nodes
        await console.drain()  # the console's socket is still served

        server.process.send_signal(signal.SIGTERM)  # again: skip the rest of the drain
        assert await asyncio.to_thread(server.process.wait, 60) == 0  # every worker exited 0
        await asyncio.wait_for(console.ws.wait_closed(), 15)
        assert console.ws.close_code == 1012  # closed by a stopping server, not dropped
        for client in (agent, visitor):
            await client.aclose()
    finally:
        server.stop()
