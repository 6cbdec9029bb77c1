"""Scale-out: two server processes on one PostgreSQL, woken through Redis pub/sub."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from tests.api.test_calls import call_event, call_frame
from tests.support.clients import AgentClient, VisitorClient
from tests.support.postgres import ThrowawayPostgres
from tests.support.redis import ThrowawayRedis
from tests.support.seed import DEFAULT_AGENTS, ServiceSpec, seed_async
from tests.support.server import ServerProcess
from tests.support.webrtc import Peer, loopback_ice, set_up


async def test_contact_flows_across_two_processes(
    postgres: ThrowawayPostgres, redis: ThrowawayRedis, tmp_path: Path
) -> None:
    name = f"scale{os.getpid()}"
    postgres.psql(f"DROP DATABASE IF EXISTS {name}")
    postgres.psql(f"CREATE DATABASE {name}")
    url = postgres.url(name)
    seeded = await seed_async(url)
    secret = {"SPORTELLO_SECRET_KEY": "shared-secret-for-both-nodes"}
    nodes = [
        ServerProcess(url, data_dir=tmp_path, redis_url=redis.url, env=secret) for _ in range(2)
    ]
    for node in nodes:
        node.start()
    a, b = nodes
    try:
        agent_a = await AgentClient(a.url, a.ws_url, "ann", seeded.passwords["ann"]).sign_in()
        agent_b = await AgentClient(b.url, b.ws_url, "ann", seeded.passwords["ann"]).sign_in()
        console = await agent_a.open_console()
        preview = {"typing_preview": True}  # the draft crosses processes like typing does
        sales = seeded.services["Sales"]["id"]
        assert (await agent_b.http.patch(f"/api/admin/services/{sales}", json=preview)).is_success

        visitor = VisitorClient(b.url, b.ws_url)
        response = await visitor.request(seeded.services["Sales"]["id"], message="from node B")
        assert response.json()["contact"]["state"] == "pending"  # node B sees A's live console
        offered = await console.wait_event("contact.offered", contact_id=visitor.contact_id)
        assert offered["data"]["entry"]["visitor_name"] == "Vera Visitor"

        widget = await visitor.open_widget()
        assert (await agent_b.accept(visitor.contact_id)).status_code == 200
        await console.wait_event("contact.assigned")
        await widget.wait_event("contact.joined")

        await widget.send(
            {
                "type": "message.send",
                "contact_id": visitor.contact_id,
                "client_msg_id": "x1",
                "text": "hello A",
            }
        )
        got = await console.wait_event("message.created")
        assert got["data"]["message"]["text"] == "hello A"
        await widget.send(
            {"type": "typing", "contact_id": visitor.contact_id, "active": True, "draft": "so"}
        )
        typing = await console.wait_for(lambda f: f["type"] == "signal" and f["kind"] == "typing")
        assert (typing["from"], typing["draft"]) == ("visitor", "so")

        quick = VisitorClient(a.url, a.ws_url)
        await quick.request(seeded.services["Quick"]["id"])
        quick_widget = await quick.open_widget()
        await quick_widget.wait_event("contact.dissuaded", timeout=15)
        await asyncio.sleep(1.0)  # both nodes' timers have had their chance to fire
        detail = (await quick.http.get("/api/visitor/contact")).json()
        assert detail["state"] == "dissuaded"
        resumed = await quick.open_widget(since=quick_widget.frames[0]["position"])
        replayed = [f["kind"] for f in await resumed.drain()]
        assert replayed.count("contact.dissuaded") == 1
        for client in (agent_a, agent_b, visitor, quick):
            await client.aclose()
    finally:
        for node in nodes:
            node.stop()


async def test_logout_or_disabling_on_one_process_closes_consoles_on_the_other(
    postgres: ThrowawayPostgres, redis: ThrowawayRedis, tmp_path: Path
) -> None:
    name = f"signout{os.getpid()}"
    postgres.psql(f"DROP DATABASE IF EXISTS {name}")
    postgres.psql(f"CREATE DATABASE {name}")
    url = postgres.url(name)
    seeded = await seed_async(url)
    secret = {"SPORTELLO_SECRET_KEY": "shared-secret-for-both-nodes"}
    nodes = [
        ServerProcess(url, data_dir=tmp_path, redis_url=redis.url, env=secret) for _ in range(2)
    ]
    for node in nodes:
        node.start()
    a, b = nodes
    try:
        agent = await AgentClient(a.url, a.ws_url, "ann", seeded.passwords["ann"]).sign_in()
        console = await agent.open_console()
        # The same sign-in, signing out through the other process.
        on_b = AgentClient(b.url, b.ws_url, "ann", seeded.passwords["ann"])
        on_b.http.headers["Authorization"] = f"Bearer {agent.token}"
        assert (await on_b.post("/api/auth/logout")).status_code == 204
        error = await console.wait_for(lambda f: f["type"] == "error")
        assert error["code"] == "not_authenticated"
        await console.close()
        assert console.ws.close_code == 4401
        visitor = VisitorClient(b.url, b.ws_url)
        created = await visitor.request(seeded.services["Sales"]["id"])
        assert created.json()["contact"]["state"] == "rejected"  # nobody live for routing

        # Disabling Bob through B: his console on A closes, his contact goes back at once.
        bob = await AgentClient(a.url, a.ws_url, "bob", seeded.passwords["bob"]).sign_in()
        bobs = await bob.open_console()
        held = VisitorClient(b.url, b.ws_url)
        await held.request(seeded.services["Sales"]["id"])
        assert (await bob.accept(held.contact_id)).status_code == 200
        widget = await held.open_widget()
        admin = await AgentClient(b.url, b.ws_url, "ann", seeded.passwords["ann"]).sign_in()
        disabled = await admin.http.patch(
            f"/api/admin/agents/{bob.agent['id']}", json={"enabled": False}
        )
        assert disabled.json()["handed_back"] == [held.contact_id]
        requeued = await widget.wait_event("contact.requeued")
        assert requeued["data"]["reason"] == "agent_disabled"
        error = await bobs.wait_for(lambda f: f["type"] == "error")
        assert error["code"] == "not_authenticated"
        await bobs.close()
        assert bobs.ws.close_code == 4401
        for client in (agent, on_b, visitor, bob, held, admin):
            await client.aclose()
    finally:
        for node in nodes:
            node.stop()


async def test_a_call_set_up_across_two_processes(
    postgres: ThrowawayPostgres, redis: ThrowawayRedis, tmp_path: Path
) -> None:
    """A console on one process, a widget on the other: the signalling crosses through
    Redis (never stored), the call's events through the database; the peers connect. The
    widget's socket is replaced (a blip the server has not noticed yet): the call follows
    the new one; when the widget goes for good, both processes' schedulers race to end the
    call after the grace, and it ends once."""
    name = f"calls{os.getpid()}"
    postgres.psql(f"DROP DATABASE IF EXISTS {name}")
    postgres.psql(f"CREATE DATABASE {name}")
    url = postgres.url(name)
    services = (ServiceSpec("Calls", ("sales",), media=("chat", "voice", "video")),)
    seeded = await seed_async(url, DEFAULT_AGENTS, services)
    env = {
        "SPORTELLO_SECRET_KEY": "shared-secret-for-both-nodes",
        "SPORTELLO_CALL_RECONNECT_SECONDS": "1",
    }
    nodes = [ServerProcess(url, data_dir=tmp_path, redis_url=redis.url, env=env) for _ in range(2)]
    for node in nodes:
        node.start()
    a, b = nodes
    try:
        agent = await AgentClient(a.url, a.ws_url, "ann", seeded.passwords["ann"]).sign_in()
        console = await agent.open_console()
        visitor = VisitorClient(b.url, b.ws_url)
        await visitor.request(seeded.services["Calls"]["id"])
        assert (await agent.accept(visitor.contact_id)).status_code == 200
        widget = await visitor.open_widget()
        cid = visitor.contact_id

        assert (await call_frame(widget, "call.start", cid, media="video")) == {}
        call_id = (await call_event(console, "offered", timeout=15))["id"]
        assert (await call_frame(console, "call.accept", cid, call_id=call_id, media="video")) == {}
        await call_event(widget, "accepted", timeout=15)
        with loopback_ice():
            caller = Peer(console, cid, call_id, console.frames[0]["ice"])
            callee = Peer(widget, cid, call_id, widget.frames[0]["ice"])
            caller.send(video=True)
            callee.send(video=True)
            await set_up(caller, callee)
            await callee.frames_arrive("video", 5)
            await caller.frames_arrive("video", 5)

            back = await visitor.open_widget(since=widget.position)
            assert (await call_frame(back, "call.rejoin", cid, call_id=call_id, fresh=False)) == {}
            resumed = await call_event(console, "resumed", timeout=15)
            assert resumed["visitor_gone_at"] is None
            await widget.close()  # the old socket's close no longer concerns the call
            candidate = {"candidate": "candidate:9 1 udp 1 192.0.2.9 9 typ host", "sdpMid": "0"}
            assert (
                await call_frame(console, "call.signal", cid, call_id=call_id, candidate=candidate)
            ) == {}
            await back.wait_for(lambda f: f.get("kind") == "call.signal", timeout=15)
            await callee.frames_arrive("video", callee.received["video"] + 5)
            await caller.frames_arrive("video", caller.received["video"] + 5)
            await caller.close()
            await callee.close()
        await back.close()
        ended = await call_event(console, "ended", timeout=15)
        assert (ended["ended_by"], ended["end_reason"]) == ("visitor", "visitor_left")
        await asyncio.sleep(1)  # both schedulers have had their turn at the deadline
        await console.drain()
        assert len(console.events("call.ended")) == 1
        assert len(console.events("call.interrupted")) == 1
        for client in (agent, visitor):
            await client.aclose()
    finally:
        for node in nodes:
            node.stop()
