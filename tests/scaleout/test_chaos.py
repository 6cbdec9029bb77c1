"""Chaos: three server processes on one PostgreSQL and Redis, with chats running while one
process is killed (SIGKILL) and restarted, another stopped gracefully (drains) and
restarted, and Redis is gone for a few seconds.

Visitors and agents are spread over the processes, each chat's two sides on different
ones. Clients behave like the real widget and console (tests/scaleout/roaming.py): a lost
socket is replaced by one to another process resuming from the last position processed,
a request that finds its process gone is retried elsewhere with the same client id.
Besides the chats, some visitors leave for good (their disconnect grace closes the
contact), some wait where nobody answers (their dissuasion timer ends the contact), and
some chats are offered in transfer to an agent who never answers (the transfer timer hands
them back): timers that come due while processes come and go.

Afterwards, from the database and from what every client received:
- every transcript is exactly what each side sent, in order (nothing lost or doubled);
- every client's event positions are strictly increasing, across its reconnections;
- every client received every event it should have (a widget: its contact's visitor
  events; a console: its agent's events) from its first hello on, none missing;
- every contact has exactly one outcome, and exactly one event saying so, and each
  transfer came back exactly once: no timer fired twice, none never;
- signals that only Redis carries (typing) cross processes again once Redis is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import signal
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from websockets.asyncio.client import ClientConnection

from tests.scaleout.conftest import SHARED_SECRET, fresh_database
from tests.scaleout.roaming import Cluster, Roamer, RoamingStream
from tests.support.postgres import ThrowawayPostgres
from tests.support.redis import ThrowawayRedis
from tests.support.seed import AgentSpec, ServiceSpec, seed_async
from tests.support.server import ServerProcess

CONTACTS = 60
"""Issue 23 asks for 200; 60 keeps the run near a minute on a shared 2-core machine that
runs the three servers, PostgreSQL, Redis and all the clients (this one process)."""
LEAVERS = 8
"""Visitors whose widget closes for good early on: their grace timer closes the contact."""
UNANSWERED = 8
"""Visitors of a service whose offers nobody accepts: the dissuasion timer ends them."""
CHATS = CONTACTS - LEAVERS - UNANSWERED
TRANSFERS = 4
"""Chats whose agent asks another to take them, who never answers: the transfer timer
hands them back (the chat goes on meanwhile)."""
AGENTS = 6
PACE_SECONDS = 1.0
"""Between a chat's rounds (a visitor message then an agent message)."""
REDIS_DOWN_SECONDS = 5.0
"""How long Redis is gone (issue 23): part of the scenario, not a wait for anything."""

ENV = {
    **SHARED_SECRET,
    # Not shorter: on a loaded machine a live process can miss its beats for seconds, and
    # taken for dead its visitors would depart (tests/scaleout/test_dead_node.py).
    "SPORTELLO_NODE_DEAD_SECONDS": "10",
    "SPORTELLO_VISITOR_GRACE_SECONDS": "10",
    # Agents reconnect within a second; their grace must not requeue chats meanwhile.
    "SPORTELLO_AGENT_GRACE_SECONDS": "300",
    "SPORTELLO_DRAIN_SECONDS": "1",
    "SPORTELLO_TRANSFER_TIMEOUT_SECONDS": "10",
}
SERVICES = (
    ServiceSpec("Sales", ("sales",), dissuasion_seconds=3600),
    ServiceSpec("Unanswered", ("sales",), dissuasion_seconds=5),
)
TERMINAL = (
    "contact.closed",
    "contact.dissuaded",
    "contact.cancelled",
    "contact.abandoned",
    "contact.rejected",
)
"""The events that end a contact: exactly one per contact."""


@dataclass
class Agent:
    login: str
    id: int
    http: httpx.AsyncClient
    roamer: Roamer
    console: RoamingStream | None = None

    async def post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        # The console page's requests carry its own origin (CSRF check).
        return await self.roamer.post(
            self.http, path, body or {}, lambda node: {"Origin": node.url}
        )


