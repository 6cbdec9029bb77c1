"""A real server process killed with SIGKILL while it delivers a burst of events to a
webhook, then restarted: every acknowledged message reaches the receiver, in order; what
it may get twice carries the same delivery id (the cursor moves only after a 2xx)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from tests.api.test_crash import send_until_acked
from tests.support.clients import AgentClient, VisitorClient
from tests.support.postgres import ThrowawayPostgres
from tests.support.receiver import Answer, Received, Receiver, verify
from tests.support.seed import seed_async
from tests.support.server import ServerProcess

TOTAL = 40
KILL_AFTER = 12
ENV = {"SPORTELLO_WEBHOOKS_ALLOW_PRIVATE": "true", "SPORTELLO_WEBHOOKS_POLL_SECONDS": "0.05"}


@pytest.fixture(params=["sqlite", "postgres"])
def hook_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'hooks.sqlite3'}"
    pg: ThrowawayPostgres = request.getfixturevalue("postgres")
    name = f"hooks{os.getpid()}"
    pg.psql(f"DROP DATABASE IF EXISTS {name}")
    pg.psql(f"CREATE DATABASE {name}")
    return pg.url(name)


async def test_sigkill_during_a_burst_loses_and_reorders_no_delivery(
    hook_db: str, tmp_path: Path
) -> None:
    receiver = await Receiver().start()
    holding, killed = asyncio.Event(), asyncio.Event()

    async def answer(_request: Received) -> Answer:
        if len(receiver.accepted()) >= KILL_AFTER // 2 and not killed.is_set():
            holding.set()  # a delivery in flight when the process dies, the rest to go
            await killed.wait()
            return 500, {}
        return 200, {}

    receiver.answer = answer
    seeded = await seed_async(hook_db)
    server = ServerProcess(hook_db, data_dir=tmp_path, env=ENV)
    server.start()
    try:
        agent = await AgentClient(
            server.url, server.ws_url, "ann", seeded.passwords["ann"]
        ).sign_in()
        created = await agent.post(
            "/api/admin/webhooks", {"url": receiver.url, "kinds": ["message.created"]}
        )
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]
        await agent.open_console()
        visitor = VisitorClient(server.url, server.ws_url)
        await visitor.request(seeded.services["Sales"]["id"])
        assert (await agent.accept(visitor.contact_id)).status_code == 200

        acked: dict[int, int] = {}
        for i in range(KILL_AFTER):
            acked[i] = await send_until_acked(visitor, i)
        await asyncio.wait_for(holding.wait(), 30)
        server.kill()
        killed.set()
        server.start()
        for i in range(KILL_AFTER, TOTAL):
            acked[i] = await send_until_acked(visitor, i)

        def delivered_ids() -> set[int]:
            return {r.json["data"]["message"]["id"] for r in receiver.accepted()}

        await receiver.until(lambda: delivered_ids() >= set(acked.values()))

        first_seen: dict[str, bytes] = {}
        for request in receiver.accepted():
            # a second delivery is the same delivery: same id, same body
            assert first_seen.setdefault(request.delivery, request.body) == request.body
        unique = [r for r in receiver.accepted() if first_seen.pop(r.delivery, None) is not None]
        positions = [r.json["position"] for r in unique]
        assert positions == sorted(positions), "a delivery was reordered"
        texts = [r.json["data"]["message"]["text"] for r in unique]
        assert texts == [f"message {i}" for i in range(TOTAL)]
        assert all(
            verify(secret, r.headers["sportello-signature"], r.body) for r in receiver.requests
        )
        await agent.aclose()
        await visitor.aclose()
    finally:
        server.stop()
        await receiver.stop()
