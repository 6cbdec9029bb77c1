"""A waiting visitor's place in line and the estimated wait (docs/protocol.md, *Queue
place*): derived, not stored, sent to the widget as the line moves."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.support.clients import AgentClient, Stream, VisitorClient
from tests.support.storage import stored_events


async def _place(widget: Stream, start: int = 0) -> dict[str, Any]:
    """The latest ``queue`` frame, once the server has said everything up to now."""
    await widget.drain()
    await widget.wait_for(lambda f: f["type"] == "queue", start=start)
    return [f for f in widget.frames if f["type"] == "queue"][-1]


async def _waits(world: World, service: str, name: str) -> tuple[VisitorClient, Stream]:
    visitor = world.visitor()
    response = await visitor.request(world.services[service]["id"], name=name)
    assert response.json()["contact"]["state"] == "pending"
    return visitor, await visitor.open_widget()


async def _moved(widget: Stream, position: int, start: int = 0) -> dict[str, Any]:
    """The ``queue`` frame that puts the widget at ``position``, among frames from ``start``."""
    return await widget.wait_for(
        lambda f: f["type"] == "queue" and f["position"] == position, start=start
    )


async def test_places_follow_the_routing_order_and_move(sqlite_world: World) -> None:
    world = sqlite_world
    ann = await world.agent("ann")
    await ann.open_console()
    vera, vera_w = await _waits(world, "Sales", "Vera")
    await world.app.advance(1)
    walt, walt_w = await _waits(world, "Sales", "Walt")
    # the service's priority goes up: a request made now is offered before the older ones
    response = await ann.http.patch(
        f"/api/admin/services/{world.services['Sales']['id']}", json={"priority": 1}
    )
    assert response.status_code == 200, response.text
    await world.app.advance(1)
    xena, xena_w = await _waits(world, "Sales", "Xena")
    # another service's line is its own
    _, other_w = await _waits(world, "Support", "Olga")

    assert (await _moved(xena_w, 1))["contact_id"] == xena.contact_id
    before = [e.kind for e in await stored_events(world.app.ctx, walt.contact_id)]
    await _moved(vera_w, 2)
    await _moved(walt_w, 3)
    await _moved(other_w, 1)

    # the head is taken: everyone behind moves up; the one taken hears no more places
    seen = len(vera_w.frames), len(walt_w.frames)
    assert (await ann.accept(xena.contact_id)).status_code == 200
    await _moved(vera_w, 1, seen[0])
    await _moved(walt_w, 2, seen[1])
    # one ahead leaves: the last one moves up
    seen = len(vera_w.frames), len(walt_w.frames)
    assert (await vera.leave()).status_code == 200
    await _moved(walt_w, 1, seen[1])
    await walt_w.drain()
    assert [f["position"] for f in xena_w.frames if f["type"] == "queue"] == [1]
    assert [f["position"] for f in walt_w.frames if f["type"] == "queue"][-3:] == [3, 2, 1]
    # a place is not a fact: the line moving wrote nothing to Walt's contact
    assert [e.kind for e in await stored_events(world.app.ctx, walt.contact_id)] == before


async def _answered(world: World, ann: AgentClient, service: str, after: float) -> None:
    """A contact of the service answered ``after`` seconds after its request, then closed."""
    visitor = world.visitor()
    await visitor.request(world.services[service]["id"])
    await world.app.advance(after)
    assert (await ann.accept(visitor.contact_id)).status_code == 200
    assert (await ann.post(f"/api/contacts/{visitor.contact_id}/close")).status_code == 200


async def test_the_estimate_needs_five_recent_answers(sqlite_world: World) -> None:
    world = sqlite_world
    await world.add_service("Long", tags_=["sales"], dissuasion_seconds=600)
    ann = await world.agent("ann")
    await ann.open_console()
    for _ in range(4):
        await _answered(world, ann, "Long", 90)

    # four answers: no estimate
    first, first_w = await _waits(world, "Long", "First")
    await world.app.advance(1)
    _, second_w = await _waits(world, "Long", "Second")
    assert (await _place(first_w))["wait_minutes"] is None
    assert await _place(second_w) == {
        "type": "queue",
        "contact_id": second_w.frames[0]["contact"]["id"],
        "position": 2,
        "wait_minutes": None,
    }

    # a fifth answer (the head, after 90 s): a median of 90 s, so about 2 minutes for the
    # one now first in line
    await world.app.advance(89)
    assert (await ann.accept(first.contact_id)).status_code == 200
    place = await second_w.wait_for(lambda f: f["type"] == "queue" and f["position"] == 1)
    assert place["wait_minutes"] == 2

    # answers older than the window do not count: an hour on, the estimate is gone again
    await world.app.advance(3600)
    _, late_w = await _waits(world, "Long", "Late")
    assert (await _place(late_w))["wait_minutes"] is None


async def test_a_handed_back_contact_goes_to_the_head_of_its_line(sqlite_world: World) -> None:
    world = sqlite_world
    ann, bob = await world.agent("ann"), await world.agent("bob")
    await ann.open_console()
    await bob.open_console()
    held = world.visitor()
    await held.request(world.services["Sales"]["id"], name="Held")
    assert (await bob.accept(held.contact_id)).status_code == 200
    held_w = await held.open_widget()
    await world.app.advance(1)
    _, waiting_w = await _waits(world, "Sales", "Waiting")
    await _moved(waiting_w, 1)
    assert [f for f in held_w.frames if f["type"] == "queue"] == []  # held: no place

    seen = len(waiting_w.frames)
    assert (await bob.post("/api/auth/logout", {"contacts": "requeue"})).status_code == 204
    await held_w.wait_event("contact.requeued")
    # handed back: first in line, ahead of the one who asked later but waited all along
    assert (await _moved(held_w, 1))["contact_id"] == held.contact_id
    await _moved(waiting_w, 2, seen)
