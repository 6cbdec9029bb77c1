"""An agent who signs out or disappears does not strand contacts (issue 8, product.md §2-3):
their contacts in progress go back to the queue ahead of new ones, exactly once, with
their history, and the visitor is told."""

from __future__ import annotations

from tests.conftest import World
from tests.support.storage import stored_contact, stored_events

GRACE = 60


async def test_sign_out_with_contacts_asks_first(world: World) -> None:
    bob, _console, visitor, _widget = await world.assigned_chat("bob")
    refused = await bob.post("/api/auth/logout")
    assert refused.status_code == 409
    assert refused.json()["code"] == "contacts_in_progress"
    assert refused.json()["details"]["contacts"] == [visitor.contact_id]
    assert (await bob.http.get("/api/me")).status_code == 200  # still signed in
    assert (await stored_contact(world.app.ctx, visitor.contact_id)).state == "assigned"
    wrong = await bob.post("/api/auth/logout", {"contacts": "later"})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "invalid_input")


async def test_sign_out_ending_the_contacts(world: World) -> None:
    bob, _console, visitor, widget = await world.assigned_chat("bob")
    assert (await bob.post("/api/auth/logout", {"contacts": "end"})).status_code == 204
    closed = await widget.wait_event("contact.closed")
    assert closed["data"]["closed_by"] == "agent"
    assert (await stored_contact(world.app.ctx, visitor.contact_id)).state == "closed"
    assert (await bob.http.get("/api/me")).status_code == 401


async def test_sign_out_handing_back_offers_it_to_others_ahead_of_new_contacts(
    world: World,
) -> None:
    bob, console, visitor, widget = await world.assigned_chat("bob")
    await visitor.say("my order is late")
    await bob.say(visitor.contact_id, "let me look")
    ann = await world.agent("ann")
    ann_console = await ann.open_console()
    newer = world.visitor()
    await world.app.advance(1)
    await newer.request(world.services["Support"]["id"])  # priority 5: above Sales' 15
    await ann_console.wait_event("contact.offered", contact_id=newer.contact_id)

    assert (await bob.post("/api/auth/logout", {"contacts": "requeue"})).status_code == 204
    told = await widget.wait_event("contact.requeued")
    assert told["data"]["reason"] == "agent_signed_out"
    assert told["data"]["previous_agent"]["display_name"] == "Bob"
    assert told["data"]["state"] == "pending"
    assert (await console.wait_event("contact.requeued"))["contact_id"] == visitor.contact_id
    offered = await ann_console.wait_event("contact.offered", contact_id=visitor.contact_id)
    assert offered["data"]["entry"]["requeued"] is True
    waiting = (await ann.http.get("/api/waiting")).json()
    assert [e["contact_id"] for e in waiting] == [visitor.contact_id, newer.contact_id]
    taken = await ann.post("/api/waiting/accept-oldest")
    assert taken.json()["id"] == visitor.contact_id
    texts = [m["text"] for m in taken.json()["messages"]]
    assert texts == ["my order is late", "let me look"]
    joined = await widget.wait_event("contact.joined")
    assert joined["data"]["agent"]["display_name"] == "Ann"
    row = await stored_contact(world.app.ctx, visitor.contact_id)
    assert (row.state, row.agent_id) == ("assigned", ann.agent["id"])


async def test_an_agent_gone_past_the_grace_hands_back_exactly_once(world: World) -> None:
    bob, console, visitor, widget = await world.assigned_chat("bob")
    await visitor.say("hello?")
    await console.close()
    await widget.wait_event("contact.agent_away")
    await world.app.advance(GRACE - 1)
    await world.app.hub.catch_up()
    assert (await stored_contact(world.app.ctx, visitor.contact_id)).state == "assigned"
    ann = await world.agent("ann")
    ann_console = await ann.open_console()
    await world.app.advance(1)
    told = await widget.wait_event("contact.requeued")
    assert told["data"]["reason"] == "agent_gone"
    offered = await ann_console.wait_event("contact.offered", contact_id=visitor.contact_id)
    assert offered["data"]["entry"]["requeued"] is True
    await world.app.advance(GRACE)  # later ticks find nothing more to hand back
    await world.app.hub.catch_up()
    kinds = [e.kind for e in await stored_events(world.app.ctx, visitor.contact_id)]
    assert kinds.count("contact.requeued") == 1
    # bob, back later, no longer holds it; his resumed console learns what happened
    back = await bob.open_console(since=console.position, session_id=bob.session_id)
    await back.wait_event("contact.requeued")
    fresh = await bob.open_console()
    assert fresh.frames[0]["contacts"] == []


async def test_handed_back_contact_with_nobody_to_take_it_is_dissuaded_later(
    world: World,
) -> None:
    bob, _console, visitor, widget = await world.assigned_chat("bob")
    assert (await bob.post("/api/auth/logout", {"contacts": "requeue"})).status_code == 204
    told = await widget.wait_event("contact.requeued")
    row = await stored_contact(world.app.ctx, visitor.contact_id)
    assert row.state == "pending" and row.dissuade_at == told["data"]["dissuade_at"]
    await world.app.advance(30)
    await widget.wait_event("contact.dissuaded")
