"""Structured logs (issue 26): a real `sportello serve` with ``SPORTELLO_LOG_FORMAT=json``
writes one JSON object per line; each request's line names its route, status and request
id (sent back as ``X-Request-ID``), with the agent and contact once known; a socket's lines
carry a connection id; and nothing at info holds a message's text, a file's name or a
token."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from sportello import log_context
from sportello.log_format import JsonFormatter, TextFormatter
from tests.support.clients import AgentClient, VisitorClient
from tests.support.seed import seed_async
from tests.support.server import ServerProcess

SECRET_TEXT = "my parcel number is PX-99120"
FILE_NAME = "passport-scan-of-vera.pdf"


def json_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]


async def test_a_chat_is_logged_by_route_and_ids_without_its_words(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'logs.sqlite3'}"
    seeded = await seed_async(url)
    server = ServerProcess(
        url,
        data_dir=tmp_path,
        env={"SPORTELLO_LOG_LEVEL": "info", "SPORTELLO_LOG_FORMAT": "json"},
    )
    server.start()
    try:
        ann = await AgentClient(server.url, server.ws_url, "ann", seeded.passwords["ann"]).sign_in()
        console = await ann.open_console()
        vera = VisitorClient(server.url, server.ws_url)
        created = await vera.request(seeded.services["Sales"]["id"])
        assert created.status_code == 201, created.text
        widget = await vera.open_widget()
        contact_id = vera.contact_id
        await console.wait_event("contact.offered")
        accepted = await ann.http.post(
            f"/api/contacts/{contact_id}/accept", headers={"X-Request-ID": "proxy-7f3a"}
        )
        assert accepted.status_code == 200, accepted.text
        assert accepted.headers["x-request-id"] == "proxy-7f3a"
        assert (await vera.say(SECRET_TEXT)).status_code in (200, 201)
        await console.wait_event("message.created")
        upload = await vera.http.post(
            "/api/visitor/contact/files",
            params={"name": FILE_NAME},
            content=b"%PDF-1.4\n%%EOF\n",
        )
        assert upload.status_code in (200, 201), upload.text
        closed = await ann.post(f"/api/contacts/{contact_id}/close")
        assert closed.status_code == 200, closed.text
        await widget.close()
        await console.close()
        await vera.aclose()
        await ann.aclose()
    finally:
        server.stop()
    text = server.log_path.read_text()
    lines = json_lines(server.log_path)
    assert lines, text[-2000:]
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    requests = [line for line in lines if line["logger"] == "sportello.requests"]
    accept = [line for line in requests if "/accept" in line["message"]]
    assert accept == [
        {
            **accept[0],
            "message": "POST /api/contacts/{contact_id}/accept 200",
            "request_id": "proxy-7f3a",
            "agent_id": seeded.agents["ann"]["id"],
            "contact_id": contact_id,
        }
    ]
    assert isinstance(accept[0]["ms"], float)
    visitor_lines = [line for line in requests if line["message"].startswith("POST /api/visitor/")]
    assert visitor_lines and all(line["request_id"] for line in visitor_lines)
    assert any(line.get("contact_id") == contact_id for line in visitor_lines)
    sockets = [line for line in lines if "WebSocket" in line["message"]]
    assert sockets and all(line.get("connection_id") for line in sockets)
    assert any(line.get("contact_id") == contact_id for line in sockets)
    for secret in (SECRET_TEXT, FILE_NAME, vera.token or "-", "token="):
        assert secret not in text


def _record(message: str, **extra: Any) -> logging.LogRecord:
    return logging.makeLogRecord({"name": "t", "levelname": "INFO", "msg": message, **extra})


def test_the_two_formats_carry_the_context_and_the_record_s_own_fields() -> None:
    log_context.begin(request_id="r1")
    log_context.note(agent_id=4, contact_id=None)
    record = _record("hello %s", args=("there",), ms=1.5, context=log_context.current())
    line = json.loads(JsonFormatter().format(record))
    assert {k: line[k] for k in ("level", "message", "request_id", "agent_id", "ms")} == {
        "level": "info",
        "message": "hello there",
        "request_id": "r1",
        "agent_id": 4,
        "ms": 1.5,
    }
    assert "contact_id" not in line
    assert TextFormatter().format(record) == "INFO t: hello there [request_id=r1 agent_id=4 ms=1.5]"
