"""Contacts that outlive their people (issue 8): a visitor whose page goes away, an agent who
signs out or disappears. Each path asserts the stored outcome and what every client got."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import orjson

from sportello.actions.context import Ctx
from tests.conftest import World, make_world
from tests.support.inproc import serve_app
from tests.support.storage import stored_contact, stored_events

GRACE = 60


async def _kinds(world: World, contact_id: int) -> list[str]:
    return [e.kind for e in await stored_events(world.app.ctx, contact_id)]


async def test_pending_visitor_gone_within_ten_seconds_is_cancelled(world: World) -> None:
    ann = await world.agent("ann")
    console = await ann.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    widget = await visitor.open_widget()
    await console.wait_event("contact.offered")
    await world.app.advance(5)
    await widget.close()
    departed = await console.wait_event("visitor.departed")  # the waiting entry shows it
    assert departed["data"]["left_at"] == departed["at"] == world.app.clock.now()
    await world.app.advance(24)
    await world.app.hub.catch_up()
    assert (await stored_contact(world.app.ctx, visitor.contact_id)).state == "pending"
    await world.app.advance(1)  # dissuasion time: the visitor had left, so it is no dissuasion
    gone = await console.wait_event("contact.dequeued")
    assert gone["data"] == {"contact_id": visitor.contact_id, "reason": "cancelled"}
    row = await stored_contact(world.app.ctx, visitor.contact_id)
    assert (row.state, row.outcome, row.closed_by) == ("cancelled", "cancelled", "visitor_gone")
    assert (await _kinds(world, visitor.contact_id)).count("contact.cancelled") == 1


async def test_pending_visitor_gone_after_ten_seconds_is_abandoned(world: World) -> None:
    slow = await world.add_service("Slow", tags_=["sales"], dissuasion_seconds=300)
    bob = await world.agent("bob")
    console = await bob.open_console()
    visitor = world.visitor()
    await visitor.request(slow["id"])
    widget = await visitor.open_widget()
    await world.app.advance(12)
    await widget.close()
    await console.wait_event("visitor.departed")
    await world.app.advance(GRACE)
    gone = await console.wait_event("contact.dequeued")
    assert gone["data"]["reason"] == "abandoned"
    row = await stored_contact(world.app.ctx, visitor.contact_id)
    assert (row.state, row.outcome, row.closed_by) == ("abandoned", "abandoned", "visitor_gone")
    assert row.closed_at == row.visitor_left_at + GRACE < row.dissuade_at  # by the grace


async def test_assigned_visitor_gone_shows_at_once_then_ends_and_frees_the_slot(
    world: World,
) -> None:
    await world.add_agent("solo", ["sales"], chat_limit=1)
    solo = await world.agent("solo")
    console = await solo.open_console()
    first = world.visitor()
    await first.request(world.services["Sales"]["id"])
    assert (await solo.accept(first.contact_id)).status_code == 200
    widget = await first.open_widget()
    await solo.say(first.contact_id, "hello")
    await first.say("hi")
    await solo.say(first.contact_id, "how can I help?")
    await widget.close()
    departed = await console.wait_event("visitor.departed")
    assert departed["contact_id"] == first.contact_id
    assert departed["data"]["gone_at"] == departed["data"]["left_at"] + GRACE
    assert departed["data"]["navigating"] is None
    second = world.visitor()
    assert (await second.request(world.services["Sales"]["id"])).json()["contact"][
        "state"
    ] == "rejected"  # the slot is still taken during the grace
    await world.app.advance(GRACE)
    closed = await console.wait_event("contact.closed")
    assert closed["data"] == {
        "state": "closed",
        "outcome": "successful",
        "closed_by": "visitor_gone",
    }
    row = await stored_contact(world.app.ctx, first.contact_id)
    assert (row.state, row.closed_by, row.visitor_gone_at) == ("closed", "visitor_gone", None)
    third = world.visitor()
    assert (await third.request(world.services["Sales"]["id"])).json()["contact"][
        "state"
    ] == "pending"  # the slot is free again
    assert (await _kinds(world, first.contact_id)).count("contact.closed") == 1


async def test_page_change_within_the_grace_keeps_the_contact(world: World) -> None:
    _ann, console, visitor, widget = await world.assigned_chat()
    link = widget.frames[0]["link"]
    beacon = await visitor.http.post(
        "/api/visitor/contact/departure",
        content=orjson.dumps({"token": visitor.token, "link": link, "navigating": True}),
        headers={"Content-Type": "text/plain;charset=UTF-8"},
    )
    assert beacon.status_code == 200 and beacon.json() == {"departure": True}
    departed = await console.wait_event("visitor.departed")
    assert departed["data"]["navigating"] is True
    await widget.close()
    await world.app.advance(3)
    next_page = await visitor.open_widget(since=widget.position)
    assert next_page.frames[0]["link"] == link + 1
    await console.wait_event("visitor.returned")
    await world.app.advance(GRACE * 2)
    await world.app.hub.catch_up()
    row = await stored_contact(world.app.ctx, visitor.contact_id)
    assert (row.state, row.visitor_gone_at, row.visitor_left_at) == ("assigned", None, None)
    assert "contact.closed" not in await _kinds(world, visitor.contact_id)


async def test_a_late_close_of_the_old_page_does_not_start_a_departure(world: World) -> None:
    _ann, console, visitor, widget = await world.assigned_chat()
    old_link = widget.frames[0]["link"]
    next_page = await visitor.open_widget()  # the new page connected before the old closed
    await widget.close()
    stale = await visitor.http.post(
        "/api/visitor/contact/departure",
        content=orjson.dumps({"token": visitor.token, "link": old_link}),
    )
    assert stale.json() == {"departure": False}
    await world.app.advance(GRACE * 2)
    await world.app.hub.catch_up()
    assert (await stored_contact(world.app.ctx, visitor.contact_id)).state == "assigned"
    assert "visitor.departed" not in await _kinds(world, visitor.contact_id)
    await next_page.close()
    await console.wait_event("visitor.departed")


async def test_a_visitor_back_within_the_grace_carries_on(world: World) -> None:
    _ann, console, visitor, widget = await world.assigned_chat()
    await widget.close()
    await console.wait_event("visitor.departed")
    await world.app.advance(GRACE - 5)
    back = await visitor.open_widget(since=widget.position)
    await console.wait_event("visitor.returned")
    await world.app.advance(30)
    assert (await visitor.say("still here")).status_code == 201
    await console.wait_event("message.created")
    assert (await stored_contact(world.app.ctx, visitor.contact_id)).state == "assigned"
    await back.close()


async def test_departure_beacon_needs_a_valid_token(world: World) -> None:
    _ann, _console, visitor, _widget = await world.assigned_chat()
    forged = await visitor.http.post(
        "/api/visitor/contact/departure",
        content=orjson.dumps({"token": visitor.token + "x", "link": 1}),
    )
    assert (forged.status_code, forged.json()["code"]) == (401, "not_authenticated")
    garbled = await visitor.http.post("/api/visitor/contact/departure", content=b"{nope")
    assert (garbled.status_code, garbled.json()["code"]) == (422, "invalid_input")


async def _state_becomes(world_ctx: Ctx, contact_id: int, state: str) -> Any:
    """The stored contact once it reaches ``state`` (the scheduler ticks in real time)."""
    for _ in range(100):
        row = await stored_contact(world_ctx, contact_id)
        if row.state == state:
            return row
        await asyncio.sleep(0.05)
    raise AssertionError(f"contact {contact_id} stayed {row.state}")


async def test_departure_deadline_survives_a_restart(sqlite_url: str, tmp_path: Path) -> None:
    async with serve_app(sqlite_url, tmp_path) as app:
        world = await make_world(app)
        _ann, console, visitor, widget = await world.assigned_chat()
        contact_id = visitor.contact_id
        await widget.close()
        await console.wait_event("visitor.departed")
        await world.close()
    async with serve_app(sqlite_url, tmp_path) as app:
        await app.advance(GRACE / 2)
        assert (await stored_contact(app.ctx, contact_id)).state == "assigned"
        await app.advance(GRACE / 2)
        row = await _state_becomes(app.ctx, contact_id, "closed")
        assert row.closed_by == "visitor_gone"
        kinds = [e.kind for e in await stored_events(app.ctx, contact_id)]
        assert kinds.count("contact.closed") == 1
        assert kinds.count("visitor.departed") == 1  # the restart did not start a second one
