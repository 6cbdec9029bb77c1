"""The documented deployment (issue 26): Debian's nginx running docs/deploy/nginx-sportello.conf
as written (only the ports, the processes and the certificate changed) in front of two
Sportello processes on PostgreSQL and Redis. Over TLS through it: a console and a widget
connect, a chat goes both ways, a file goes up and comes down whole, a call's signalling
crosses, the session cookie is marked Secure, and nginx's request id is Sportello's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from sportello.cli import build_parser
from tests.api.test_calls import call_event, call_frame
from tests.scaleout.conftest import fresh_database, start_nodes
from tests.support.clients import AgentClient, VisitorClient
from tests.support.files import opaque
from tests.support.nginx import ThrowawayNginx
from tests.support.postgres import ThrowawayPostgres
from tests.support.redis import ThrowawayRedis
from tests.support.seed import DEFAULT_AGENTS, ServiceSpec, seed_async

UNIT = Path(__file__).resolve().parents[2] / "docs" / "deploy" / "sportello.service"


@pytest.fixture
def nginx_for() -> Iterator[list[ThrowawayNginx]]:
    started: list[ThrowawayNginx] = []
    yield started
    for proxy in started:
        proxy.stop()


async def test_a_chat_a_file_and_a_call_through_the_documented_nginx(
    postgres: ThrowawayPostgres,
    redis: ThrowawayRedis,
    tmp_path: Path,
    nginx_for: list[ThrowawayNginx],
) -> None:
    url = fresh_database(postgres, "nginx")
    services = (ServiceSpec("Calls", ("sales",), media=("chat", "voice", "video")),)
    seeded = await seed_async(url, DEFAULT_AGENTS, services)
    # nginx runs on this host: its X-Forwarded-* are believed (docs/operations.md)
    nodes = start_nodes(url, redis, tmp_path, 2, {"SPORTELLO_TRUSTED_PROXIES": '["127.0.0.1"]'})
    proxy = ThrowawayNginx([node.port for node in nodes])
    nginx_for.append(proxy)
    proxy.start()
    tls = proxy.tls()
    try:
        ann = AgentClient(proxy.url, proxy.ws_url, "ann", seeded.passwords["ann"], tls)
        signed = await ann.http.post(
            "/api/auth/login", json={"login": "ann", "password": seeded.passwords["ann"]}
        )
        assert signed.status_code == 200, signed.text
        cookie = signed.headers["set-cookie"].lower()
        assert "secure" in cookie and "httponly" in cookie  # X-Forwarded-Proto: https
        assert re.fullmatch(r"[0-9a-f]{32}", signed.headers["x-request-id"])  # nginx's
        ann.token = signed.json()["token"]
        console = await ann.open_console()

        vera = VisitorClient(proxy.url, proxy.ws_url, "https://shop.example", tls)
        made = await vera.request(seeded.services["Calls"]["id"], message="through the proxy")
        assert made.status_code == 201, made.text
        assert made.headers["access-control-allow-origin"] == "https://shop.example"
        cid = vera.contact_id
        widget = await vera.open_widget()
        await console.wait_event("contact.offered", contact_id=cid, timeout=15)
        assert (await ann.accept(cid)).status_code == 200
        await widget.wait_event("contact.joined", timeout=15)

        await widget.send(
            {"type": "message.send", "contact_id": cid, "client_msg_id": "n1", "text": "hola"}
        )
        heard = await console.wait_event("message.created", timeout=15)
        assert heard["data"]["message"]["text"] == "hola"
        assert (await ann.say(cid, "hello back")).status_code == 201
        back = await widget.wait_for(
            lambda f: (
                f.get("kind") == "message.created" and f["data"]["message"]["text"] == "hello back"
            ),
            timeout=15,
        )
        assert back["data"]["message"]["sender"] == "agent"

        content = opaque(3 * 1024 * 1024)  # streamed through, not buffered whole
        sent = await vera.http.post(
            "/api/visitor/contact/files", params={"name": "invoice.bin"}, content=content
        )
        assert sent.status_code == 201, sent.text
        told = await console.wait_for(
            lambda f: f.get("kind") == "message.created" and f["data"]["message"]["file"],
            timeout=15,
        )
        fetched = await ann.http.get(f"/api/files/{told['data']['message']['file']['id']}")
        assert fetched.status_code == 200 and fetched.content == content

        assert (await call_frame(widget, "call.start", cid, media="voice")) == {}
        call_id = (await call_event(console, "offered", timeout=15))["id"]
        assert (await call_frame(console, "call.accept", cid, call_id=call_id, media="voice")) == {}
        await call_event(widget, "accepted", timeout=15)
        candidate = {"candidate": "candidate:1 1 udp 1 192.0.2.1 9 typ host", "sdpMid": "0"}
        sent_signal = await call_frame(
            console, "call.signal", cid, call_id=call_id, candidate=candidate
        )
        assert sent_signal == {}
        signal = await widget.wait_for(lambda f: f.get("kind") == "call.signal", timeout=15)
        assert {k: signal["candidate"][k] for k in candidate} == candidate

        await widget.close()
        await console.close()
        await vera.aclose()
        await ann.aclose()
        log = proxy.access_log()
        assert "/ws/visitor" in log and "/ws/console" in log and " 101 " in log
    finally:
        for node in nodes:
            node.stop()


def test_the_documented_unit_starts_what_the_command_accepts() -> None:
    """The systemd unit's ExecStart is a command line `sportello` accepts, and its stop
    signal is the one that drains."""
    unit = UNIT.read_text()
    (exec_start,) = re.findall(r"^ExecStart=(\S+) (.+)$", unit, re.M)
    assert exec_start[0].endswith("/sportello")
    args = build_parser().parse_args(exec_start[1].split())
    assert args.command == "serve" and args.workers == 2
    assert re.search(r"^KillSignal=SIGTERM$", unit, re.M)
    assert re.search(r"^Restart=on-failure$", unit, re.M)
