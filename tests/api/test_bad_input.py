"""Bad input gets a documented error code and changes nothing."""

from __future__ import annotations

import asyncio
import time

import websockets

from sportello.security.tokens import sign_visitor_token
from tests.conftest import World
from tests.support.storage import stored_contact, stored_events, stored_messages


async def test_bad_frames(sqlite_world: World) -> None:
    world = sqlite_world
    _ann, console, visitor, widget = await world.assigned_chat()
    before = len(await stored_events(world.app.ctx))
    cases = [
        ("{not json", "malformed_frame"),
        ("[1, 2]", "malformed_frame"),
        ('{"type": "teleport"}', "unknown_frame_type"),
        ('{"type": "message.send", "contact_id": 1}', "invalid_input"),
        ('{"type": "receipt", "contact_id": 1, "up_to": 1, "state": "eaten"}', "invalid_input"),
    ]
    for stream in (console, widget):
        for raw, code in cases:
            waiter = asyncio.create_task(stream.next_frame("error"))
            await asyncio.sleep(0)
            await stream.ws.send(raw)
            error = await waiter
            assert error["code"] == code, raw
    long_text = "x" * 10_001
    await widget.send(
        {
            "type": "message.send",
            "contact_id": visitor.contact_id,
            "client_msg_id": "big",
            "text": long_text,
        }
    )
    error = await widget.wait_for(lambda f: f.get("ref") == "big")
    assert (error["type"], error["code"]) == ("error", "text_too_long")
    await widget.send(
        {
            "type": "message.send",
            "contact_id": visitor.contact_id + 1,
            "client_msg_id": "other",
            "text": "hi",
        }
    )
    error = await widget.wait_for(lambda f: f.get("ref") == "other")
    assert error["code"] == "forbidden"
    assert len(await stored_events(world.app.ctx)) == before
    assert await stored_messages(world.app.ctx, visitor.contact_id) == []
    pong = await widget.send({"type": "ping", "ref": "still-alive"})
    assert pong is None
    await widget.wait_for(lambda f: f["type"] == "pong" and f["ref"] == "still-alive")


async def test_http_errors(sqlite_world: World) -> None:
    world = sqlite_world
    ann, _console, visitor, _widget = await world.assigned_chat()
    bob = await world.agent("bob")
    sid = visitor.contact_id

    async def expect(response, status: int, code: str) -> None:  # type: ignore[no-untyped-def]
        assert (response.status_code, response.json()["code"]) == (status, code), response.text
        assert response.json()["message"]

    await expect(await ann.say(sid, "x" * 10_001), 413, "text_too_long")
    await expect(await ann.say(sid, "   "), 422, "invalid_input")
    await expect(await ann.post(f"/api/contacts/{sid}/messages", {"nope": 1}), 422, "invalid_input")
    await expect(await ann.say(999_999, "hello"), 404, "not_found")
    await expect(await ann.accept(999_999), 404, "not_found")
    await expect(await bob.say(sid, "let me in"), 403, "forbidden")
    await expect(await bob.http.get(f"/api/contacts/{sid}"), 403, "forbidden")
    await expect(await bob.post(f"/api/contacts/{sid}/close"), 403, "forbidden")
    await expect(await bob.accept(sid), 409, "already_taken")
    await expect(await bob.post("/api/admin/services", {"name": "x"}), 403, "forbidden")
    await expect(
        await bob.http.patch("/api/console-sessions/nope", json={"chat": False}), 404, "not_found"
    )
    anonymous = world.visitor()
    await expect(await anonymous.http.get("/api/visitor/contact"), 401, "not_authenticated")
    await expect(await anonymous.http.get("/api/me"), 401, "not_authenticated")
    expired = sign_visitor_token("test-secret", sid, visitor.visitor_id, time.time() - 10)
    response = await anonymous.http.get(
        "/api/visitor/contact", headers={"Authorization": f"Bearer {expired}"}
    )
    await expect(response, 401, "token_expired")
    forged = visitor.token[:-4] + ("AAAA" if not visitor.token.endswith("AAAA") else "BBBB")
    response = await anonymous.http.get(
        "/api/visitor/contact", headers={"Authorization": f"Bearer {forged}"}
    )
    await expect(response, 401, "not_authenticated")
    other = world.visitor()
    await other.request(world.services["Sales"]["id"])
    response = await other.http.get("/api/visitor/contact")
    assert response.json()["id"] == other.contact_id
    row = await stored_contact(world.app.ctx, sid)
    assert (row.state, row.agent_id) == ("assigned", ann.agent["id"])
    assert await stored_messages(world.app.ctx, sid) == []


