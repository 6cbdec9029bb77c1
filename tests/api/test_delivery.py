"""The spine: resume from any position gives exactly the missing events, in order; a
rolled-back action emits nothing; retried sends create one message."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from sportello.actions import contacts as contact_actions
from sportello.actions.contacts import do_accept_contact
from sportello.domain.model import Role
from sportello.domain.principals import AgentPrincipal
from sportello.errors import SportelloError
from tests.conftest import World
from tests.support.clients import Stream
from tests.support.storage import stored_contact, stored_events, stored_messages


def summary(frames: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(f["position"], f["kind"]) for f in frames]


async def record_conversation(world: World) -> tuple[Any, Any, Stream, Stream, int]:
    ann = await world.agent("ann")
    console = await ann.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"], message="hello")
    widget = await visitor.open_widget()
    start = widget.frames[0]["position"]
    await ann.accept(visitor.contact_id)
    for i in range(4):
        await visitor.say(f"visitor says {i}")
        await ann.say(visitor.contact_id, f"agent says {i}")
    await visitor.http.post("/api/visitor/contact/pages", json={"url": "https://shop.example/p"})
    last = (await stored_messages(world.app.ctx, visitor.contact_id))[-1]
    await visitor.http.post(
        "/api/visitor/contact/receipts", json={"up_to": last.id, "state": "read"}
    )
    await ann.post(f"/api/contacts/{visitor.contact_id}/close")
    await widget.wait_event("contact.closed")
    await console.wait_event("contact.closed")
    return ann, visitor, console, widget, start


async def test_resume_from_every_position(world: World) -> None:
    ann, visitor, console, widget, start = await record_conversation(world)
    widget_all = await Stream.drain(widget)
    console_all = [
        f
        for f in await Stream.drain(console)
        if f["kind"] not in ("contact.offered", "contact.dequeued")
    ]
    assert len(widget_all) == 11 and len(console_all) == 12
    head = widget_all[-1]["position"]
    for since in range(start, head + 1):
        resumed = await visitor.open_widget(since=since)
        hello = resumed.frames[0]
        assert (hello["type"], hello["resumed"], hello["position"]) == ("hello", True, since)
        assert hello["contact"]["messages"] == []  # the replay brings them
        got = await Stream.drain(resumed)
        assert summary(got) == summary([f for f in widget_all if f["position"] > since]), since
        assert got == [f for f in widget_all if f["position"] > since]
        await resumed.close()
        session = await ann.open_console(since=since, session_id=ann.session_id)
        got = await Stream.drain(session)
        expected = [f for f in console_all if f["position"] > since]
        assert summary(got) == summary(expected), since
        await session.close()


async def test_fresh_connection_gets_a_snapshot_then_only_new_events(world: World) -> None:
    _ann, visitor, _console, _widget, _start = await record_conversation(world)
    fresh = await visitor.open_widget()
    hello = fresh.frames[0]
    assert hello["resumed"] is False
    texts = [m["text"] for m in hello["contact"]["messages"]]
    assert texts[0] == "hello" and texts[-1] == "agent says 3" and len(texts) == 9
    assert await Stream.drain(fresh) == []


async def test_position_ahead_of_the_stream_needs_resync(world: World) -> None:
    ann = await world.agent("ann")
    stream = await ann.open_console(since=10**9)
    error = stream.frames[-1]
    assert (error["type"], error["code"]) == ("error", "resync_required")
    await stream._task
    assert stream.ws.close_code == 4410


async def test_position_older_than_the_replay_window_needs_resync(world: World) -> None:
    world.app.ctx.settings.replay_limit = 100
    ann = await world.agent("ann")
    await ann.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    widget = await visitor.open_widget()
    start = widget.frames[0]["position"]
    await ann.accept(visitor.contact_id)
    for i in range(101):
        await ann.say(visitor.contact_id, f"m{i}")
    stale = await visitor.open_widget(since=start)
    assert stale.frames[-1]["code"] == "resync_required"
    fresh = await visitor.open_widget()
    assert len(fresh.frames[0]["contact"]["messages"]) == 101


async def test_rolled_back_action_emits_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann = await world.agent("ann")
    console = await ann.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    widget = await visitor.open_widget()
    await console.wait_event("contact.offered")
    before = await stored_events(world.app.ctx)
    hub_before = world.app.hub.position

    async def explode(*_args: object, **_kwargs: object) -> None:
        raise SportelloError("injected failure after the events were appended")

    monkeypatch.setattr(contact_actions, "contact_for_agent", explode)
    principal = AgentPrincipal(id=ann.agent["id"], login="ann", display_name="Ann", role=Role.ADMIN)
    with pytest.raises(SportelloError):
        await do_accept_contact(world.app.ctx, principal, visitor.contact_id)
    monkeypatch.undo()
    assert [e.position for e in await stored_events(world.app.ctx)] == [e.position for e in before]
    row = await stored_contact(world.app.ctx, visitor.contact_id)
    assert (row.state, row.agent_id) == ("pending", None)
    await world.app.hub.catch_up()
    assert world.app.hub.position == hub_before
    await Stream.drain(widget)
    assert widget.events("contact.joined") == []
    assert console.events("contact.assigned") == []
    assert (await ann.accept(visitor.contact_id)).status_code == 200


async def test_concurrent_sends_with_one_client_id_create_one_message(world: World) -> None:
    ann, console, visitor, widget = await world.assigned_chat()
    responses = await asyncio.gather(*(visitor.say("only once", "client-1") for _ in range(5)))
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 200, 201]
    assert len({r.json()["id"] for r in responses}) == 1
    for _ in range(5):
        await widget.send(
            {
                "type": "message.send",
                "contact_id": visitor.contact_id,
                "client_msg_id": "client-1",
                "text": "only once",
            }
        )
    await Stream.drain(widget)
    acks = [f for f in widget.frames if f["type"] == "ack"]
    assert len(acks) == 5
    assert {a["message"]["id"] for a in acks} == {responses[0].json()["id"]}
    assert all(a["duplicate"] for a in acks)
    stored = await stored_messages(world.app.ctx, visitor.contact_id)
    assert [m.text for m in stored] == ["only once"]
    await Stream.drain(console)
    assert len(console.events("message.created")) == 1
    agent_side = await asyncio.gather(
        *(ann.say(visitor.contact_id, "agent once", "a-1") for _ in range(5))
    )
    assert len({r.json()["id"] for r in agent_side}) == 1
    assert len(await stored_messages(world.app.ctx, visitor.contact_id)) == 2