@dataclass
class Visitor:
    index: int
    roamer: Roamer
    token: str = ""
    contact_id: int = 0
    widget: RoamingStream | None = None
    sent: dict[str, list[str]] = field(default_factory=lambda: {"visitor": [], "agent": []})

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Progress:
    """Messages acknowledged so far; the chaos steps wait for traffic, not for time."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = asyncio.Event()

    def add(self) -> None:
        self.count += 1
        self._changed.set()

    async def reached(self, count: int, timeout: float = 60.0) -> None:
        async with asyncio.timeout(timeout):
            while self.count < count:
                self._changed.clear()
                await self._changed.wait()


def widget_connect(visitor: Visitor) -> Any:
    async def connect(node: ServerProcess, since: int | None) -> ClientConnection:
        query = f"token={visitor.token}" + (f"&since={since}" if since is not None else "")
        return await websockets.connect(f"{node.ws_url}/ws/visitor?{query}", compression=None)

    return connect


def console_connect(token: str, session_id: str) -> Any:
    async def connect(node: ServerProcess, since: int | None) -> ClientConnection:
        query = f"session={session_id}" + (f"&since={since}" if since is not None else "")
        return await websockets.connect(
            f"{node.ws_url}/ws/console?{query}",
            additional_headers={"Cookie": f"sportello_session={token}"},
            compression=None,
        )

    return connect


def event_positions(stream: RoamingStream) -> list[int]:
    return [f["position"] for f in stream.events()]


def at(position: int) -> Callable[[dict[str, Any]], bool]:
    """Matches the frame of the event at this position."""
    return lambda frame: frame["type"] == "event" and frame["position"] == position


def console_of_agent(agent: Agent) -> RoamingStream:
    assert agent.console is not None
    return agent.console


def at_kind(kind: str, contact_id: int) -> Callable[[dict[str, Any]], bool]:
    """Matches the frame of an event of this kind about this contact."""
    return lambda f: f["type"] == "event" and f["kind"] == kind and f["contact_id"] == contact_id


def dissuaded(contact_id: int) -> Callable[[dict[str, Any]], bool]:
    """The widget learns its contact was dissuaded: from the event, or, when the timer fired
    before its socket got through (a busy machine takes seconds between the request and
    the socket), from the hello's contact state, as the real widget does."""
    event = at_kind("contact.dissuaded", contact_id)
    return lambda f: event(f) or (f["type"] == "hello" and f["contact"]["state"] == "dissuaded")


def first_hello(stream: RoamingStream) -> int:
    return int(next(f["position"] for f in stream.frames if f["type"] == "hello"))


async def rows(engine: AsyncEngine, sql: str) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(text(sql))).all())


