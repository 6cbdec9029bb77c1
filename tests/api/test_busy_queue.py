"""Waiting for a busy agent (issue 25, ``when_busy: queue``): a request made while every
qualified agent at work is full waits in its service's queue, is offered the moment room
frees up, and is dissuaded with ``queue_timeout`` — exactly once, across a restart — if
room never comes; past the queue's length it is rejected with ``queue_full``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.conftest import World, make_world
from tests.support.clients import AgentClient, Stream, VisitorClient
from tests.support.inproc import serve_app
from tests.support.storage import stored_contact, stored_events

MAX_WAIT = 120
DISSUASION = 40


async def _queue_world(world: World, max_length: int = 50) -> None:
    await world.add_service(
        "Busy",
        tags_=["busy"],
        dissuasion_seconds=DISSUASION,
        when_busy="queue",
        queue_max_wait_seconds=MAX_WAIT,
        queue_max_length=max_length,
    )
    await world.add_agent("qa", ["busy"], chat_limit=1)
    await world.add_agent("qb", ["busy"], chat_limit=1)


async def _request(world: World, name: str = "Vera") -> VisitorClient:
    visitor = world.visitor()
    response = await visitor.request(world.services["Busy"]["id"], name=name)
    assert response.status_code == 201, response.text
    return visitor


async def _held(world: World, agent: AgentClient, console: Stream) -> VisitorClient:
    """A Busy visitor taken by ``agent``: one chat of one, the agent is full."""
    visitor = await _request(world, "Held")
    await console.wait_event("contact.offered", contact_id=visitor.contact_id)
    accepted = await agent.accept(visitor.contact_id)
    assert accepted.status_code == 200, accepted.text
    return visitor


async def _offer_news(console: Stream, contact_id: int, start: int = 0) -> dict[str, Any]:
    frame = await console.wait_for(
        lambda f: (
            f["type"] == "event"
            and f["kind"] == "contact.offered"
            and f["contact_id"] == contact_id
        ),
        start=start,
    )
    return dict(frame["data"]["entry"])


async def _released(console: Stream, contact_id: int) -> dict[str, Any]:
    """The offer that takes a queued contact out of the queue, as a console sees it."""
    frame = await console.wait_for(
        lambda f: (
            f["type"] == "event"
            and f["kind"] == "contact.offered"
            and f["contact_id"] == contact_id
            and not f["data"]["entry"]["queued"]
        )
    )
    return dict(frame["data"]["entry"])


async def test_queued_while_full_then_offered_the_moment_a_chat_closes(world: World) -> None:
    await _queue_world(world)
    qa = await world.agent("qa")
    console = await qa.open_console()
    held = await _held(world, qa, console)

    waiting = await _request(world, "Queued")
    assert waiting.contact["state"] == "pending"
    assert waiting.contact["queued"] is True
    now = world.app.clock.now()
    assert waiting.contact["dissuade_at"] == now + MAX_WAIT  # the queue's own deadline
    row = await stored_contact(world.app.ctx, waiting.contact_id)
    assert (row.queued_at, row.offered_at, row.offered_to) == (now, None, [])
    assert row.blocked_for == [qa.agent["id"]]

    # the full agent sees it as queued, cannot take it, and is told why
    entry = await _offer_news(console, waiting.contact_id)
    assert (entry["queued"], entry["can_take"]) == (True, False)
    refused = await qa.accept(waiting.contact_id)
    assert (refused.status_code, refused.json()["code"]) == (409, "contact_queued")

    widget = await waiting.open_widget()
    await world.app.advance(15)
    seen = len(console.frames)
    assert (await qa.post(f"/api/contacts/{held.contact_id}/close")).status_code == 200
    entry = await _offer_news(console, waiting.contact_id, start=seen)
    assert (entry["queued"], entry["can_take"]) == (False, True)
    offered_at = now + 15
    assert entry["dissuade_at"] == offered_at + DISSUASION  # the countdown starts now
    unqueued = await widget.wait_event("contact.unqueued")
    assert unqueued["data"]["dissuade_at"] == offered_at + DISSUASION
    row = await stored_contact(world.app.ctx, waiting.contact_id)
    assert (row.offered_at, row.offered_to) == (offered_at, [qa.agent["id"]])

    await world.app.advance(5)
    assert (await qa.accept(waiting.contact_id)).status_code == 200
    # the reports split the wait: 15 s queued, 5 s offered
    detail = (await qa.http.get(f"/api/reports/contacts/{waiting.contact_id}")).json()
    assert (detail["queued_seconds"], detail["offered_seconds"]) == (15, 5)
    period = {"since": now - 60, "until": now + 60, "group_by": "service"}
    overview = (await qa.http.get("/api/reports/overview", params=period)).json()
    busy = next(g for g in overview["groups"] if g["name"] == "Busy")
    assert (busy["queued"], busy["queue_offered"], busy["queue_timeout"]) == (1, 1, 0)
    assert busy["queued_avg"] == 15


async def test_reject_mode_still_rejects_and_nobody_at_work_is_no_queue(world: World) -> None:
    await _queue_world(world)
    # nobody qualified is at work: nothing to wait for, rejected as before
    nobody = await _request(world, "Early")
    assert nobody.contact["state"] == "rejected"
    assert (await stored_contact(world.app.ctx, nobody.contact_id)).queue_exit is None
    # the same service set back to reject rejects while its agent is full
    qa = await world.agent("qa")
    console = await qa.open_console()
    await _held(world, qa, console)
    service_id = world.services["Busy"]["id"]
    changed = await (await world.agent("ann")).http.patch(
        f"/api/admin/services/{service_id}", json={"when_busy": "reject"}
    )
    assert changed.status_code == 200, changed.text
    assert (await _request(world, "Late")).contact["state"] == "rejected"


async def test_queue_timeout_dissuades_once_across_a_restart(
    database_url: str, tmp_path: Path
) -> None:
    async with serve_app(database_url, tmp_path) as app:
        world = await make_world(app)
        await _queue_world(world)
        qa = await world.agent("qa")
        console = await qa.open_console()
        await _held(world, qa, console)
        waiting = await _request(world, "Patient")
        assert waiting.contact["queued"] is True
        token, contact_id = waiting.token, waiting.contact_id
        await (await waiting.open_widget()).close()
        await world.close()
    async with serve_app(database_url, tmp_path) as app:
        visitor = VisitorClient(app.url, app.ws_url, "https://shop.example")
        visitor.token = token
        visitor.http.headers["Authorization"] = f"Bearer {token}"
        try:
            widget = await visitor.open_widget()  # the visitor is still there
            # past the dissuasion time, not the queue's wait: still queued
            await app.advance(DISSUASION + 5)
            await widget.drain()
            row = await stored_contact(app.ctx, contact_id)
            assert (row.state, row.offered_at) == ("pending", None)
            await app.advance(MAX_WAIT - DISSUASION)
            dissuaded = await widget.wait_event("contact.dissuaded")
            assert dissuaded["data"]["reason"] == "queue_timeout"
            row = await stored_contact(app.ctx, contact_id)
            assert (row.state, row.outcome, row.queue_exit) == (
                "dissuaded",
                "dissuaded",
                "queue_timeout",
            )
            await app.advance(MAX_WAIT)
            await widget.drain()
            kinds = [e.kind for e in await stored_events(app.ctx, contact_id)]
            assert kinds.count("contact.dissuaded") == 1
        finally:
            await visitor.aclose()


async def test_queue_full_past_the_limit(world: World) -> None:
    await _queue_world(world, max_length=2)
    qa = await world.agent("qa")
    console = await qa.open_console()
    await _held(world, qa, console)
    queued = [await _request(world, f"Q{n}") for n in range(2)]
    assert [v.contact["queued"] for v in queued] == [True, True]
    over = await _request(world, "Over")
    assert over.contact["state"] == "rejected"
    assert over.contact["queue_exit"] == "queue_full"
    told = [e for e in await stored_events(world.app.ctx, over.contact_id)]
    assert [e.payload.get("reason") for e in told if e.kind == "contact.rejected"] == ["queue_full"]
    ann = await world.agent("ann")
    period = {"since": 0, "until": world.app.clock.now() + 60, "group_by": "service"}
    overview = (await ann.http.get("/api/reports/overview", params=period)).json()
    busy = next(g for g in overview["groups"] if g["name"] == "Busy")
    assert (busy["queued"], busy["queue_full"], busy["rejected"]) == (2, 1, 1)
    assert overview["total"]["queue_full"] == 1
    csv = (await ann.http.get("/api/reports/overview.csv", params=period)).text.splitlines()
    header = csv[0].split(",")
    busy_line = next(line for line in csv if ",Busy," in line).split(",")
    assert busy_line[header.index("queue_full")] == "1"
    # the leave-a-message alternative stays open to the visitor turned away
    services = (await over.http.get("/api/visitor/services")).json()
    busy = next(s for s in services if s["name"] == "Busy")
    assert busy["leave_message"] is True
    # a queued visitor leaving makes room in the queue (departure rules: cancelled under 10 s)
    assert (await queued[0].leave()).status_code == 200
    assert (await stored_contact(world.app.ctx, queued[0].contact_id)).state == "cancelled"
    assert (await _request(world, "Next")).contact["queued"] is True


async def test_two_agents_freeing_room_at_once_offer_the_head_once(world: World) -> None:
    await _queue_world(world)
    qa, qb = await world.agent("qa"), await world.agent("qb")
    consoles = [await qa.open_console(), await qb.open_console()]
    held = [await _held(world, qa, consoles[0]), await _held(world, qb, consoles[1])]
    head = await _request(world, "Head")
    await world.app.advance(1)
    second = await _request(world, "Second")
    await world.app.advance(1)
    third = await _request(world, "Third")
    assert [v.contact["queued"] for v in (head, second, third)] == [True, True, True]

    await asyncio.gather(
        qa.post(f"/api/contacts/{held[0].contact_id}/close"),
        qb.post(f"/api/contacts/{held[1].contact_id}/close"),
    )
    # two places freed: the head and the next are offered, each once; the third still waits
    for visitor in (head, second):
        await _released(consoles[0], visitor.contact_id)
    for console in consoles:
        await console.drain()
    rows = {
        v.contact["visitor_name"]: await stored_contact(world.app.ctx, v.contact_id)
        for v in (head, second, third)
    }
    assert rows["Head"].offered_at is not None and rows["Second"].offered_at is not None
    assert rows["Third"].offered_at is None and rows["Third"].offered_to == []
    for visitor in (head, second, third):
        kinds = [e.kind for e in await stored_events(world.app.ctx, visitor.contact_id)]
        assert kinds.count("contact.unqueued") == (0 if visitor is third else 1)
    assert (await qa.accept(head.contact_id)).status_code == 200


async def test_one_place_freed_offers_only_the_head(world: World) -> None:
    await _queue_world(world)
    qa = await world.agent("qa")
    console = await qa.open_console()
    held = await _held(world, qa, console)
    head = await _request(world, "Head")
    await world.app.advance(1)
    behind = await _request(world, "Behind")
    assert (await qa.post(f"/api/contacts/{held.contact_id}/close")).status_code == 200
    assert (await _released(console, head.contact_id))["can_take"] is True
    await console.drain()
    assert (await stored_contact(world.app.ctx, behind.contact_id)).offered_at is None
    # taking the head fills the agent: the one behind stays queued
    assert (await qa.accept(head.contact_id)).status_code == 200
    await console.drain()
    assert (await stored_contact(world.app.ctx, behind.contact_id)).offered_at is None


async def test_an_agent_turning_ready_takes_the_head_of_the_queue(world: World) -> None:
    await _queue_world(world)
    qa, qb = await world.agent("qa"), await world.agent("qb")
    qa_console, qb_console = await qa.open_console(), await qb.open_console()
    assert (await qb.http.put("/api/me/status", json={"status": "PAUSED"})).status_code == 200
    await _held(world, qa, qa_console)
    head = await _request(world, "Head")
    assert head.contact["queued"] is True  # qa is at work and full; qb is paused
    assert (await qb.http.put("/api/me/status", json={"status": "READY"})).status_code == 200
    entry = await _released(qb_console, head.contact_id)
    assert entry["can_take"] is True
    assert (await qb.accept(head.contact_id)).status_code == 200
