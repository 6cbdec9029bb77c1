"""First end-to-end pass through the public interface: request, accept, chat, close."""

from __future__ import annotations

from tests.conftest import World


async def test_request_accept_chat_close(world: World) -> None:
    ann = await world.agent("ann")
    console = await ann.open_console()
    visitor = world.visitor()
    response = await visitor.request(world.services["Sales"]["id"], message="Hello?")
    assert response.status_code == 201, response.text
    assert visitor.contact["state"] == "pending"
    offered = await console.wait_event("contact.offered")
    assert offered["data"]["entry"]["contact_id"] == visitor.contact_id
    assert offered["data"]["entry"]["starred"] is True
    widget = await visitor.open_widget()
    accepted = await ann.accept(visitor.contact_id)
    assert accepted.status_code == 200, accepted.text
    assert [m["text"] for m in accepted.json()["messages"]] == ["Hello?"]
    await widget.wait_event("contact.joined")
    await console.wait_event("contact.assigned")
    sent = await ann.say(visitor.contact_id, "Hi, how can I help?")
    assert sent.status_code == 201
    got = await widget.wait_event("message.created")
    assert got["data"]["message"]["text"] == "Hi, how can I help?"
    await visitor.say("I need a quote")
    await console.wait_for(
        lambda f: (
            f.get("kind") == "message.created" and f["data"]["message"]["text"] == "I need a quote"
        )
    )
    closed = await ann.post(f"/api/contacts/{visitor.contact_id}/close")
    assert closed.status_code == 200
    assert closed.json()["outcome"] == "successful"
    await widget.wait_event("contact.closed")