async def test_chats_survive_a_killed_process_a_drained_one_and_a_redis_outage(
    postgres: ThrowawayPostgres, redis: ThrowawayRedis, tmp_path: Path
) -> None:
    url = fresh_database(postgres, "chaos")
    agents_spec = tuple(AgentSpec(f"agent{i}", ("sales",), chat_limit=20) for i in range(AGENTS))
    seeded = await seed_async(url, agents_spec, SERVICES)
    nodes = [ServerProcess(url, data_dir=tmp_path, redis_url=redis.url, env=ENV) for _ in range(3)]
    cluster = Cluster(nodes)
    a, b, _c = nodes
    limits = httpx.Limits(max_connections=400, keepalive_expiry=1.0)
    visitors_http = httpx.AsyncClient(timeout=20, limits=limits)
    engine = create_async_engine(url)
    agents: list[Agent] = []
    streams: list[RoamingStream] = []
    talks: list[asyncio.Task[None]] = []
    try:
        await asyncio.gather(*(asyncio.to_thread(node.start) for node in nodes))
        # -- agents: one console each, spread over the processes
        for i in range(AGENTS):
            login = f"agent{i}"
            http = httpx.AsyncClient(timeout=20, limits=limits)
            agent = Agent(login, seeded.agents[login]["id"], http, Roamer(cluster, i))
            signed = await agent.post(
                "/api/auth/login", {"login": login, "password": seeded.passwords[login]}
            )
            assert signed.status_code == 200, signed.text
            session = await agent.post("/api/console-sessions")
            assert session.status_code in (200, 201), session.text
            connect = console_connect(signed.json()["token"], session.json()["id"])
            agent.console = await RoamingStream(cluster, i, connect).open()
            streams.append(agent.console)
            agents.append(agent)

        # -- visitors: each on a process other than its agent's
        visitors = [Visitor(i, Roamer(cluster, i + 1)) for i in range(CONTACTS)]

        async def arrive(visitor: Visitor) -> None:
            service = "Unanswered" if visitor.index >= CHATS + LEAVERS else "Sales"
            body = {
                "service_id": seeded.services[service]["id"],
                "visitor_id": uuid.uuid4().hex,
                "name": f"Visitor {visitor.index}",
            }
            created = await visitor.roamer.post(visitors_http, "/api/visitor/contacts", body)
            assert created.status_code == 201, created.text
            assert created.json()["contact"]["state"] == "pending"
            visitor.token = created.json()["token"]
            visitor.contact_id = created.json()["contact"]["id"]
            if service == "Sales":
                agent = agents[visitor.index % AGENTS]
                accepted = await agent.post(f"/api/contacts/{visitor.contact_id}/accept")
                assert accepted.status_code == 200, accepted.text
            visitor.widget = await RoamingStream(
                cluster, visitor.roamer.home, widget_connect(visitor)
            ).open()
            streams.append(visitor.widget)

        await asyncio.gather(*(arrive(v) for v in visitors))
        chats = visitors[:CHATS]
        leavers = visitors[CHATS : CHATS + LEAVERS]
        unanswered = visitors[CHATS + LEAVERS :]

        # -- the chats
        async def history(visitor: Visitor) -> list[Any]:
            """The contact's events but its messages: what ended it, when, by whom."""
            return await rows(
                engine,
                "SELECT position, kind, created_at, payload::text FROM events "
                f"WHERE contact_id = {visitor.contact_id} AND kind != 'message.created' "
                "ORDER BY position",
            )

        progress = Progress()
        stop = asyncio.Event()

        async def visitor_says(visitor: Visitor, line: str) -> None:
            said = await visitor.roamer.post(
                visitors_http,
                "/api/visitor/contact/messages",
                {"text": line, "client_msg_id": line},
                lambda _node: visitor.auth,
            )
            assert said.status_code in (200, 201), (said.text, await history(visitor))
            visitor.sent["visitor"].append(line)
            progress.add()

        async def agent_says(visitor: Visitor, line: str) -> None:
            agent = agents[visitor.index % AGENTS]
            path = f"/api/contacts/{visitor.contact_id}/messages"
            said = await agent.post(path, {"text": line, "client_msg_id": line})
            assert said.status_code in (200, 201), (said.text, await history(visitor))
            visitor.sent["agent"].append(line)
            progress.add()

        async def converse(visitor: Visitor) -> None:
            for n in itertools.count():
                await visitor_says(visitor, f"v{visitor.index}-{n}")
                await agent_says(visitor, f"a{visitor.index}-{n}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), PACE_SECONDS)
                if stop.is_set():
                    return

        talks += [asyncio.create_task(converse(v)) for v in chats]
        left_at: dict[int, int] = {}
        for visitor in leavers:
            assert visitor.widget is not None
            left_at[visitor.contact_id] = visitor.widget.position
            await visitor.widget.close()

        # -- the chaos, each step once traffic has flowed since the last; a process comes
        # back in the background (starting one takes seconds), the next step goes on
        round_trip = CHATS * 2
        await progress.reached(round_trip)
        for visitor in chats[:TRANSFERS]:
            to = agents[(visitor.index + 1) % AGENTS]
            asked = await agents[visitor.index % AGENTS].post(
                f"/api/contacts/{visitor.contact_id}/transfer", {"agent_id": to.id}
            )
            assert asked.status_code == 201, asked.text
        a.kill()
        back = [asyncio.create_task(asyncio.to_thread(a.start))]
        await progress.reached(progress.count + round_trip)
        assert b.process is not None
        b.process.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(b.process.wait, 30) == 0  # drained, then stopped
        back.append(asyncio.create_task(asyncio.to_thread(b.start)))
        # (A process cannot start while Redis is down: its bus subscribes at startup.)
        await asyncio.gather(*back)
        # Everyone is on C by now; spread them out again so that the Redis outage falls on
        # chats whose two sides are on different processes.
        for agent in agents:
            agent.roamer.home = agent.roamer.first_home
        for visitor in visitors:
            visitor.roamer.home = visitor.roamer.first_home
        await asyncio.gather(*(stream.rehome() for stream in streams))
        await progress.reached(progress.count + round_trip)
        redis.kill()
        await asyncio.sleep(REDIS_DOWN_SECONDS)
        redis.start()
        await progress.reached(progress.count + round_trip)
        stop.set()
        await asyncio.gather(*talks)

        # -- Redis is back: typing (carried by Redis only) crosses processes again
        def console_of(visitor: Visitor) -> RoamingStream:
            return console_of_agent(agents[visitor.index % AGENTS])

        # a widget and its agent's console on different processes (they roam)
        typist = next(v for v in chats if v.widget and v.widget.home != console_of(v).home)
        assert typist.widget is not None
        console = console_of(typist)

        def typing_seen(frame: dict[str, Any]) -> bool:
            return frame["type"] == "signal" and frame.get("kind") == "typing"

        async with asyncio.timeout(20):
            while True:
                frame = {"type": "typing", "contact_id": typist.contact_id, "active": True}
                await typist.widget.send(frame)
                with contextlib.suppress(TimeoutError):
                    await console.wait_for(typing_seen, timeout=0.5)
                    break

        # -- every contact ends: the agents close their chats; the timers end the rest
        for visitor in chats[:TRANSFERS]:
            await console_of(visitor).wait_for(
                at_kind("contact.transfer_returned", visitor.contact_id), timeout=30
            )

        async def close(visitor: Visitor) -> None:
            agent = agents[visitor.index % AGENTS]
            closed = await agent.post(f"/api/contacts/{visitor.contact_id}/close")
            assert closed.status_code == 200, closed.text

        await asyncio.gather(*(close(v) for v in chats))
        for visitor in unanswered:
            assert visitor.widget is not None
            await visitor.widget.wait_for(dissuaded(visitor.contact_id), timeout=30)
        for visitor in leavers:
            await console_of(visitor).wait_for(
                at_kind("contact.closed", visitor.contact_id), timeout=30
            )

        # -- transcripts: exactly what each side sent, in order
        said: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"visitor": [], "agent": []})
        for contact_id, sender, line in await rows(
            engine, "SELECT contact_id, sender, text FROM messages ORDER BY id"
        ):
            if sender in ("visitor", "agent"):
                said[contact_id][sender].append(line)
        for visitor in chats:
            assert said[visitor.contact_id] == visitor.sent, visitor.index
        assert all(not said[v.contact_id]["visitor"] for v in leavers + unanswered)

        # -- outcomes: one each, and one event saying so (no timer fired twice)
        ends = await rows(
            engine,
            "SELECT contact_id, kind, payload->>'outcome', payload->>'closed_by' FROM events "
            f"WHERE kind IN {TERMINAL!r} ORDER BY position",
        )
        by_contact: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        for contact_id, kind, outcome, closed_by in ends:
            by_contact[contact_id].append((kind, outcome, closed_by))
        states = dict(await rows(engine, "SELECT id, outcome FROM contacts"))
        assert len(states) == CONTACTS
        for visitor in visitors:
            [(kind, outcome, closed_by)] = by_contact[visitor.contact_id]
            assert states[visitor.contact_id] == outcome, visitor.index
            if visitor.index < CHATS:
                assert (kind, closed_by) == ("contact.closed", "agent"), visitor.index
            elif visitor.index < CHATS + LEAVERS:
                assert (kind, closed_by) == ("contact.closed", "visitor_gone"), visitor.index
            else:
                assert (kind, outcome) == ("contact.dissuaded", "dissuaded"), visitor.index

        # -- each transfer timed out once, and only those
        returned = await rows(
            engine,
            "SELECT contact_id, payload->>'outcome' FROM events "
            "WHERE kind = 'contact.transfer_returned' ORDER BY contact_id",
        )
        assert returned == sorted((v.contact_id, "timed_out") for v in chats[:TRANSFERS])

        # -- every client: positions strictly increasing and none missing
        audience = await rows(
            engine, "SELECT position, contact_id, agent_id, for_visitor, for_queue FROM events"
        )
        head = max(p for p, *_ in audience)
        for visitor in chats + unanswered:
            widget = visitor.widget
            assert widget is not None
            start = first_hello(widget)
            want = [
                p
                for p, contact_id, _agent, for_visitor, _q in sorted(audience)
                if contact_id == visitor.contact_id and for_visitor and p > start
            ]
            await widget.wait_for(at(want[-1]))
            got = event_positions(widget)
            assert got == want, (visitor.index, widget.closes, sorted(set(want) ^ set(got)))
        for visitor in leavers:
            assert visitor.widget is not None
            got = event_positions(visitor.widget)
            start, end = first_hello(visitor.widget), left_at[visitor.contact_id]
            want = [
                p
                for p, contact_id, _agent, for_visitor, _q in sorted(audience)
                if contact_id == visitor.contact_id and for_visitor and start < p <= end
            ]
            assert got == want, visitor.index
        queue_events = {p for p, _c, _a, _v, for_queue in audience if for_queue}
        for agent in agents:
            console = console_of_agent(agent)
            start = first_hello(console)
            want = [
                p
                for p, _contact, agent_id, _v, for_queue in sorted(audience)
                if agent_id == agent.id and not for_queue and p > start
            ]
            await console.wait_for(at(want[-1]))
            got = event_positions(console)
            assert got == sorted(set(got)) and len(got) == len(set(got)), agent.login
            assert [p for p in got if p not in queue_events] == want, (
                agent.login,
                console.closes,
                sorted(set(want) ^ {p for p in got if p not in queue_events}),
            )
        assert head >= max(max(event_positions(s), default=0) for s in streams)

        # -- the chaos reached the clients: sockets dropped (1006), and drained (1012)
        closes = [code for s in streams for code in s.closes]
        assert 1012 in closes and 1006 in closes, closes
    finally:
        for talk in talks:
            talk.cancel()
        await asyncio.gather(*talks, return_exceptions=True)
        for stream in streams:
            with contextlib.suppress(Exception):
                await stream.close()
        for agent in agents:
            await agent.http.aclose()
        await visitors_http.aclose()
        await engine.dispose()
        for node in nodes:
            node.stop()