async def test_login_lockout(sqlite_world: World) -> None:
    world = sqlite_world
    client = await world.agent("ann")
    for _ in range(4):
        response = await client.post(
            "/api/auth/login", {"login": "bob", "password": "wrong-password"}
        )
        assert response.json()["code"] == "invalid_credentials"
    response = await client.post("/api/auth/login", {"login": "bob", "password": "wrong-password"})
    assert (response.status_code, response.json()["code"]) == (429, "account_locked")
    assert int(response.headers["Retry-After"]) == 300
    right = await client.post("/api/auth/login", {"login": "bob", "password": "bob-password"})
    assert right.json()["code"] == "account_locked"
    await world.app.advance(301)
    right = await client.post("/api/auth/login", {"login": "bob", "password": "bob-password"})
    assert right.status_code == 200
    assert "httponly" in right.headers["set-cookie"].lower()
    assert "samesite=strict" in right.headers["set-cookie"].lower()


async def test_logout_ends_the_session(sqlite_world: World) -> None:
    ann = await sqlite_world.agent("ann")
    assert (await ann.http.get("/api/me")).status_code == 200
    assert (await ann.post("/api/auth/logout")).status_code == 204
    ann.http.cookies.clear()
    response = await ann.http.get("/api/me", headers={"Authorization": f"Bearer {ann.token}"})
    assert response.status_code == 401


async def test_origins_are_checked(sqlite_world: World) -> None:
    world = sqlite_world
    ann = await world.agent("ann")
    await ann.open_console()
    stranger = world.visitor(origin="https://evil.example")
    response = await stranger.request(world.services["Sales"]["id"])
    assert (response.status_code, response.json()["code"]) == (403, "origin_rejected")
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    visitor.origin = "https://evil.example"
    refused = await visitor.open_widget()
    assert refused.frames[-1]["code"] == "origin_rejected"
    await refused._task
    assert refused.ws.close_code == 4403
    session = (await ann.post("/api/console-sessions")).json()["id"]
    ws = await websockets.connect(
        f"{world.app.ws_url}/ws/console?session={session}",
        additional_headers={
            "Cookie": f"sportello_session={ann.token}",
            "Origin": "https://evil.example",
        },
    )
    frame = await ws.recv()
    assert "origin_rejected" in str(frame)
    await ws.close()
    listed = await stranger.http.get("/api/visitor/services")
    assert listed.json() == []
    allowed = await world.visitor().http.get("/api/visitor/services")
    names = {s["name"]: s["available"] for s in allowed.json()}
    assert names == {"Sales": True, "Support": True, "Anything": True}


async def test_console_without_valid_session_is_refused(sqlite_world: World) -> None:
    ann = await sqlite_world.agent("ann")
    ws = await websockets.connect(f"{sqlite_world.app.ws_url}/ws/console?session=x")
    assert "not_authenticated" in str(await ws.recv())
    await ws.close()
    stream = await ann.open_console(session_id="not-a-session")
    assert stream.frames[-1]["code"] == "not_found"


async def test_an_explicit_bearer_token_wins_over_the_cookie(sqlite_world: World) -> None:
    ann = await sqlite_world.agent("ann")
    bob_login = await ann.post("/api/auth/login", {"login": "bob", "password": "bob-password"})
    assert bob_login.status_code == 200  # the client's cookie jar now holds bob's session
    as_ann = await ann.http.get("/api/me", headers={"Authorization": f"Bearer {ann.token}"})
    assert as_ann.json()["login"] == "ann"
    assert (await ann.http.get("/api/me")).json()["login"] == "bob"
