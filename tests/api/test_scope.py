"""Who reads and who writes a contact (product.md §3, scope)."""

from __future__ import annotations

from sportello.domain.model import Role
from tests.conftest import World
from tests.support.storage import stored_events, stored_messages


async def test_reads_follow_holding_service_tags_and_role(sqlite_world: World) -> None:
    world = sqlite_world
    await world.add_agent("sue", ["support"], role=Role.SUPERVISOR)
    await world.add_agent("sam", ["sales", "support"], role=Role.SUPERVISOR)
    bob, _console, visitor, _widget = await world.assigned_chat("bob", "Sales")
    path = f"/api/contacts/{visitor.contact_id}"
    sue, sam, ann, cyd = [await world.agent(login) for login in ("sue", "sam", "ann", "cyd")]

    assert (await bob.http.get(path)).status_code == 200
    assert (await sam.http.get(path)).status_code == 200  # supervises Sales
    assert (await ann.http.get(path)).status_code == 200  # admin
    for outsider in (sue, cyd):  # supervisor of another service; agent of other tags
        refused = await outsider.http.get(path)
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")

    assert (await bob.post(f"{path}/close")).status_code == 200
    assert (await bob.http.get(path)).status_code == 200  # held: still readable


async def test_supervisor_scope_covers_left_messages(sqlite_world: World) -> None:
    world = sqlite_world
    await world.add_agent("sue", ["support"], role=Role.SUPERVISOR)
    visitor = world.visitor()
    for service in ("Sales", "Support"):
        left = await visitor.http.post(
            "/api/visitor/left-messages",
            json={
                "service_id": world.services[service]["id"],
                "name": "Vera",
                "email": "vera@example.com",
                "text": f"call me about {service}",
            },
        )
        assert left.status_code == 201
    sue, ann = await world.agent("sue"), await world.agent("ann")
    seen = (await sue.http.get("/api/admin/left-messages")).json()
    assert [m["text"] for m in seen] == ["call me about Support"]
    everything = (await ann.http.get("/api/admin/left-messages")).json()
    assert len(everything) == 2


async def test_only_the_holder_sends_receipts_and_typing(sqlite_world: World) -> None:
    world = sqlite_world
    await world.add_agent("sam", ["sales", "support"], role=Role.SUPERVISOR)
    _bob, _console, visitor, widget = await world.assigned_chat("bob", "Sales")
    cid = visitor.contact_id
    said = await visitor.say("is anyone there?")
    message_id = said.json()["id"]
    before = len(await stored_events(world.app.ctx))

    for login in ("ann", "sam"):  # admin and supervisor in scope, neither holding it
        other = await world.agent(login)
        refused = await other.post(
            f"/api/contacts/{cid}/receipts", {"up_to": message_id, "state": "read"}
        )
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
        console = await other.open_console()
        for frame in (
            {"type": "receipt", "contact_id": cid, "up_to": message_id, "state": "read"},
            {"type": "typing", "contact_id": cid, "active": True},
        ):
            start = len(console.frames)
            await console.send(frame)
            error = await console.wait_for(lambda f: f["type"] == "error", start=start)
            assert error["code"] == "forbidden", frame
        await console.close()

    (stored,) = await stored_messages(world.app.ctx, cid)
    assert stored.read_at is None and stored.delivered_at is None
    assert len(await stored_events(world.app.ctx)) == before
    await widget.drain()
    assert not [f for f in widget.frames if f["type"] == "signal"]
    assert not widget.events("message.status")
