"""The waiting entry shows what the visitor wrote first (issue 24): from the start form or
while waiting, live to the consoles it is offered to and in the waiting area after a reload."""

from __future__ import annotations

from tests.conftest import World


async def test_the_first_message_written_while_waiting_reaches_the_entry(world: World) -> None:
    bob = await world.agent("bob")
    console = await bob.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    offered = await console.wait_event("contact.offered")
    assert offered["data"]["entry"]["first_message"] is None  # nothing written yet

    assert (await visitor.say("Is the blue one in stock?")).status_code == 201
    told = await console.wait_event("contact.waiting_message")
    first = told["data"]["first_message"]
    assert told["contact_id"] == visitor.contact_id
    assert (first["text"], first["file_name"]) == ("Is the blue one in stock?", None)

    # only the first one is told; the entry keeps it after a reload
    assert (await visitor.say("And in size 42?")).status_code == 201
    assert (await visitor.say("Thanks")).status_code == 201
    fresh = await bob.open_console()
    entry = fresh.frames[0]["waiting"][0]
    assert entry["first_message"]["text"] == "Is the blue one in stock?"
    assert (await visitor.leave()).status_code == 200
    await console.wait_event("contact.dequeued")  # every earlier event has arrived
    assert len(console.events("contact.waiting_message")) == 1


async def test_a_start_form_message_comes_with_the_offer(world: World) -> None:
    bob = await world.agent("bob")
    console = await bob.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"], message="Hello, a question")
    offered = await console.wait_event("contact.offered")
    assert offered["data"]["entry"]["first_message"]["text"] == "Hello, a question"
    listed = await bob.http.get("/api/waiting")
    assert listed.status_code == 200
    assert listed.json()[0]["first_message"]["text"] == "Hello, a question"


async def test_messages_after_the_answer_are_not_waiting_news(world: World) -> None:
    """Once an agent holds it, a visitor's message is no queue news for the others."""
    ann = await world.agent("ann")
    watcher = await ann.open_console()
    _bob, console, visitor, _widget = await world.assigned_chat("bob", "Sales")
    assert (await visitor.say("now we talk")).status_code == 201
    await console.wait_event("message.created")
    later = world.visitor()
    await later.request(world.services["Sales"]["id"])
    await watcher.wait_for(
        lambda f: f.get("kind") == "contact.offered" and f["contact_id"] == later.contact_id
    )
    assert watcher.events("contact.waiting_message") == []
