"""Clients that go away (mid-frame, mid-send, during catch-up) are ordinary: no ERROR logs.
A real failure still logs, so the silence above means something."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterator

import pytest

from sportello.realtime import visitor_ws
from tests.conftest import World
from tests.support.clients import Stream

LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.asgi")


class Errors(logging.Handler):
    """ERROR records from the app and from uvicorn (whose loggers do not reach the root)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        return "\n".join(self.format(r) for r in self.records)


@pytest.fixture
def errors() -> Iterator[Errors]:
    handler = Errors()
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    for name in dict.fromkeys(LOGGERS):
        logging.getLogger(name).addHandler(handler)
    try:
        yield handler
    finally:
        for name in dict.fromkeys(LOGGERS):
            logging.getLogger(name).removeHandler(handler)


async def abort(stream: Stream) -> None:
    """Drop the TCP connection without a closing handshake."""
    transport = stream.ws.transport
    transport.abort()
    await stream._task


async def churn_once(world: World, agent_login: str, visitor_token: str, contact_id: int) -> None:
    ann = await world.agent(agent_login)
    visitor = world.visitor()
    visitor.token = visitor_token
    visitor.http.headers["Authorization"] = f"Bearer {visitor_token}"
    # closed during catch-up: a resumed widget and console with events to replay
    widget = await visitor.open_widget(since=0)
    await abort(widget)
    console = await ann.open_console(since=0)
    await console.ws.close()
    # closed mid-send: frames in flight when the client leaves
    for close in (abort, Stream.close):
        widget = await visitor.open_widget()
        for _ in range(5):
            await widget.send(
                {
                    "type": "message.send",
                    "contact_id": contact_id,
                    "client_msg_id": uuid.uuid4().hex,
                    "text": "churn",
                }
            )
            await widget.send({"type": "typing", "contact_id": contact_id})
        await close(widget)
    # closed mid-frame: half a frame on the wire, then gone
    widget = await visitor.open_widget()
    widget.ws.transport.write(b"\x81\xfe\x10\x00")
    await abort(widget)
    # events pushed while consoles and widgets are leaving
    console = await ann.open_console()
    sender = asyncio.create_task(ann.say(contact_id, "while you leave"))
    await abort(console)
    await sender
    await ann.aclose()


async def test_reconnect_churn_logs_no_errors(world: World, errors: Errors) -> None:
    ann, console, visitor, _widget = await world.assigned_chat()
    for i in range(4):
        await ann.say(visitor.contact_id, f"backlog {i}")
    for _ in range(6):
        await churn_once(world, "ann", visitor.token, visitor.contact_id)
    # the server is fine and the chat still works
    await console.drain()
    assert (await visitor.say("still here")).status_code == 201
    await console.wait_for(
        lambda f: (
            f.get("kind") == "message.created" and f["data"]["message"]["text"] == "still here"
        )
    )
    await asyncio.sleep(0.2)  # let sessions that were aborted finish their clean-up
    assert errors.records == [], errors.text()


async def test_a_real_failure_still_logs(
    sqlite_world: World, errors: Errors, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = sqlite_world
    _ann, _console, visitor, widget = await world.assigned_chat()

    async def broken(*_args: object, **_kwargs: object) -> int:
        raise RuntimeError("deliberate failure")

    monkeypatch.setattr(visitor_ws, "do_mark_messages", broken)
    await widget.send(
        {"type": "receipt", "contact_id": visitor.contact_id, "up_to": 1, "state": "read"}
    )
    error = await widget.wait_for(lambda f: f["type"] == "error")
    assert error["code"] == "internal"
    assert "deliberate failure" in errors.text()

    monkeypatch.setattr("sportello.web.routes_visitor.do_mark_messages", broken)
    errors.records.clear()
    response = await visitor.http.post(
        "/api/visitor/contact/receipts", json={"up_to": 1, "state": "read"}
    )
    assert (response.status_code, response.json()["code"]) == (500, "internal")
    assert response.json()["message"]
    assert "deliberate failure" in errors.text()


async def test_an_uploader_hanging_up_mid_body_logs_no_error(
    sqlite_world: World, errors: Errors, caplog: pytest.LogCaptureFixture
) -> None:
    """A client going away mid-upload is ordinary: a debug line, no ERROR, nothing kept."""
    caplog.set_level(logging.DEBUG, logger="sportello.web.errors")
    world = sqlite_world
    _ann, _console, visitor, _widget = await world.assigned_chat()
    port = int(world.app.url.rsplit(":", 1)[1])
    _reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /api/visitor/contact/files?name=big.bin HTTP/1.1\r\n"
        b"Host: 127.0.0.1\r\n"
        b"Origin: https://shop.example\r\n"
        + f"Authorization: Bearer {visitor.token}\r\n".encode()
        + b"Content-Length: 100000\r\n\r\n"
        + b"x" * 1000
    )
    await writer.drain()
    writer.transport.abort()

    def went_away() -> bool:
        return any("went away" in r.getMessage() for r in caplog.records)

    for _ in range(200):  # until the server has handled it, one way or the other
        if errors.records or went_away():
            break
        await asyncio.sleep(0.02)
    assert errors.records == [], errors.text()

    assert went_away()
    assert [p for p in world.app.ctx.settings.files_root.rglob("*") if p.is_file()] == []
    assert (await visitor.say("still here")).status_code == 201
