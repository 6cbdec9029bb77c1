"""product.md §2, row by row (transfer rows excepted), through HTTP and WebSocket,
asserting what each client receives and what is stored."""

from __future__ import annotations

from tests.conftest import World
from tests.support.storage import stored_contact, stored_events


async def test_new_contact_is_pending_and_shown_to_every_eligible_agent(world: World) -> None:
    ann, bob, cyd = [await world.agent(n) for n in ("ann", "bob", "cyd")]
    consoles = {a.login: await a.open_console() for a in (ann, bob, cyd)}
    visitor = world.visitor()
    response = await visitor.request(world.services["Sales"]["id"], name="Vera", locale="it-IT")
    assert response.status_code == 201
    contact = response.json()["contact"]
    assert contact["state"] == "pending"
    widget = await visitor.open_widget()
    assert widget.frames[0]["contact"]["state"] == "pending"
    for login in ("ann", "bob"):
        offered = await consoles[login].wait_event("contact.offered")
        entry = offered["data"]["entry"]
        assert entry["visitor_name"] == "Vera"
        assert entry["visitor_country"] == "IT"
        assert entry["new_visitor"] is True
        assert entry["service_name"] == "Sales"
        assert entry["site"] == "https://shop.example"
        assert entry["starred"] is False
        assert "offered_to" not in entry
    await world.app.hub.catch_up()
    assert consoles["cyd"].events("contact.offered") == []
    row = await stored_contact(world.app.ctx, visitor.contact_id)
    assert row.state == "pending" and sorted(row.offered_to) == [ann.agent["id"], bob.agent["id"]]
    assert row.dissuade_at == row.created_at + 30


async def test_returning_visitor_is_not_new(world: World) -> None:
    ann = await world.agent("ann")
    await ann.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    await visitor.leave()
    again = await visitor.request(world.services["Sales"]["id"])
    row = await stored_contact(world.app.ctx, again.json()["contact"]["id"])
    assert row.returning_visitor is True


async def test_rejected_when_nobody_is_eligible(world: World) -> None:
    visitor = world.visitor()
    response = await visitor.request(world.services["Sales"]["id"])
    assert response.status_code == 201
    assert response.json()["contact"]["state"] == "rejected"
    row = await stored_contact(world.app.ctx, visitor.contact_id)
    assert (row.state, row.outcome) == ("rejected", "rejected")
    widget = await visitor.open_widget()
    assert widget.frames[0]["contact"]["state"] == "rejected"
    kinds = [e.kind for e in await stored_events(world.app.ctx, visitor.contact_id)]
    assert "contact.rejected" in kinds


async def test_accept_assigns_and_everyone_else_loses_the_entry(world: World) -> None:
    ann, bob = await world.agent("ann"), await world.agent("bob")
    ann_console, bob_console = await ann.open_console(), await bob.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"], message="first words")
    widget = await visitor.open_widget()
    await bob_console.wait_event("contact.offered")
    response = await ann.accept(visitor.contact_id)
    assert response.status_code == 200
    detail = response.json()
    assert detail["state"] == "assigned"
    assert detail["visitor"]["name"] == "Vera Visitor"
    removed = await bob_console.wait_event("contact.dequeued")
    assert removed["data"] == {"contact_id": visitor.contact_id, "reason": "assigned"}
    assigned = await ann_console.wait_event("contact.assigned")
    assert [m["text"] for m in assigned["data"]["contact"]["messages"]] == ["first words"]
    joined = await widget.wait_event("contact.joined")
    assert joined["data"]["agent"]["display_name"] == "Ann"
    row = await stored_contact(world.app.ctx, visitor.contact_id)
    assert (row.state, row.agent_id) == ("assigned", ann.agent["id"])
    assert row.offered_to == []


async def test_accept_oldest_takes_the_longest_waiting(world: World) -> None:
    ann = await world.agent("ann")
    await ann.open_console()
    first, second = world.visitor(), world.visitor()
    await first.request(world.services["Sales"]["id"], name="First")
    await world.app.advance(1)
    await second.request(world.services["Sales"]["id"], name="Second")
    response = await ann.post("/api/waiting/accept-oldest")
    assert response.json()["visitor"]["name"] == "First"
    response = await ann.post("/api/waiting/accept-oldest")
    assert response.json()["visitor"]["name"] == "Second"
    response = await ann.post("/api/waiting/accept-oldest")
    assert (response.status_code, response.json()["code"]) == (409, "nothing_waiting")


async def test_priority_comes_before_wait(world: World) -> None:
    ann = await world.agent("ann")
    await ann.open_console()
    sales, support = world.visitor(), world.visitor()
    await sales.request(world.services["Sales"]["id"], name="Sales visitor")
    await world.app.advance(5)
    await support.request(world.services["Support"]["id"], name="Support visitor")
    waiting = (await ann.http.get("/api/waiting")).json()
    assert [e["visitor_name"] for e in waiting] == ["Support visitor", "Sales visitor"]


