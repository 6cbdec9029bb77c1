"""Scale-out: a call between a console on one process and a widget on the other. The
signalling crosses through Redis (it is never stored), the call's events through the
database, and the two aiortc peers connect."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.test_calls import call_event, call_frame
from tests.support.clients import AgentClient, VisitorClient
from tests.support.postgres import ThrowawayPostgres
from tests.support.redis import ThrowawayRedis
from tests.support.seed import DEFAULT_AGENTS, ServiceSpec, seed_async
from tests.support.server import ServerProcess
from tests.support.webrtc import Peer, loopback_ice, set_up


@pytest.fixture
def redis() -> Iterator[ThrowawayRedis]:
    server = ThrowawayRedis()
    server.start()
    yield server
    server.stop()


async def test_a_call_set_up_across_two_processes(
    postgres: ThrowawayPostgres, redis: ThrowawayRedis, tmp_path: Path
) -> None:
    name = f"calls{os.getpid()}"
    postgres.psql(f"DROP DATABASE IF EXISTS {name}")
    postgres.psql(f"CREATE DATABASE {name}")
    url = postgres.url(name)
    services = (ServiceSpec("Calls", ("sales",), media=("chat", "voice", "video")),)
    seeded = await seed_async(url, DEFAULT_AGENTS, services)
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
            await caller.close()
            await callee.close()
        assert (await call_frame(console, "call.end", cid, call_id=call_id)) == {}
        ended = await call_event(widget, "ended", timeout=15)
        assert ended["ended_by"] == "agent"
        for client in (agent, visitor):
            await client.aclose()
    finally:
        for node in nodes:
            node.stop()
