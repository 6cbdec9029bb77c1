"""A process that starts while Redis is down starts anyway: chat still flows between
processes (the poll timers carry the wake-ups), and once Redis is back the process
subscribes by itself, so signals only Redis carries (typing) cross processes again."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from tests.scaleout.conftest import SHARED_SECRET, fresh_database, start_nodes
from tests.support.clients import AgentClient, VisitorClient
from tests.support.postgres import ThrowawayPostgres
from tests.support.redis import ThrowawayRedis
from tests.support.seed import seed_async
from tests.support.server import ServerProcess


def typing_seen(frame: dict[str, Any]) -> bool:
    return frame["type"] == "signal" and frame.get("kind") == "typing"


async def test_a_process_started_during_a_redis_outage_serves_and_then_subscribes(
    postgres: ThrowawayPostgres, redis: ThrowawayRedis, tmp_path: Path
) -> None:
    url = fresh_database(postgres, "redisdown")
    seeded = await seed_async(url)
    (a,) = start_nodes(url, redis, tmp_path, 1, {})
    redis.kill()
    b = ServerProcess(url, data_dir=tmp_path, redis_url=redis.url, env=SHARED_SECRET)
    try:
        b.start()  # refused to start before: it subscribed to Redis on the way up
        agent = await AgentClient(a.url, a.ws_url, "ann", seeded.passwords["ann"]).sign_in()
        console = await agent.open_console()
        visitor = VisitorClient(b.url, b.ws_url)
        await visitor.request(seeded.services["Sales"]["id"])
        assert (await agent.accept(visitor.contact_id)).status_code == 200
        widget = await visitor.open_widget()
        said = await visitor.say("sent through B while Redis is down")
        assert said.status_code in (200, 201), said.text
        await console.wait_event("message.created", timeout=15, contact_id=visitor.contact_id)

        redis.start()
        async with asyncio.timeout(20):
            while True:
                frame = {"type": "typing", "contact_id": visitor.contact_id, "active": True}
                await widget.send(frame)
                with contextlib.suppress(TimeoutError):
                    await console.wait_for(typing_seen, timeout=0.5)
                    break
        await widget.close()
        await console.close()
        await agent.aclose()
        await visitor.aclose()
    finally:
        b.stop()
        a.stop()
