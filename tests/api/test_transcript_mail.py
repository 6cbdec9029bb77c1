"""Transcripts by e-mail through a real local SMTP server (aiosmtpd): the parts and the
language, retries with backoff, and exactly one e-mail per request across a SIGKILL of the
server process (the outbox row is claimed, sent, then marked)."""

from __future__ import annotations

import asyncio
import email
import threading
import time
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import insert, select

from sportello.storage.tables import email_outbox, messages
from tests.support.clients import AgentClient, VisitorClient
from tests.support.inproc import serve_app
from tests.support.postgres import free_port
from tests.support.seed import seed_async
from tests.support.server import ServerProcess


class Inbox:
    """An aiosmtpd handler keeping what it accepted; ``hold`` makes it sit on DATA (the
    message is not accepted while it waits)."""

    def __init__(self) -> None:
        self.accepted: list[Message] = []
        self.hold = threading.Event()
        self.holding = threading.Event()
        self.released = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if "nobody@" in envelope.rcpt_tos[0]:
            return "550 no such mailbox"
        if self.hold.is_set():
            self.holding.set()
            await asyncio.to_thread(self.released.wait)
            return "451 try again later"
        self.accepted.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    inbox.released.set()
    controller.stop()


def smtp_settings(port: int) -> dict[str, Any]:
    return {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_security": "none",
        "smtp_from": "Bottega Aurora <help@shop.example>",
        "smtp_timeout_seconds": 2,
    }


