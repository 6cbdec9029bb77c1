"""A process killed with SIGKILL never closes its visitors' sockets: another process
notices its heartbeat stop and starts their disconnect grace, once; a visitor whose widget
reconnects to a surviving process in time keeps the contact. A process that only stalled
takes its still-connected visitors back."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.api.test_calls import call_event, call_frame
from tests.scaleout.conftest import fresh_database, start_nodes, visitor_on
from tests.support.clients import AgentClient, VisitorClient
from tests.support.postgres import ThrowawayPostgres
from tests.support.redis import ThrowawayRedis
from tests.support.seed import DEFAULT_AGENTS, ServiceSpec, seed_async
from tests.support.server import ServerProcess

SHORT = {
    "SPORTELLO_NODE_DEAD_SECONDS": "3",
    "SPORTELLO_VISITOR_GRACE_SECONDS": "10",
    "SPORTELLO_CALL_RECONNECT_SECONDS": "2",
}
SERVICES = (ServiceSpec("Sales", ("sales",), media=("chat", "voice", "video")),)

STUCK_IN_TRANSACTION = text(
    "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' "
    "AND state_change < now() - interval '1 second'"
)


async def stall(node: ServerProcess, url: str) -> None:
    """SIGSTOP, but never inside a transaction: a stopped node holding the stream's lock
    would stop every other node too (a different failure from the one tested here)."""
    assert node.process is not None
    engine = create_async_engine(url)
    try:
        while True:
            os.kill(node.process.pid, signal.SIGSTOP)
            await asyncio.sleep(1.5)
            async with engine.connect() as conn:
                if not await conn.scalar(STUCK_IN_TRANSACTION):
                    return
            os.kill(node.process.pid, signal.SIGCONT)
            await asyncio.sleep(0.1)
    finally:
        await engine.dispose()


async def test_a_killed_process_visitors_start_their_grace_on_another(
    postgres: ThrowawayPostgres, redis: ThrowawayRedis, tmp_path: Path
) -> None:
    url = fresh_database(postgres, "deadnode")
    seeded = await seed_async(url, DEFAULT_AGENTS, SERVICES)
    a, b, c = start_nodes(url, redis, tmp_path, 3, SHORT)
    clients: list[VisitorClient | AgentClient] = []
    try:
        agent = await AgentClient(b.url, b.ws_url, "ann", seeded.passwords["ann"]).sign_in()
        clients.append(agent)
        console = await agent.open_console()
        gone, back, held = (VisitorClient(n.url, n.ws_url) for n in (a, a, c))
        widgets = []
        for visitor in (gone, back, held):
            clients.append(visitor)
            await visitor.request(seeded.services["Sales"]["id"])
            assert (await agent.accept(visitor.contact_id)).status_code == 200
            widgets.append(await visitor.open_widget())
        assert (await call_frame(widgets[0], "call.start", gone.contact_id, media="voice")) == {}
        await call_event(console, "offered", timeout=10)

        # C stalls past the limit with its widget still open, then comes back.
        await stall(c, url)
        await console.wait_event("visitor.departed", timeout=20, contact_id=held.contact_id)
        assert c.process is not None
        os.kill(c.process.pid, signal.SIGCONT)
        await console.wait_event("visitor.returned", timeout=10, contact_id=held.contact_id)

        a.kill()
        for visitor in (gone, back):
            departed = await console.wait_event(
                "visitor.departed", timeout=20, contact_id=visitor.contact_id
            )
            assert departed["data"]["navigating"] is None
            assert departed["data"]["gone_at"] > departed["data"]["left_at"]
        # the call waits for the widget to rejoin from another node; this one never does
        interrupted = await console.wait_event("call.interrupted", timeout=10)
        assert interrupted["data"]["side"] == "visitor"
        ended = await call_event(console, "ended", timeout=10)
        assert (ended["end_reason"], ended["ended_by"]) == ("visitor_left", "visitor")

        back_on_b = visitor_on(b, back)
        clients.append(back_on_b)
        widget = await back_on_b.open_widget()
        await console.wait_event("visitor.returned", timeout=10, contact_id=back.contact_id)

        closed = await console.wait_event("contact.closed", timeout=25, contact_id=gone.contact_id)
        assert closed["data"]["closed_by"] == "visitor_gone"
        # The graces ran out; only those of visitors who came back, or never left, did not end.
        for visitor in (back_on_b, held):
            assert (await visitor.http.get("/api/visitor/contact")).json()["state"] == "assigned"
        assert not [f for f in console.events("contact.closed") if f is not closed]
        # B and C both watch A's heartbeat; each grace started once.
        departures = [f["contact_id"] for f in console.events("visitor.departed")]
        assert sorted(departures) == sorted([gone.contact_id, back.contact_id, held.contact_id])
        for stream in (widget, *widgets, console):
            await stream.close()
    finally:
        for client in clients:
            await client.aclose()
        for node in (a, b, c):
            if node.process is not None and node.process.poll() is None:
                os.kill(node.process.pid, signal.SIGCONT)
            node.stop()