async def test_visitor_leaving_within_ten_seconds_is_cancelled(world: World) -> None:
    ann = await world.agent("ann")
    console = await ann.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    await console.wait_event("contact.offered")
    await world.app.advance(9)
    response = await visitor.leave()
    assert response.json()["state"] == "cancelled"
    removed = await console.wait_event("contact.dequeued")
    assert removed["data"]["reason"] == "cancelled"
    row = await stored_contact(world.app.ctx, visitor.contact_id)
    assert (row.state, row.outcome, row.closed_by) == ("cancelled", "cancelled", "visitor")


async def test_visitor_leaving_after_ten_seconds_is_abandoned(world: World) -> None:
    ann = await world.agent("ann")
    console = await ann.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    await world.app.advance(10)
    response = await visitor.leave()
    assert response.json()["state"] == "abandoned"
    removed = await console.wait_event("contact.dequeued")
    assert removed["data"]["reason"] == "abandoned"
    assert (await stored_contact(world.app.ctx, visitor.contact_id)).outcome == "abandoned"


async def test_dissuasion_timer_fires_once(world: World) -> None:
    ann = await world.agent("ann")
    console = await ann.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    widget = await visitor.open_widget()
    await world.app.advance(29)
    await world.app.ctx.db.dispose()  # nothing cached: the timer lives in the database
    assert (await stored_contact(world.app.ctx, visitor.contact_id)).state == "pending"
    await world.app.advance(1.5)
    dissuaded = await widget.wait_event("contact.dissuaded")
    # no message of the service's own: the widget says its own, in the visitor's language
    assert dissuaded["data"]["message"] == ""
    removed = await console.wait_event("contact.dequeued")
    assert removed["data"]["reason"] == "dissuaded"
    await world.app.advance(30)
    await world.app.hub.catch_up()
    kinds = [e.kind for e in await stored_events(world.app.ctx, visitor.contact_id)]
    assert kinds.count("contact.dissuaded") == 1
    row = await stored_contact(world.app.ctx, visitor.contact_id)
    assert (row.state, row.outcome) == ("dissuaded", "dissuaded")
    late = await ann.accept(visitor.contact_id)
    assert (late.status_code, late.json()["code"]) == (409, "contact_not_pending")


async def test_agent_close_with_successful_outcome(world: World) -> None:
    ann = await world.agent("ann")
    console = await ann.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"], message="hi")
    widget = await visitor.open_widget()
    await ann.accept(visitor.contact_id)
    await ann.say(visitor.contact_id, "hello, how can I help?")
    checking = await visitor.say("just checking", "v-1")
    response = await ann.post(f"/api/contacts/{visitor.contact_id}/close")
    assert response.json()["outcome"] == "successful"
    closed = await widget.wait_event("contact.closed")
    assert closed["data"] == {"state": "closed", "outcome": "successful", "closed_by": "agent"}
    await console.wait_event("contact.closed")
    again = await ann.post(f"/api/contacts/{visitor.contact_id}/close")
    assert (again.status_code, again.json()["code"]) == (409, "contact_closed")
    late = await visitor.say("are you there?")
    assert (late.status_code, late.json()["code"]) == (409, "contact_closed")
    retried = await visitor.say("just checking", "v-1")  # a retry of a stored message
    assert (retried.status_code, retried.json()["id"]) == (200, checking.json()["id"])


async def test_visitor_close_without_interaction(world: World) -> None:
    ann = await world.agent("ann")
    console = await ann.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    await ann.accept(visitor.contact_id)
    await ann.say(visitor.contact_id, "hello?")
    response = await visitor.leave()
    assert response.json()["state"] == "closed"
    closed = await console.wait_event("contact.closed")
    assert closed["data"]["closed_by"] == "visitor"
    assert closed["data"]["outcome"] == "no_interaction"
    row = await stored_contact(world.app.ctx, visitor.contact_id)
    assert (row.state, row.outcome, row.closed_by) == ("closed", "no_interaction", "visitor")


async def test_waiting_contact_reaches_an_agent_who_frees_up(world: World) -> None:
    """Routing re-runs when an agent can take more work: a waiting contact is never unseen."""
    ann, cyd = await world.agent("ann"), await world.agent("cyd")  # cyd: chat limit 1
    ann_console, cyd_console = await ann.open_console(), await cyd.open_console()
    busy = world.visitor()
    await busy.request(world.services["Support"]["id"])
    await cyd.accept(busy.contact_id)
    waiting = world.visitor()
    await waiting.request(world.services["Support"]["id"])
    offered = await ann_console.wait_event("contact.offered", contact_id=waiting.contact_id)
    assert offered["data"]["entry"]["starred"] is True  # only ann has room
    await ann.http.put("/api/me/status", json={"status": "PAUSED"})
    withdrawn = await ann_console.wait_event("contact.dequeued", contact_id=waiting.contact_id)
    assert withdrawn["data"]["reason"] == "withdrawn"
    assert (await stored_contact(world.app.ctx, waiting.contact_id)).offered_to == []
    await cyd.post(f"/api/contacts/{busy.contact_id}/close")
    reached = await cyd_console.wait_event("contact.offered", contact_id=waiting.contact_id)
    assert reached["data"]["entry"]["starred"] is True
    assert (await cyd.accept(waiting.contact_id)).status_code == 200