async def until(check: Any, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def parts(message: Message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_payload(decode=True).decode()  # type: ignore[union-attr]
        for part in message.walk()
        if not part.is_multipart()
    }


async def hold_back(ctx: Any, contact_id: int, text: str) -> None:
    """An agent message the visitor was never shown (held for its translation): the
    e-mail, read through ``visitor_transcript`` as the widget's view is, leaves it out."""
    async with ctx.db.write() as conn:
        await conn.execute(
            insert(messages).values(
                contact_id=contact_id,
                sender="agent",
                text=text,
                created_at=ctx.clock.now(),
                visitor_hold_until=ctx.clock.now() + 3600,
            )
        )


async def outbox_rows(ctx: Any) -> list[Any]:
    async with ctx.db.read() as conn:
        return list(await conn.execute(select(email_outbox)))


async def test_transcript_is_sent_once_in_the_visitors_language(
    sqlite_url: str, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    from tests.conftest import make_world

    async with serve_app(sqlite_url, tmp_path, **smtp_settings(port)) as app:
        world = await make_world(app)
        agent, _console, visitor, _widget = await world.assigned_chat()
        await visitor.say("Ciao, il mio ordine <b>è</b> in ritardo")
        await agent.say(visitor.contact_id, "Controllo subito")
        await hold_back(app.ctx, visitor.contact_id, "held back from the visitor")
        await agent.post(f"/api/contacts/{visitor.contact_id}/close")
        asked = await visitor.http.post(
            f"/api/visitor/contacts/{visitor.contact_id}/transcript",
            json={"email": "vera@example.org", "language": "it"},
        )
        assert asked.status_code == 201, asked.text
        await until(lambda: len(inbox.accepted) == 1)
        [mail] = inbox.accepted
        assert mail["To"] == "vera@example.org"
        assert mail["Subject"] == "La Sua conversazione con Sales"
        assert mail["Message-ID"] == f"<transcript-{asked.json()['id']}@shop.example>"
        body = parts(mail)
        assert set(body) == {"text/plain", "text/html"}
        assert "Ecco la trascrizione" in body["text/plain"]
        assert "Lei: Ciao, il mio ordine <b>è</b> in ritardo" in body["text/plain"]
        assert "Controllo subito" in body["text/plain"]
        assert "&lt;b&gt;è&lt;/b&gt;" in body["text/html"]  # escaped, never markup
        assert "held back" not in body["text/plain"] + body["text/html"]
        for _ in range(40):
            [row] = await outbox_rows(app.ctx)
            if row.state == "sent":
                break
            await asyncio.sleep(0.05)
        assert (row.state, row.attempts) == ("sent", 1)
        await asyncio.sleep(1.5)  # another sender tick: nothing more
        assert len(inbox.accepted) == 1
        await world.close()


async def test_an_unreachable_server_is_retried_with_backoff(
    sqlite_url: str, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    from tests.conftest import make_world

    dead = free_port()  # nothing listens there
    async with serve_app(sqlite_url, tmp_path, **smtp_settings(dead)) as app:
        world = await make_world(app)
        agent, _console, visitor, _widget = await world.assigned_chat()
        await agent.post(f"/api/contacts/{visitor.contact_id}/close")
        asked = await visitor.http.post(
            f"/api/visitor/contacts/{visitor.contact_id}/transcript",
            json={"email": "vera@example.org"},
        )
        assert asked.status_code == 201
        for _ in range(100):
            [row] = await outbox_rows(app.ctx)
            if row.attempts == 1 and row.claim is None:
                break
            await asyncio.sleep(0.05)
        assert row.state == "pending" and row.last_error
        assert row.next_attempt_at == pytest.approx(app.clock.now() + 30)
        app.ctx.settings.smtp_port = port  # the server comes back
        await asyncio.sleep(1.5)
        assert inbox.accepted == []  # not before the backoff
        app.clock.advance(30)
        await until(lambda: len(inbox.accepted) == 1)
        for _ in range(40):
            [row] = await outbox_rows(app.ctx)
            if row.state == "sent":
                break
            await asyncio.sleep(0.05)
        assert (row.state, row.attempts) == ("sent", 2)
        await world.close()


async def test_a_refused_address_fails_at_once_and_says_so(
    sqlite_url: str, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    from tests.conftest import make_world

    async with serve_app(sqlite_url, tmp_path, **smtp_settings(port)) as app:
        world = await make_world(app)
        agent, _console, visitor, widget = await world.assigned_chat()
        await agent.post(f"/api/contacts/{visitor.contact_id}/close")
        asked = await visitor.http.post(
            f"/api/visitor/contacts/{visitor.contact_id}/transcript",
            json={"email": "nobody@example.org"},
        )
        assert asked.status_code == 201
        failed = await widget.wait_event("transcript.failed", timeout=15)
        assert failed["data"]["transcript"]["state"] == "failed"
        [row] = await outbox_rows(app.ctx)
        assert (row.state, row.attempts) == ("failed", 1)
        assert "550" in row.last_error
        assert inbox.accepted == []
        await world.close()


async def test_exactly_one_transcript_across_a_sigkill(
    tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    """The server process is killed while the SMTP server sits on the message (not accepted
    yet); after the restart the claim's lease runs out and the transcript goes out once."""
    inbox, port = smtp
    url = f"sqlite+aiosqlite:///{tmp_path / 'mail.sqlite3'}"
    seeded = await seed_async(url)
    env = {f"SPORTELLO_{k.upper()}": str(v) for k, v in smtp_settings(port).items()}
    env["SPORTELLO_SMTP_TIMEOUT_SECONDS"] = "1"  # a lease of 13 s
    # were the client to time out on the held message before the kill, it would simply try
    # again soon: still never accepted, still one e-mail in the end
    env["SPORTELLO_MAIL_RETRY_SECONDS"] = "1"
    server = ServerProcess(url, data_dir=tmp_path, env=env)
    server.start()
    try:
        agent = await AgentClient(
            server.url, server.ws_url, "ann", seeded.passwords["ann"]
        ).sign_in()
        await agent.open_console()
        visitor = VisitorClient(server.url, server.ws_url, "https://shop.example")
        await visitor.request(seeded.services["Sales"]["id"])
        assert (await agent.accept(visitor.contact_id)).status_code == 200
        await visitor.say("hello")
        await agent.post(f"/api/contacts/{visitor.contact_id}/close")
        inbox.hold.set()
        asked = await visitor.http.post(
            f"/api/visitor/contacts/{visitor.contact_id}/transcript",
            json={"email": "vera@example.org"},
        )
        assert asked.status_code == 201
        await until(inbox.holding.is_set)
        server.kill()
        inbox.hold.clear()
        inbox.released.set()
        assert inbox.accepted == []
        server.start()
        await until(lambda: len(inbox.accepted) == 1, timeout=30)
        await asyncio.sleep(3)  # a few sender ticks later: still one
        assert len(inbox.accepted) == 1
        assert inbox.accepted[0]["Message-ID"] == f"<transcript-{asked.json()['id']}@shop.example>"
        # a restart after it was sent sends nothing more
        server.kill()
        server.start()
        await asyncio.sleep(3)
        assert len(inbox.accepted) == 1
        await agent.aclose()
        await visitor.aclose()
    finally:
        server.stop()
