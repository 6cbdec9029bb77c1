"""Visitor-side rate limits: per IP and per visitor token, 429 + Retry-After, WS error frame."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import World, make_world
from tests.support.inproc import serve_app


@pytest.fixture
async def limited(sqlite_url: str, tmp_path: Path) -> AsyncIterator[World]:
    limits = {
        "rate_contacts_per_minute": 3,
        "rate_left_messages_per_minute": 1,
        "rate_messages_per_minute": 3,
        "rate_ip_messages_per_minute": 5,
    }
    async with serve_app(sqlite_url, tmp_path, **limits) as app:
        world = await make_world(app)
        ann = await world.agent("ann")
        await ann.open_console()  # contacts wait instead of being rejected
        try:
            yield world
        finally:
            await world.close()


async def test_new_contacts_per_ip(limited: World) -> None:
    world = limited
    sales = world.services["Sales"]["id"]
    for _ in range(3):
        assert (await world.visitor().request(sales)).status_code == 201
    refused = await world.visitor().request(sales)
    assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")
    assert refused.headers["Retry-After"] == "20"  # one contact per 20 s
    assert refused.json()["details"]["retry_after"] == 20
    await world.app.advance(20)
    assert (await world.visitor().request(sales)).status_code == 201


async def test_left_messages_per_ip(limited: World) -> None:
    world = limited
    body = {"name": "Vera", "email": "vera@example.com", "text": "call me"}
    visitor = world.visitor()
    assert (await visitor.http.post("/api/visitor/left-messages", json=body)).status_code == 201
    refused = await visitor.http.post("/api/visitor/left-messages", json=body)
    assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")
    assert refused.headers["Retry-After"] == "60"


async def test_messages_per_visitor_token_and_per_ip(limited: World) -> None:
    world = limited
    first, second = world.visitor(), world.visitor()
    for visitor in (first, second):
        await visitor.request(world.services["Sales"]["id"])
    for n in range(3):
        assert (await first.say(f"message {n}")).status_code == 201
    refused = await first.say("one too many")
    assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")
    assert refused.headers["Retry-After"] == "20"

    widget = await second.open_widget()
    for n in range(3):
        start = len(widget.frames)
        ref = f"w{n}"
        frame = {"type": "message.send", "contact_id": second.contact_id, "client_msg_id": ref}
        await widget.send({**frame, "text": f"over the socket {n}"})
        answer = await widget.wait_for(lambda f, ref=ref: f.get("ref") == ref, start=start)
        if n < 2:
            assert answer["type"] == "ack"
        else:  # the IP's five messages a minute are spent, though this token has one left
            assert (answer["type"], answer["code"]) == ("error", "rate_limited")
            assert answer["details"]["retry_after"] == 12
    await world.app.advance(20)
    assert (await first.say("after a pause")).status_code == 201
    texts = [m["text"] for m in (await first.http.get("/api/visitor/contact")).json()["messages"]]
    assert "one too many" not in texts and texts[-1] == "after a pause"


async def test_files_count_as_visitor_messages(limited: World) -> None:
    """70 one-byte files in seconds are not 70 messages: a file is a message."""
    world = limited
    ann = await world.agent("ann")
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    assert (await ann.accept(visitor.contact_id)).status_code == 200
    answers = []
    for n in range(5):
        response = await visitor.http.post(
            "/api/visitor/contact/files",
            params={"name": f"{n}.txt", "description": f"file {n}"},
            content=b"x",
        )
        answers.append((response.status_code, response.json().get("code")))
    assert answers[:3] == [(201, None)] * 3
    assert answers[3:] == [(429, "rate_limited")] * 2
    refused = await visitor.say("and a message")
    assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")
    sent = (await visitor.http.get("/api/visitor/contact/files")).json()
    assert [f["name"] for f in sent] == ["0.txt", "1.txt", "2.txt"]
