"""The typing preview (issue 24): with the service's switch on, the agent reads the visitor's
draft as it is typed; it is ephemeral (a signal, like typing: never an event, never a row);
with the switch off the server drops a draft even from a widget that sends one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sportello.storage.tables import metadata
from tests.conftest import World
from tests.support.clients import AgentClient, Stream, VisitorClient

DRAFT = "my order number is 4471-SECRET-DRAFT"


async def chat_on(world: World, service: str) -> tuple[AgentClient, Stream, VisitorClient, Stream]:
    bob = await world.agent("bob")
    console = await bob.open_console()
    visitor = world.visitor()
    await visitor.request(world.services[service]["id"])
    assert (await bob.accept(visitor.contact_id)).status_code == 200
    widget = await visitor.open_widget()
    return bob, console, visitor, widget


async def typing(widget: Stream, contact_id: int, draft: str, active: bool = True) -> None:
    await widget.send(
        {"type": "typing", "contact_id": contact_id, "active": active, "draft": draft}
    )


def typing_signal(frame: dict[str, Any]) -> bool:
    return frame["type"] == "signal" and frame["kind"] == "typing"


async def stored_anywhere(world: World, text: str) -> list[str]:
    """Every table whose rows hold ``text`` (the events table included)."""
    found = []
    async with world.app.ctx.db.read() as conn:
        for table in metadata.sorted_tables:
            rows = (await conn.execute(select(table))).all()
            if any(text in repr(tuple(row)) for row in rows):
                found.append(table.name)
    return found


async def test_the_agent_reads_the_draft_and_it_is_never_stored(world: World) -> None:
    await world.add_service("Peek", tags_=["sales"], typing_preview=True)
    _bob, console, visitor, widget = await chat_on(world, "Peek")
    assert widget.frames[0]["contact"]["service"]["typing_preview"] is True  # the widget knows

    await typing(widget, visitor.contact_id, DRAFT)
    got = await console.wait_for(lambda f: typing_signal(f) and f.get("draft") == DRAFT)
    assert (got["contact_id"], got["from"], got["active"]) == (visitor.contact_id, "visitor", True)

    await typing(widget, visitor.contact_id, "", active=False)  # they cleared the field
    stopped = await console.wait_for(lambda f: typing_signal(f) and f["active"] is False)
    assert "draft" not in stopped

    assert await stored_anywhere(world, "SECRET-DRAFT") == []
    resumed = await (await world.agent("bob")).open_console(since=0)
    await resumed.drain()
    assert "SECRET-DRAFT" not in repr(resumed.frames)  # nothing to replay either


async def test_a_draft_is_cut_to_the_message_limit(world: World) -> None:
    await world.add_service("Peek", tags_=["sales"], typing_preview=True)
    _bob, console, visitor, widget = await chat_on(world, "Peek")
    limit = world.app.ctx.settings.max_message_chars
    await typing(widget, visitor.contact_id, "y" * (limit + 500))
    got = await console.wait_for(lambda f: typing_signal(f) and "draft" in f)
    assert len(got["draft"]) == limit


async def test_the_server_drops_drafts_when_the_service_has_the_preview_off(world: World) -> None:
    _bob, console, visitor, widget = await chat_on(world, "Sales")  # off by default
    assert widget.frames[0]["contact"]["service"]["typing_preview"] is False
    await typing(widget, visitor.contact_id, DRAFT)  # a widget that sends one all the same
    got = await console.wait_for(typing_signal)
    assert got["active"] is True and "draft" not in got
    assert await stored_anywhere(world, "SECRET-DRAFT") == []


async def test_admins_switch_the_preview_per_service(world: World) -> None:
    ann = await world.agent("ann")
    sales = world.services["Sales"]
    changed = await ann.http.patch(
        f"/api/admin/services/{sales['id']}", json={"typing_preview": True}
    )
    assert changed.status_code == 200 and changed.json()["typing_preview"] is True
    bad = await ann.http.patch(f"/api/admin/services/{sales['id']}", json={"typing_preview": "yes"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_input"
    listed = (await ann.http.get("/api/admin/services")).json()
    assert next(s for s in listed if s["name"] == "Sales")["typing_preview"] is True
    visitor = world.visitor()
    await visitor.request(sales["id"])
    assert visitor.contact["service"]["typing_preview"] is True
