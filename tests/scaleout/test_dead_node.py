"""A process killed with SIGKILL never closes its visitors' sockets: another process
notices its heartbeat stop and starts their disconnect grace, once; a visitor whose widget
reconnects to a surviving process in time keeps the contact."""

from __future__ import annotations

from pathlib import Path

from tests.scaleout.conftest import fresh_database, start_nodes, visitor_on
from tests.support.clients import AgentClient, VisitorClient
from tests.support.postgres import ThrowawayPostgres
from tests.support.redis import ThrowawayRedis
from tests.support.seed import seed_async

SHORT = {"SPORTELLO_NODE_DEAD_SECONDS": "3", "SPORTELLO_VISITOR_GRACE_SECONDS": "10"}


async def test_a_killed_process_visitors_start_their_grace_on_another(
    postgres: ThrowawayPostgres, redis: ThrowawayRedis, tmp_path: Path
) -> None:
    url = fresh_database(postgres, "deadnode")
    seeded = await seed_async(url)
    a, b, c = start_nodes(url, redis, tmp_path, 3, SHORT)
    clients: list[VisitorClient | AgentClient] = []
    try:
        agent = await AgentClient(b.url, b.ws_url, "ann", seeded.passwords["ann"]).sign_in()
        clients.append(agent)
        console = await agent.open_console()
        gone, back = VisitorClient(a.url, a.ws_url), VisitorClient(a.url, a.ws_url)
        widgets = []
        for visitor in (gone, back):
            clients.append(visitor)
            await visitor.request(seeded.services["Sales"]["id"])
            assert (await agent.accept(visitor.contact_id)).status_code == 200
            widgets.append(await visitor.open_widget())

        a.kill()
        for visitor in (gone, back):
            departed = await console.wait_event(
                "visitor.departed", timeout=20, contact_id=visitor.contact_id
            )
            assert departed["data"]["navigating"] is None
            assert departed["data"]["gone_at"] > departed["data"]["left_at"]

        back_on_b = visitor_on(b, back)
        clients.append(back_on_b)
        widget = await back_on_b.open_widget()
        await console.wait_event("visitor.returned", timeout=10, contact_id=back.contact_id)

        closed = await console.wait_event("contact.closed", timeout=25, contact_id=gone.contact_id)
        assert closed["data"]["closed_by"] == "visitor_gone"
        # Both graces ran out together; only the one that came back was called off.
        assert (await back_on_b.http.get("/api/visitor/contact")).json()["state"] == "assigned"
        assert not [f for f in console.events("contact.closed") if f is not closed]
        # B and C both watch A's heartbeat; each grace started once.
        departures = [f["contact_id"] for f in console.events("visitor.departed")]
        assert sorted(departures) == sorted([gone.contact_id, back.contact_id])
        await widget.close()
        for stream in (*widgets, console):
            await stream.close()
    finally:
        for client in clients:
            await client.aclose()
        for node in (a, b, c):
            node.stop()
