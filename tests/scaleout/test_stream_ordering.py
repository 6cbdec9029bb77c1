"""A write transaction held open while others commit: no reader skips its event.

Two app instances (each its own hub, group commit and connections, woken through Redis)
on one PostgreSQL. One transaction writes an agent's message and stays open; meanwhile
visitors and an agent send through both instances. Whatever positions the design hands
out (in commit order under today's lock; from a sequence, so possibly lower than events
committed before it, under a multi-writer design), a reader — a live console or widget on
either instance, or a resume from any position it acknowledged — must receive the held
event once it commits, exactly once and in position order with the rest.

Written against the public behaviour only (what the sockets deliver and what a resume
replays); the held transaction is the one seam: ``ctx.transaction()`` with the message
action's ``insert_message`` and an explicit flush, so the event's row exists, position and
all, while its transaction is still open.
"""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from sportello.actions.messages import insert_message
from sportello.domain.model import Sender
from sportello.queries.contacts import fetch_contact_row
from tests.conftest import make_world
from tests.scaleout.conftest import fresh_database
from tests.support.clients import AgentClient, Stream, VisitorClient
from tests.support.inproc import RunningApp, serve_app
from tests.support.postgres import ThrowawayPostgres
from tests.support.redis import ThrowawayRedis

LOCK_WAITERS = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def messages_in(frames: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """(position, text) of every message.created event, in arrival order."""
    return [
        (f["position"], f["data"]["message"]["text"])
        for f in frames
        if f["type"] == "event" and f["kind"] == "message.created"
    ]


def positions(frames: list[dict[str, Any]]) -> list[int]:
    return [f["position"] for f in frames if f["type"] == "event"]


def assert_strictly_increasing(name: str, seen: list[int]) -> None:
    assert all(a < b for a, b in itertools.pairwise(seen)), f"{name}: {seen}"


async def others_committed_or_waiting(url: str, sends: list[asyncio.Task[Any]]) -> None:
    """Until these sends (through the other instance) have committed, or (a design where
    the held transaction holds a lock they need) a writer waits on a lock: the point where
    the held transaction is the one the others race. (The holding instance's own writes
    wait behind it in the process, whatever the stream's design: storage/database.py.)"""
    engine = create_async_engine(url)
    try:
        while not all(task.done() for task in sends):
            async with engine.connect() as conn:
                if await conn.scalar(LOCK_WAITERS) >= 1:
                    return
            await asyncio.wait(sends, timeout=0.05)
    finally:
        await engine.dispose()


async def wait_texts(stream: Stream, texts: set[str], timeout: float = 10.0) -> None:
    await stream.wait_for(lambda _f: texts <= {t for _p, t in messages_in(stream.frames)}, timeout)


def visitor_on(app: RunningApp, visitor: VisitorClient) -> VisitorClient:
    other = VisitorClient(app.url, app.ws_url, visitor.origin)
    other.token, other.contact = visitor.token, visitor.contact
    other.http.headers["Authorization"] = f"Bearer {visitor.token}"
    return other


async def test_no_reader_skips_the_event_of_a_transaction_held_open(
    postgres: ThrowawayPostgres, redis: ThrowawayRedis, tmp_path: Path
) -> None:
    url = fresh_database(postgres, "ordering")
    async with (
        serve_app(url, tmp_path, redis_url=redis.url) as a,
        serve_app(url, tmp_path, redis_url=redis.url) as b,
    ):
        world = await make_world(a)
        clients: list[AgentClient | VisitorClient] = []
        try:
            ann_a = await world.agent("ann")
            ann_b = await AgentClient(b.url, b.ws_url, "ann", world.passwords["ann"]).sign_in()
            clients.append(ann_b)
            console_a, console_b = await ann_a.open_console(), await ann_b.open_console()
            x, y, z = (world.visitor() for _ in range(3))
            for visitor in (x, y, z):
                await visitor.request(world.services["Sales"]["id"])
                assert (await ann_a.accept(visitor.contact_id)).status_code == 200
            y_on_b = visitor_on(b, y)
            clients.append(y_on_b)
            live = {
                "console on A": console_a,
                "console on B": console_b,
                "widget on B": await y_on_b.open_widget(),
            }
            for stream in live.values():
                await stream.drain()
            since = {name: stream.position for name, stream in live.items()}
            first = {name: len(stream.frames) for name, stream in live.items()}

            written, release = asyncio.Event(), asyncio.Event()

            async def hold() -> dict[str, Any]:
                async with a.ctx.transaction() as (conn, writer):
                    contact = await fetch_contact_row(conn, x.contact_id)
                    message = await insert_message(
                        conn,
                        writer,
                        contact,
                        Sender.AGENT,
                        ann_a.agent["id"],
                        "held",
                        "held-1",
                        a.clock.now(),
                    )
                    await writer.flush()
                    written.set()
                    await release.wait()
                assert message is not None
                return message

            holder = asyncio.create_task(hold())
            await written.wait()
            sends = [
                asyncio.create_task(y_on_b.say("y via B", "y1")),
                asyncio.create_task(z.say("z via A", "z1")),
                asyncio.create_task(ann_b.say(y.contact_id, "ann via B", "a1")),
                asyncio.create_task(ann_a.say(z.contact_id, "ann via A", "a2")),
            ]
            await others_committed_or_waiting(url, [sends[0], sends[2]])
            # What each live reader has acknowledged while the transaction is still open.
            for stream in live.values():
                await stream.drain()
            acknowledged = {name: stream.position for name, stream in live.items()}
            seen_before = {name: positions(s.frames[first[name] :]) for name, s in live.items()}

            release.set()
            held = await holder
            for task in sends:
                assert (await task).status_code == 201, task.result().text
            want = {
                "console on A": {"held", "y via B", "z via A", "ann via B", "ann via A"},
                "console on B": {"held", "y via B", "z via A", "ann via B", "ann via A"},
                "widget on B": {"y via B", "ann via B"},
            }
            for name, stream in live.items():
                await wait_texts(stream, want[name])
            [held_at] = [p for p, t in messages_in(live["console on A"].frames) if t == "held"]
            assert held["text"] == "held"

            for name, stream in live.items():
                frames = stream.frames[first[name] :]
                assert_strictly_increasing(name, positions(frames))
                texts = [t for _p, t in messages_in(frames)]
                assert sorted(texts) == sorted(want[name]), (name, texts)
            for name in ("console on A", "console on B"):
                # Nothing acknowledged before the commit lies past the held event: a reader
                # that had would resume from there and never see it.
                assert acknowledged[name] < held_at, (name, seen_before[name], held_at)

            # Resumes from where each reader was before the hold, and from what it had
            # acknowledged while the transaction was open, replay what the live stream
            # delivered after that position: no more, no less, in order.
            for name, stream in live.items():
                for start in (since[name], acknowledged[name]):
                    live_after = [p for p in positions(stream.frames) if p > start]
                    if name == "widget on B":
                        again = await y_on_b.open_widget(since=start)
                    else:
                        agent = ann_a if name == "console on A" else ann_b
                        again = await agent.open_console(since=start, session_id=agent.session_id)
                    replayed = positions(await again.drain())
                    await again.close()
                    assert_strictly_increasing(f"{name} from {start}", replayed)
                    replayed = [p for p in replayed if p <= live_after[-1]]
                    assert replayed == live_after, (name, start, replayed, live_after)
                    if name != "widget on B":
                        assert held_at in replayed, (name, start)
            for stream in live.values():
                await stream.close()
        finally:
            for client in clients:
                await client.aclose()
            await world.close()
