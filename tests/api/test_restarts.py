"""A restart is not a departure (issue 20, found from outside): after a real SIGTERM or
SIGKILL of a server process, the visitors' and agents' graces start when the server is back,
and a dissuasion that came due while it was down records `dissuaded` — the visitor had not
left when the time came.

The server is down "for 12 s" by ageing every stored time by 12 s while it is stopped (the
same as waiting, for deadlines stored as times), so the test takes seconds, not tens."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.support.clients import AgentClient, VisitorClient
from tests.support.seed import seed_async
from tests.support.server import ServerProcess

GRACE = 10
DOWN = GRACE + 2
TIMES = {
    "contacts": (
        "created_at",
        "dissuade_at",
        "assigned_at",
        "last_message_at",
        "visitor_left_at",
        "visitor_gone_at",
        "requeued_at",
        "transfer_due_at",
    ),
    "agents": ("away_since",),
    "console_sessions": ("heartbeat_at", "created_at"),
    "nodes": ("heartbeat_at", "started_at"),
}


def age_stored_times(database: Path, seconds: float) -> None:
    """As if the server had been down ``seconds`` longer: every deadline is that much nearer."""
    with sqlite3.connect(database) as db:
        for table, columns in TIMES.items():
            moves = ", ".join(f"{c} = {c} - {seconds}" for c in columns)
            db.execute(f"UPDATE {table} SET {moves}")


async def state_of(visitor: VisitorClient) -> str:
    response = await visitor.http.get("/api/visitor/contact")
    assert response.status_code == 200, response.text
    return str(response.json()["state"])


async def until_state(visitor: VisitorClient, wanted: str) -> dict[str, Any]:
    for _ in range(200):
        body = (await visitor.http.get("/api/visitor/contact")).json()
        if body["state"] != "pending":
            assert body["state"] == wanted, body
            return dict(body)
        await asyncio.sleep(0.05)
    raise AssertionError(f"the contact never left pending (wanted {wanted})")


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGKILL"])
async def test_the_time_a_server_is_down_is_nobodys_departure(stop: str, tmp_path: Path) -> None:
    database = tmp_path / "restart.sqlite3"
    url = f"sqlite+aiosqlite:///{database}"
    seeded = await seed_async(url)
    graces = {
        "SPORTELLO_VISITOR_GRACE_SECONDS": str(GRACE),
        "SPORTELLO_AGENT_GRACE_SECONDS": str(GRACE),
    }
    server = ServerProcess(url, data_dir=tmp_path, env=graces)
    server.start()
    clients: list[AgentClient | VisitorClient] = []
    try:
        ann = await AgentClient(server.url, server.ws_url, "ann", seeded.passwords["ann"]).sign_in()
        clients.append(ann)
        console = await ann.open_console()

        def visitor() -> VisitorClient:
            client = VisitorClient(server.url, server.ws_url)
            clients.append(client)
            return client

        held, waiting, dissuaded = visitor(), visitor(), visitor()
        await held.request(seeded.services["Sales"]["id"])
        assert (await ann.accept(held.contact_id)).status_code == 200
        await waiting.request(seeded.services["Support"]["id"])  # dissuasion 60 s
        await dissuaded.request(seeded.services["Quick"]["id"])  # dissuasion 5 s
        widgets = {v.contact_id: await v.open_widget() for v in (held, waiting, dissuaded)}
        for widget in widgets.values():
            await widget.wait_for(lambda f: f["type"] == "hello")
        positions = {cid: w.frames[0]["position"] for cid, w in widgets.items()}

        server.stop() if stop == "SIGTERM" else server.kill()
        await console._task
        for widget in widgets.values():
            await widget._task
        age_stored_times(database, DOWN)
        server.start()

        # the first ticks have run once the overdue dissuasion fired: the visitor, whose
        # page was open when the time came, was dissuaded (not cancelled by the restart)
        await until_state(dissuaded, "dissuaded")
        # the held chat and the waiting one outlived a downtime longer than both graces
        assert await state_of(held) == "assigned"
        assert await state_of(waiting) == "pending"
        back = await held.open_widget(since=positions[held.contact_id])
        await waiting.open_widget(since=positions[waiting.contact_id])
        await ann.open_console(session_id=ann.session_id)
        assert (await held.say("still here")).status_code == 201
        detail = (await ann.http.get(f"/api/contacts/{held.contact_id}")).json()
        assert (detail["state"], detail["agent"]["id"]) == ("assigned", ann.agent["id"])
        assert await state_of(waiting) == "pending"
        assert back.events("contact.closed") == []
        assert back.events("contact.requeued") == []
    finally:
        for client in clients:
            await client.aclose()
        server.stop()
