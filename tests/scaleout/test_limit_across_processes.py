"""The chat limit holds when one agent's accepts reach two processes at once (issue 20
item 3): each accept re-counts the agent's load inside its transaction, under the agent's
row lock, so two processes never both see the last free place."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.scaleout.conftest import fresh_database, start_nodes
from tests.support.clients import AgentClient, VisitorClient
from tests.support.postgres import ThrowawayPostgres
from tests.support.redis import ThrowawayRedis
from tests.support.seed import DEFAULT_SERVICES, AgentSpec, seed_async

ROUNDS = 4


async def test_accepts_through_two_processes_hold_the_limit(
    postgres: ThrowawayPostgres, redis: ThrowawayRedis, tmp_path: Path
) -> None:
    url = fresh_database(postgres, "limit")
    agents = (AgentSpec("lim", ("sales",), chat_limit=2), AgentSpec("bob", ("sales",)))
    seeded = await seed_async(url, agents, DEFAULT_SERVICES)
    a, b = start_nodes(url, redis, tmp_path, 2, {})
    clients: list[AgentClient | VisitorClient] = []
    try:
        lim_a = await AgentClient(a.url, a.ws_url, "lim", seeded.passwords["lim"]).sign_in()
        lim_b = await AgentClient(b.url, b.ws_url, "lim", seeded.passwords["lim"]).sign_in()
        bob = await AgentClient(a.url, a.ws_url, "bob", seeded.passwords["bob"]).sign_in()
        clients += [lim_a, lim_b, bob]
        consoles = [await lim_a.open_console(), await bob.open_console()]
        for _ in range(ROUNDS):
            visitors = [VisitorClient(n.url, n.ws_url) for n in (a, b, a, b)]
            clients += visitors
            for visitor in visitors:
                await visitor.request(seeded.services["Sales"]["id"])
                for console in consoles:
                    await console.wait_event("contact.offered", contact_id=visitor.contact_id)
            responses = await asyncio.gather(
                *(
                    (lim_a if i % 2 == 0 else lim_b).accept(v.contact_id)
                    for i, v in enumerate(visitors)
                )
            )
            outcomes = sorted(
                (r.status_code, None if r.status_code == 200 else r.json()["code"])
                for r in responses
            )
            assert outcomes == [(200, None), (200, None), (409, "at_limit"), (409, "at_limit")]
            for visitor, response in zip(visitors, responses, strict=True):
                if response.status_code == 200:
                    closed = await lim_a.post(f"/api/contacts/{visitor.contact_id}/close")
                    assert closed.status_code == 200
                else:
                    await visitor.http.post("/api/visitor/contact/leave")
    finally:
        for client in clients:
            await client.aclose()
        for node in (a, b):
            node.stop()
