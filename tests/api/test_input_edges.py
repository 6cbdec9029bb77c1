"""Inputs at the edges (odd text, out-of-range integers, odd frames and handshakes) get a
documented error, never a 500 or a dropped connection, and change nothing."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import websockets

from tests.conftest import World
from tests.support.clients import Stream
from tests.support.storage import stored_events

BIG = 2**63
LONE_SURROGATE = "\\ud800"  # as JSON spells it: a valid escape, not storable text


def raw_json(text: str) -> dict[str, Any]:
    """httpx keywords for a body sent exactly as written."""
    return {"content": text.encode(), "headers": {"Content-Type": "application/json"}}


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    assert response.json()["message"]


async def next_error(stream: Stream, raw: str | bytes) -> dict[str, Any]:
    waiter = asyncio.create_task(stream.next_frame("error"))
    await asyncio.sleep(0)
    await stream.ws.send(raw)
    return await waiter


async def still_chatting(stream: Stream, contact_id: int, ref: str) -> None:
    """The connection survived and a normal message goes through."""
    await stream.send(
        {"type": "message.send", "contact_id": contact_id, "client_msg_id": ref, "text": "ok"}
    )
    ack = await stream.wait_for(lambda f: f.get("ref") == ref)
    assert ack["type"] == "ack", ack


async def test_left_message_for_a_missing_service(sqlite_world: World) -> None:
    visitor = sqlite_world.visitor()
    body = {"name": "Vera", "email": "vera@example.com", "text": "call me"}
    for service_id, status, code in (
        (999_999, 404, "not_found"),
        (0, 422, "invalid_input"),
        (-1, 422, "invalid_input"),
        (BIG, 422, "invalid_input"),
        (-BIG - 1, 422, "invalid_input"),
    ):
        response = await visitor.http.post(
            "/api/visitor/left-messages", json={**body, "service_id": service_id}
        )
        assert_error(response, status, code)
    sales = sqlite_world.services["Sales"]["id"]
    ok = await visitor.http.post("/api/visitor/left-messages", json={**body, "service_id": sales})
    assert ok.status_code == 201


async def test_unstorable_text_is_invalid_input_everywhere(sqlite_world: World) -> None:
    world = sqlite_world
    ann, console, visitor, widget = await world.assigned_chat()
    sid = visitor.contact_id
    before = len(await stored_events(world.app.ctx))
    sales = world.services["Sales"]["id"]
    for bad in (LONE_SURROGATE, "\\udfff", "a\\u0000b"):
        http_cases = [
            (ann.http, "POST", "/api/auth/login", f'{{"login": "{bad}", "password": "x"}}'),
            (ann.http, "POST", f"/api/contacts/{sid}/messages", f'{{"text": "{bad}"}}'),
            (visitor.http, "POST", "/api/visitor/contact/messages", f'{{"text": "{bad}"}}'),
            (visitor.http, "POST", "/api/visitor/contact/pages", f'{{"url": "{bad}"}}'),
            (
                world.visitor().http,
                "POST",
                "/api/visitor/contacts",
                f'{{"service_id": {sales}, "visitor_id": "abcdefgh12", "name": "{bad}"}}',
            ),
            (
                world.visitor().http,
                "POST",
                "/api/visitor/left-messages",
                f'{{"name": "x", "email": "a@b.c", "text": "{bad}"}}',
            ),
            (ann.http, "POST", "/api/admin/services", f'{{"name": "S", "tags": ["{bad}"]}}'),
            (ann.http, "POST", "/api/admin/services", f'{{"name": "S", "{bad}": 1}}'),
            (ann.http, "PUT", f"/api/contacts/{sid}/colour", f'{{"colour": "{bad}"}}'),
        ]
        for client, method, path, body in http_cases:
            response = await client.request(method, path, **raw_json(body))
            assert_error(response, 422, "invalid_input")
        for stream in (console, widget):
            error = await next_error(
                stream,
                f'{{"type": "message.send", "contact_id": {sid}, "client_msg_id": "s",'
                f' "text": "{bad}"}}',
            )
            assert error["code"] == "invalid_input"
            error = await next_error(stream, f'{{"type": "{bad}"}}')
            assert error["code"] == "invalid_input"
    assert len(await stored_events(world.app.ctx)) == before
    await still_chatting(widget, sid, "after-text")


async def test_out_of_range_integers(sqlite_world: World) -> None:
    world = sqlite_world
    ann, console, visitor, widget = await world.assigned_chat()
    sid = visitor.contact_id
    for big in (BIG, -BIG - 1, 2**64, 10**30):
        for path in ("", "/accept", "/close", "/dismiss"):
            method = "GET" if path == "" else "POST"
            response = await ann.http.request(method, f"/api/contacts/{big}{path}")
            assert_error(response, 422, "invalid_input")
        response = await ann.post(f"/api/contacts/{sid}/receipts", {"up_to": big, "state": "read"})
        assert_error(response, 422, "invalid_input")
        response = await visitor.http.post(
            "/api/visitor/contact/receipts", json={"up_to": big, "state": "read"}
        )
        assert_error(response, 422, "invalid_input")
        response = await world.visitor().request(big)
        assert_error(response, 422, "invalid_input")
        for stream in (console, widget):
            for frame in (
                {"type": "receipt", "contact_id": sid, "up_to": big, "state": "read"},
                {"type": "typing", "contact_id": big},
                {"type": "message.send", "contact_id": big, "client_msg_id": "b", "text": "x"},
            ):
                error = await next_error(stream, json.dumps(frame))  # orjson stops at 64 bits
                assert error["code"] == "invalid_input", frame
    await still_chatting(console, sid, "after-ints")


async def test_frames_are_validated_strictly(sqlite_world: World) -> None:
    world = sqlite_world
    _ann, console, visitor, widget = await world.assigned_chat()
    sid = visitor.contact_id
    for stream in (console, widget):
        for frame in (
            {"type": "typing", "contact_id": True},
            {"type": "typing", "contact_id": str(sid)},
            {"type": "typing", "contact_id": float(sid)},
            {"type": "typing", "contact_id": sid, "active": "yes"},
            {"type": "typing", "contact_id": sid, "active": 1},
            {"type": "receipt", "contact_id": sid, "up_to": "1", "state": "read"},
            {"type": "message.send", "contact_id": sid, "client_msg_id": 5, "text": "x"},
            {"type": "ping", "ref": ["nested"]},
        ):
            error = await next_error(stream, json.dumps(frame))
            assert error["code"] == "invalid_input", frame
    response = await visitor.http.post(
        "/api/visitor/contact/receipts", json={"up_to": "1", "state": "read"}
    )
    assert_error(response, 422, "invalid_input")
    await still_chatting(widget, sid, "after-strict")


async def test_binary_and_odd_frames_answer_and_keep_the_connection(sqlite_world: World) -> None:
    world = sqlite_world
    _ann, console, visitor, widget = await world.assigned_chat()
    for stream in (console, widget):
        for raw, code in (
            (b'{"type": "ping"}', "malformed_frame"),
            (b"\xff\xfe\x00", "malformed_frame"),
            ("[" * 5000 + "]" * 5000, "malformed_frame"),
            ('{"a": ' * 5000 + "1" + "}" * 5000, "malformed_frame"),
            ("42", "malformed_frame"),
            ('"text"', "malformed_frame"),
            ('{"type": 7}', "malformed_frame"),
        ):
            error = await next_error(stream, raw)
            assert error["code"] == code, raw[:20]
    await still_chatting(console, visitor.contact_id, "after-binary-console")
    await still_chatting(widget, visitor.contact_id, "after-binary-widget")


NOT_IDS = (" 2", "2 ", "+2", "02", "2.0", "2_0", "2e0", "0x2", "\u0662", "-2", "0", str(BIG))
"""Spellings that lax integer parsing would read as 2 (or 20, or 0x2): none names a row."""


async def test_path_and_query_ids_are_plain_digits(sqlite_world: World) -> None:
    world = sqlite_world
    ann = await world.agent("ann")
    agents = (await ann.http.get("/api/admin/agents")).json()
    assert next(a["id"] for a in agents if a["login"] == "bob") == 2, "NOT_IDS spell 2"
    for raw in NOT_IDS:
        spelled = quote(raw, safe="")
        response = await ann.http.patch(f"/api/admin/agents/{spelled}", json={"chat_limit": 3})
        assert_error(response, 422, "invalid_input")
        for path in (
            f"/api/reports/contacts?service_id={spelled}",
            f"/api/reports/contacts?agent_id={spelled}",
            f"/api/supervision/left-messages?service_id={spelled}",
            f"/api/admin/audit?actor_id={spelled}",
            f"/api/contacts/{spelled}",
        ):
            assert_error(await ann.http.get(path), 422, "invalid_input")
    agents = (await ann.http.get("/api/admin/agents")).json()
    assert next(a for a in agents if a["id"] == 2)["chat_limit"] != 3


async def test_plain_ids_still_name_their_rows(sqlite_world: World) -> None:
    world = sqlite_world
    ann = await world.agent("ann")
    response = await ann.http.patch("/api/admin/agents/2", json={"chat_limit": 3})
    assert response.status_code == 200, response.text
    assert (await ann.http.get("/api/reports/contacts?service_id=1")).status_code == 200
    biggest = 2**63 - 1
    assert_error(await ann.http.get(f"/api/contacts/{biggest}"), 404, "not_found")
    for path in ("/api/admin/agents/2147483648", "/api/admin/services/2147483648"):
        assert_error(await ann.http.patch(path, json={}), 422, "invalid_input")


async def test_since_must_be_a_position(sqlite_world: World) -> None:
    world = sqlite_world
    ann = await world.agent("ann")
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    session = (await ann.post("/api/console-sessions")).json()["id"]
    for raw in ("", "\u0661", "\u00b2", "1e5", "-1", " 1", "0x10", str(2**63), str(2**64)):
        since = quote(raw)
        for url, headers in (
            (
                f"{world.app.ws_url}/ws/console?session={session}&since={since}",
                {"Cookie": f"sportello_session={ann.token}"},
            ),
            (
                f"{world.app.ws_url}/ws/visitor?token={visitor.token}&since={since}",
                {"Origin": "https://shop.example"},
            ),
        ):
            async with websockets.connect(url, additional_headers=headers) as ws:
                frame = json.loads(await ws.recv())
                assert (frame["type"], frame["code"]) == ("error", "invalid_input"), raw
                with pytest.raises(websockets.ConnectionClosed):
                    await ws.recv()
                assert ws.close_code == 4400
    head = world.app.hub.position
    stream = await visitor.open_widget(since=2**63 - 1)
    assert stream.frames[-1]["code"] == "resync_required"
    await stream._task
    assert stream.ws.close_code == 4410
    assert head == world.app.hub.position


async def test_resumed_visitor_hello_has_the_contact(sqlite_world: World) -> None:
    world = sqlite_world
    _ann, _console, visitor, widget = await world.assigned_chat()
    position = widget.position
    await widget.close()
    resumed = await visitor.open_widget(since=position)
    hello = resumed.frames[0]
    assert (hello["type"], hello["resumed"]) == ("hello", True)
    assert hello["contact"]["id"] == visitor.contact_id
    assert hello["contact"]["state"] == "assigned"


async def test_http_errors_are_code_and_message(sqlite_world: World) -> None:
    world = sqlite_world
    ann = await world.agent("ann")
    visitor = world.visitor()
    sales = world.services["Sales"]["id"]
    assert_error(await ann.http.get("/api/nowhere"), 404, "not_found")
    assert_error(await ann.http.get("/static/nothing.js"), 404, "not_found")
    response = await ann.http.delete("/api/me")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["allow"]
    for body in ("{not json", "[" * 100_000 + "]" * 100_000, '{"a":' * 5000 + "1" + "}" * 5000):
        response = await visitor.http.post("/api/visitor/contacts", **raw_json(body))
        assert_error(response, 422, "invalid_input")
    response = await visitor.http.post(
        "/api/visitor/contacts",
        json={
            "service_id": sales,
            "visitor_id": "abcdefgh12",
            "name": "V",
            "message": "x" * 10_001,
        },
    )
    assert_error(response, 413, "text_too_long")
    response = await visitor.http.post(
        "/api/visitor/contacts",
        json={"service_id": str(sales), "visitor_id": "abcdefgh12", "name": "V"},
    )
    assert_error(response, 422, "invalid_input")


async def test_sites_are_checked_on_every_visitor_request(sqlite_world: World) -> None:
    world = sqlite_world
    await world.add_service("Open", tags_=[], sites=[])
    ann = await world.agent("ann")
    await ann.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    calls = (
        ("GET", "/api/visitor/contact", None),
        ("POST", "/api/visitor/contact/messages", {"text": "hi"}),
        ("POST", "/api/visitor/contact/pages", {"url": "https://evil.example/"}),
        ("POST", "/api/visitor/contact/receipts", {"up_to": 1, "state": "read"}),
        ("POST", "/api/visitor/contact/leave", None),
    )
    for origin in ("https://evil.example", None):
        for method, path, body in calls:
            headers = {"Origin": origin} if origin else {}
            visitor.http.headers.pop("Origin", None)
            response = await visitor.http.request(method, path, json=body, headers=headers)
            assert_error(response, 403, "origin_rejected")
    visitor.http.headers["Origin"] = "https://shop.example"
    assert (await visitor.http.get("/api/visitor/contact")).json()["state"] == "pending"

    no_origin = world.visitor(origin=None)
    response = await no_origin.request(world.services["Sales"]["id"])
    assert_error(response, 403, "origin_rejected")
    response = await no_origin.http.post(
        "/api/visitor/left-messages",
        json={
            "service_id": world.services["Sales"]["id"],
            "name": "n",
            "email": "a@b.c",
            "text": "t",
        },
    )
    assert_error(response, 403, "origin_rejected")
    listed = {s["name"] for s in (await no_origin.http.get("/api/visitor/services")).json()}
    assert listed == {"Open"}

    visitor.origin = None
    refused = await visitor.open_widget()
    assert refused.frames[-1]["code"] == "origin_rejected"
    await refused._task
    assert refused.ws.close_code == 4403

    assert (await no_origin.request(world.services["Open"]["id"])).status_code == 201
    widget = await no_origin.open_widget()
    assert widget.frames[0]["type"] == "hello"
    assert (await no_origin.http.get("/api/visitor/contact")).status_code == 200
