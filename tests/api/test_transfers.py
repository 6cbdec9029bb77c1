"""Transfers (issue 12, product.md §2): to an agent or a group, accepted, rejected, cancelled,
timed out — each transition's stored state and what every client got."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select

from sportello.storage.tables import transfers
from tests.conftest import World, make_world
from tests.support.clients import AgentClient, Stream, VisitorClient
from tests.support.inproc import serve_app
from tests.support.seed import seed_async
from tests.support.server import ServerProcess
from tests.support.storage import stored_contact, stored_events

TIMEOUT = 60


async def _legs(world: World, contact_id: int) -> list[Any]:
    async with world.app.ctx.db.read() as conn:
        rows = await conn.execute(
            select(transfers).where(transfers.c.contact_id == contact_id).order_by(transfers.c.id)
        )
        return list(rows)


async def _kinds(world: World, contact_id: int) -> list[str]:
    return [e.kind for e in await stored_events(world.app.ctx, contact_id)]


async def _group(world: World, name: str = "Sales desk", **extra: Any) -> dict[str, Any]:
    ann = await world.agent("ann")
    body = {"name": name, "tags": ["sales"], **extra}
    response = await ann.post("/api/admin/transfer-groups", body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _transfer(agent: AgentClient, contact_id: int, **body: Any) -> Any:
    return await agent.post(f"/api/contacts/{contact_id}/transfer", body)


async def _transfer_offer(console: Stream, contact_id: int) -> dict[str, Any]:
    """The waiting entry of the transfer (the contact may have been offered before)."""
    return await console.wait_for(
        lambda f: (
            f.get("kind") == "contact.offered"
            and f["contact_id"] == contact_id
            and f["data"]["entry"]["state"] == "transferring"
        )
    )


async def _held_by_ann(world: World) -> tuple[AgentClient, Stream, VisitorClient, Stream]:
    ann, console, visitor, widget = await world.assigned_chat("ann")
    await visitor.say("my order is late")
    await ann.say(visitor.contact_id, "let me check")
    return ann, console, visitor, widget


async def test_transfer_to_an_agent_accepted_hands_over_the_whole_history(world: World) -> None:
    bob = await world.agent("bob")
    bob_console = await bob.open_console()
    ann, ann_console, visitor, widget = await _held_by_ann(world)
    contact_id = visitor.contact_id

    sent = await _transfer(ann, contact_id, agent_id=bob.agent["id"], note="VIP, wants a refund")
    assert sent.status_code == 201, sent.text
    assert sent.json()["state"] == "pending"
    offered = await _transfer_offer(bob_console, contact_id)
    entry = offered["data"]["entry"]
    assert (entry["state"], entry["starred"], entry["can_take"]) == ("transferring", True, True)
    assert entry["transfer"]["note"] == "VIP, wants a refund"
    assert entry["transfer"]["from_agent"]["display_name"] == "Ann"
    assert entry["dissuade_at"] == world.app.clock.now() + TIMEOUT
    requested = await ann_console.wait_event("contact.transfer_requested")
    assert requested["data"]["transfer"]["to_agent"]["id"] == bob.agent["id"]
    notice = await widget.wait_event("contact.transferring")
    assert notice["data"] == {"state": "transferring"}
    assert (await stored_contact(world.app.ctx, contact_id)).state == "transferring"

    # the chat goes on with the first agent meanwhile
    assert (await visitor.say("still there?")).status_code == 201
    assert (await ann.say(contact_id, "yes, a colleague is coming")).status_code == 201
    assert (await bob.say(contact_id, "not yet mine")).status_code == 403

    accepted = await bob.post(f"/api/contacts/{contact_id}/transfer/accept")
    assert accepted.status_code == 200, accepted.text
    assigned = await bob_console.wait_event("contact.assigned", contact_id=contact_id)
    detail = assigned["data"]["contact"]
    assert [m["text"] for m in detail["messages"]] == [
        "my order is late",
        "let me check",
        "still there?",
        "yes, a colleague is coming",
    ]
    assert detail["agent"]["id"] == bob.agent["id"]
    assert detail["transfers"][0]["note"] == "VIP, wants a refund"
    assert detail["transfers"][0]["outcome"] == "accepted"
    assert assigned["data"]["transfer"]["accepted_by"]["id"] == bob.agent["id"]
    joined = await widget.wait_event("contact.joined", transferred=True)
    assert joined["data"]["agent"]["id"] == bob.agent["id"]
    await ann_console.wait_event("contact.transfer_accepted")
    await bob_console.wait_event("contact.dequeued", contact_id=contact_id, reason="transferred")

    row = await stored_contact(world.app.ctx, contact_id)
    assert (row.state, row.agent_id, row.transfer_due_at) == ("assigned", bob.agent["id"], None)
    (stored,) = await _legs(world, contact_id)
    assert (stored.outcome, stored.accepted_by, stored.from_agent_id) == (
        "accepted",
        bob.agent["id"],
        ann.agent["id"],
    )
    assert (await ann.say(contact_id, "bye")).status_code == 403
    # she held it: she still reads it (its record, with the leg), but writes no more
    record = await ann.http.get(f"/api/contacts/{contact_id}")
    assert record.status_code == 200
    assert record.json()["transfers"][0]["seconds_to_accept"] == 0
    report = (await ann.http.get(f"/api/reports/contacts/{contact_id}")).json()
    (leg,) = report["transfers"]  # the contact record for the reports: who, to whom, note
    assert (leg["from_agent"]["id"], leg["accepted_by"]["id"], leg["note"]) == (
        ann.agent["id"],
        bob.agent["id"],
        "VIP, wants a refund",
    )
    assert (await bob.say(contact_id, "hello, I am Bob")).status_code == 201
    # the note reached agents only: nothing the visitor's stream carried mentions it
    visitor_frames = orjson.dumps(await widget.drain())
    assert b"VIP" not in visitor_frames
    assert b"VIP" not in orjson.dumps((await visitor.http.get("/api/visitor/contact")).json())


async def _offered_to_bob(
    world: World,
) -> tuple[AgentClient, Stream, AgentClient, Stream, Stream, int]:
    """Ann holds a contact and has offered it to Bob, whose console shows the offer."""
    bob = await world.agent("bob")
    bob_console = await bob.open_console()
    ann, ann_console, visitor, widget = await _held_by_ann(world)
    contact_id = visitor.contact_id
    assert (await _transfer(ann, contact_id, agent_id=bob.agent["id"])).status_code == 201
    await _transfer_offer(bob_console, contact_id)
    return ann, ann_console, bob, bob_console, widget, contact_id


async def test_a_rejection_returns_the_contact_with_the_reason(world: World) -> None:
    ann, ann_console, bob, bob_console, widget, contact_id = await _offered_to_bob(world)

    rejected = await bob.post(f"/api/contacts/{contact_id}/transfer/reject", {"reason": "busy"})
    assert rejected.status_code == 200, rejected.text
    back = await ann_console.wait_event("contact.transfer_returned")
    assert (back["data"]["outcome"], back["data"]["reason"]) == ("rejected", "busy")
    await ann_console.wait_event("contact.transfer_rejected")
    await bob_console.wait_event("contact.dequeued", contact_id=contact_id)
    ended = await widget.wait_event("contact.transfer_ended")
    assert ended["data"] == {"state": "assigned"}  # the reason stays among agents
    row = await stored_contact(world.app.ctx, contact_id)
    assert (row.state, row.agent_id) == ("assigned", ann.agent["id"])
    (leg,) = await _legs(world, contact_id)
    assert (leg.state, leg.outcome, leg.reason, leg.rejected_by) == (
        "ended",
        "rejected",
        "busy",
        [bob.agent["id"]],
    )
    # his own rejection, from another tab: nobody took it, there is just nothing to accept
    again = await bob.post(f"/api/contacts/{contact_id}/transfer/accept")
    assert (again.status_code, again.json()["code"]) == (409, "no_transfer_pending")
    # a contact can be transferred again: every leg is recorded
    assert (await _transfer(ann, contact_id, agent_id=bob.agent["id"])).status_code == 201
    assert (await bob.accept(contact_id)).status_code == 200  # the waiting area's accept
    assert [leg.outcome for leg in await _legs(world, contact_id)] == ["rejected", "accepted"]


async def test_disabling_the_target_returns_the_transfer_at_once(world: World) -> None:
    ann, ann_console, bob, _bob_console, widget, contact_id = await _offered_to_bob(world)

    off = await ann.http.patch(f"/api/admin/agents/{bob.agent['id']}", json={"enabled": False})
    assert off.status_code == 200, off.text
    back = await ann_console.wait_event("contact.transfer_returned")  # not at the timeout
    # a code the console says in the agent's language, not a server sentence
    assert (back["data"]["outcome"], back["data"]["reason"]) == ("target_disabled", "")
    assert (await widget.wait_event("contact.transfer_ended"))["data"] == {"state": "assigned"}
    row = await stored_contact(world.app.ctx, contact_id)
    assert (row.state, row.agent_id, row.transfer_due_at) == ("assigned", ann.agent["id"], None)
    (leg,) = await _legs(world, contact_id)
    assert (leg.state, leg.outcome) == ("ended", "target_disabled")


async def test_two_group_members_race_to_accept_and_exactly_one_wins(world: World) -> None:
    await world.add_agent("dan", ["sales"])
    group = await _group(world)
    bob, dan = await world.agent("bob"), await world.agent("dan")
    consoles = [await bob.open_console(), await dan.open_console()]
    ann, _ann_console, visitor, _widget = await _held_by_ann(world)
    contact_id = visitor.contact_id
    sent = await _transfer(ann, contact_id, group_id=group["id"], note="for the desk")
    assert sent.status_code == 201, sent.text
    for console in consoles:
        offered = await _transfer_offer(console, contact_id)
        assert offered["data"]["entry"]["transfer"]["group"]["name"] == "Sales desk"
        assert offered["data"]["entry"]["starred"] is False  # two members qualify

    answers = await asyncio.gather(
        bob.post(f"/api/contacts/{contact_id}/transfer/accept"),
        dan.post(f"/api/contacts/{contact_id}/transfer/accept"),
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409]
    loser = next(a for a in answers if a.status_code == 409)
    assert loser.json()["code"] == "already_taken"
    winner = bob if answers[0].status_code == 200 else dan
    row = await stored_contact(world.app.ctx, contact_id)
    assert (row.state, row.agent_id) == ("assigned", winner.agent["id"])
    assert (await _kinds(world, contact_id)).count("contact.transfer_accepted") == 1


async def test_a_group_returns_the_contact_only_when_every_member_rejected(world: World) -> None:
    await world.add_agent("dan", ["sales"])
    group = await _group(world)
    bob, dan = await world.agent("bob"), await world.agent("dan")
    bob_console, dan_console = await bob.open_console(), await dan.open_console()
    ann, ann_console, visitor, _widget = await _held_by_ann(world)
    contact_id = visitor.contact_id
    assert (await _transfer(ann, contact_id, group_id=group["id"])).status_code == 201
    await _transfer_offer(dan_console, contact_id)

    assert (await bob.post(f"/api/contacts/{contact_id}/transfer/reject")).status_code == 200
    await bob_console.wait_event("contact.dequeued", contact_id=contact_id)
    starred = await dan_console.wait_for(
        lambda f: f.get("kind") == "contact.offered" and f["data"]["entry"]["starred"]
    )
    assert starred["data"]["entry"]["transfer"] is not None  # dan is now the only one left
    assert (await stored_contact(world.app.ctx, contact_id)).state == "transferring"
    refused = await bob.post(f"/api/contacts/{contact_id}/transfer/accept")
    assert (refused.status_code, refused.json()["code"]) == (409, "not_eligible")

    reject = await dan.post(f"/api/contacts/{contact_id}/transfer/reject", {"reason": "no"})
    assert reject.status_code == 200
    back = await ann_console.wait_event("contact.transfer_returned")
    assert back["data"]["outcome"] == "rejected"
    assert (await stored_contact(world.app.ctx, contact_id)).state == "assigned"
    assert (await _kinds(world, contact_id)).count("contact.transfer_returned") == 1


async def test_the_first_agent_can_cancel_a_pending_transfer(world: World) -> None:
    bob = await world.agent("bob")
    bob_console = await bob.open_console()
    ann, ann_console, visitor, _widget = await _held_by_ann(world)
    contact_id = visitor.contact_id
    assert (await _transfer(ann, contact_id, agent_id=bob.agent["id"])).status_code == 201
    await _transfer_offer(bob_console, contact_id)
    assert (await bob.post(f"/api/contacts/{contact_id}/transfer/cancel")).status_code == 403
    cancelled = await ann.post(f"/api/contacts/{contact_id}/transfer/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["outcome"] == "cancelled"
    await ann_console.wait_event("contact.transfer_cancelled")
    await bob_console.wait_event("contact.dequeued", contact_id=contact_id)
    assert (await stored_contact(world.app.ctx, contact_id)).state == "assigned"
    again = await ann.post(f"/api/contacts/{contact_id}/transfer/cancel")
    assert again.json()["code"] == "no_transfer_pending"
    late = await bob.post(f"/api/contacts/{contact_id}/transfer/accept")
    assert (late.status_code, late.json()["code"]) == (409, "no_transfer_pending")


async def test_the_timeout_returns_the_contact_once(world: World) -> None:
    bob = await world.agent("bob")
    await bob.open_console()
    ann, ann_console, visitor, _widget = await _held_by_ann(world)
    contact_id = visitor.contact_id
    assert (await _transfer(ann, contact_id, agent_id=bob.agent["id"])).status_code == 201
    await world.app.advance(TIMEOUT - 1)
    await world.app.hub.catch_up()
    assert (await stored_contact(world.app.ctx, contact_id)).state == "transferring"
    await world.app.advance(1)
    back = await ann_console.wait_event("contact.transfer_returned")
    assert back["data"]["outcome"] == "timed_out"
    late = await bob.post(f"/api/contacts/{contact_id}/transfer/accept")
    assert (late.status_code, late.json()["code"]) == (409, "no_transfer_pending")
    await world.app.advance(TIMEOUT)
    await ann_console.drain()
    assert (await _kinds(world, contact_id)).count("contact.transfer_returned") == 1
    assert (await stored_contact(world.app.ctx, contact_id)).state == "assigned"


async def test_the_timeout_survives_a_restart(sqlite_url: str, tmp_path: Path) -> None:
    # graces longer than the timeout: the people who left with the server stay theirs
    graces = {"visitor_grace_seconds": 600, "agent_grace_seconds": 600}
    async with serve_app(sqlite_url, tmp_path, **graces) as app:
        world = await make_world(app)
        bob = await world.agent("bob")
        await bob.open_console()
        ann, _console, visitor, _widget = await world.assigned_chat("ann")
        contact_id = visitor.contact_id
        assert (await _transfer(ann, contact_id, agent_id=bob.agent["id"])).status_code == 201
        await world.close()
    async with serve_app(sqlite_url, tmp_path, **graces) as app:
        assert (await stored_contact(app.ctx, contact_id)).state == "transferring"
        await app.advance(TIMEOUT)
        for _ in range(200):
            if (await stored_contact(app.ctx, contact_id)).state == "assigned":
                break
            await asyncio.sleep(0.02)
        await app.advance(TIMEOUT)
        await app.hub.catch_up()
        row = await stored_contact(app.ctx, contact_id)
        assert (row.state, row.agent_id, row.transfer_due_at) == ("assigned", ann.agent["id"], None)
        kinds = [e.kind for e in await stored_events(app.ctx, contact_id)]
        assert kinds.count("contact.transfer_returned") == 1


async def test_refusals_have_their_codes(world: World) -> None:
    bob = await world.agent("bob")
    await bob.open_console()
    cyd = await world.agent("cyd")  # support only: not for a Sales contact
    await cyd.open_console()
    ann, _console, visitor, _widget = await _held_by_ann(world)
    contact_id = visitor.contact_id

    no_tags = await _transfer(ann, contact_id, agent_id=cyd.agent["id"])
    assert (no_tags.status_code, no_tags.json()["code"]) == (409, "not_transferable")
    to_self = await _transfer(ann, contact_id, agent_id=ann.agent["id"])
    assert to_self.json()["code"] == "not_transferable"
    both = await _transfer(ann, contact_id, agent_id=bob.agent["id"], group_id=1)
    assert (both.status_code, both.json()["code"]) == (422, "invalid_input")
    unknown = await _transfer(ann, contact_id, agent_id=999)
    assert unknown.json()["code"] == "not_found"
    not_holder = await _transfer(bob, contact_id, agent_id=cyd.agent["id"])
    assert not_holder.status_code == 403

    assert (await _transfer(ann, contact_id, agent_id=bob.agent["id"])).status_code == 201
    twice = await _transfer(ann, contact_id, agent_id=bob.agent["id"])
    assert (twice.status_code, twice.json()["code"]) == (409, "transfer_pending")
    stranger = await cyd.post(f"/api/contacts/{contact_id}/transfer/accept")
    assert stranger.json()["code"] == "not_eligible"

    # closing a contact being transferred ends the leg and clears the targets' entries
    assert (await ann.post(f"/api/contacts/{contact_id}/close")).status_code == 200
    (leg,) = await _legs(world, contact_id)
    assert (leg.state, leg.outcome) == ("ended", "contact_closed")
    closed = await _transfer(ann, contact_id, agent_id=bob.agent["id"])
    assert (closed.status_code, closed.json()["code"]) == (409, "contact_closed")
    waiting = (await bob.http.get("/api/waiting")).json()
    assert all(e["contact_id"] != contact_id for e in waiting)


async def test_a_target_without_the_medium_is_refused(world: World) -> None:
    bob = await world.agent("bob")
    session = (await bob.post("/api/console-sessions")).json()["id"]
    await bob.open_console(session_id=session)
    off = await bob.http.patch(f"/api/console-sessions/{session}", json={"chat": False})
    assert off.status_code == 200, off.text
    ann, _console, visitor, _widget = await _held_by_ann(world)
    refused = await _transfer(ann, visitor.contact_id, agent_id=bob.agent["id"])
    assert (refused.status_code, refused.json()["code"]) == (409, "not_transferable")
    group = await _group(world)
    refused = await _transfer(ann, visitor.contact_id, group_id=group["id"])
    assert refused.json()["code"] == "not_transferable"


async def test_transfer_targets_list_agents_and_groups_with_who_can_take_it(world: World) -> None:
    await world.add_agent("dan", ["sales"], chat_limit=2)
    group = await _group(world)
    await _group(world, "Support desk", tags=["support"])
    bob, dan = await world.agent("bob"), await world.agent("dan")
    bob_console = await bob.open_console()
    ann, _console, visitor, _widget = await _held_by_ann(world)
    listed = await ann.http.get(f"/api/contacts/{visitor.contact_id}/transfer-targets")
    assert listed.status_code == 200, listed.text
    body = listed.json()
    agents = {a["display_name"]: a for a in body["agents"]}
    assert "Ann" not in agents
    assert (agents["Bob"]["status"], agents["Bob"]["can_take"]) == ("READY", True)
    assert agents["Bob"]["reconnecting"] is False
    assert (agents["Dan"]["status"], agents["Dan"]["can_take"]) == ("DISCONNECTED", False)
    assert agents["Cyd"]["can_take"] is False  # no console, and support only
    groups = {g["name"]: g for g in body["groups"]}
    assert groups["Sales desk"]["id"] == group["id"]
    assert (groups["Sales desk"]["available_agents"], groups["Sales desk"]["free_chat_slots"]) == (
        1,
        4,
    )
    assert groups["Sales desk"]["can_take"] is True
    assert groups["Support desk"]["can_take"] is False
    await dan.open_console()
    body = (await ann.http.get(f"/api/contacts/{visitor.contact_id}/transfer-targets")).json()
    sales = next(g for g in body["groups"] if g["name"] == "Sales desk")
    assert (sales["available_agents"], sales["free_chat_slots"]) == (2, 6)
    refused = await bob.http.get(f"/api/contacts/{visitor.contact_id}/transfer-targets")
    assert refused.status_code == 403
    await bob_console.close()  # Bob's only console goes: reconnecting, as supervision says
    for _ in range(100):
        body = (await ann.http.get(f"/api/contacts/{visitor.contact_id}/transfer-targets")).json()
        bob_target = next(a for a in body["agents"] if a["display_name"] == "Bob")
        if bob_target["reconnecting"]:
            break
        await asyncio.sleep(0.02)
    assert (bob_target["reconnecting"], bob_target["can_take"]) == (True, False)
    view = (await ann.http.get("/api/supervision")).json()
    bob_seen = next(a for a in view["agents"] if a["display_name"] == "Bob")
    assert (bob_seen["status"], bob_seen["reconnecting"]) == (
        bob_target["status"],
        bob_target["reconnecting"],
    )


async def test_admins_manage_transfer_groups(world: World) -> None:
    ann = await world.agent("ann")
    bob = await world.agent("bob")
    created = await ann.post(
        "/api/admin/transfer-groups", {"name": "Experts", "tags": ["sales", "support"]}
    )
    assert created.status_code == 201
    group = created.json()
    assert group == {
        "id": group["id"],
        "name": "Experts",
        "tags": ["sales", "support"],
        "match_all": False,
        "priority": 15,
    }
    duplicate = await ann.post("/api/admin/transfer-groups", {"name": "Experts"})
    assert duplicate.json()["code"] == "duplicate"
    changed = await ann.http.put(
        f"/api/admin/transfer-groups/{group['id']}",
        json={"name": "Experts", "tags": ["sales", "support"], "match_all": True, "priority": 2},
    )
    assert changed.json()["match_all"] is True
    listed = (await ann.http.get("/api/admin/transfer-groups")).json()
    assert [g["priority"] for g in listed] == [2]
    assert (await bob.http.get("/api/admin/transfer-groups")).status_code == 403
    gone = await ann.http.delete(f"/api/admin/transfer-groups/{group['id']}")
    assert gone.status_code == 204
    missing = await ann.http.delete(f"/api/admin/transfer-groups/{group['id']}")
    assert missing.json()["code"] == "not_found"


async def test_the_timeout_fires_once_after_a_kill_9(sqlite_url: str, tmp_path: Path) -> None:
    """A real server process killed mid-transfer: the restarted one returns it, once."""
    seeded = await seed_async(sqlite_url)
    env = {
        "SPORTELLO_TRANSFER_TIMEOUT_SECONDS": "10",  # the shortest allowed; a real clock runs
        "SPORTELLO_VISITOR_GRACE_SECONDS": "600",
        "SPORTELLO_AGENT_GRACE_SECONDS": "600",
    }
    server = ServerProcess(sqlite_url, data_dir=tmp_path, env=env)
    server.start()
    clients: list[AgentClient | VisitorClient] = []
    try:
        ann = AgentClient(server.url, server.ws_url, "ann", seeded.passwords["ann"])
        bob = AgentClient(server.url, server.ws_url, "bob", seeded.passwords["bob"])
        clients += [ann, bob]
        await ann.sign_in()
        await bob.sign_in()
        await ann.open_console()
        await bob.open_console()
        visitor = VisitorClient(server.url, server.ws_url)
        clients.append(visitor)
        await visitor.request(seeded.services["Sales"]["id"])
        assert (await ann.accept(visitor.contact_id)).status_code == 200
        sent = await _transfer(ann, visitor.contact_id, agent_id=bob.agent["id"], note="n")
        assert sent.status_code == 201, sent.text
        server.kill()
        server.start()
        path = f"/api/contacts/{visitor.contact_id}"
        for _ in range(300):
            if (await ann.http.get(path)).json()["state"] == "assigned":
                break
            await asyncio.sleep(0.1)
        detail = (await ann.http.get(path)).json()
        assert (detail["state"], detail["agent"]["id"]) == ("assigned", ann.agent["id"])
        assert [leg["outcome"] for leg in detail["transfers"]] == ["timed_out"]
        replay = await ann.open_console(since=0)
        kinds = [f["kind"] for f in await replay.drain()]
        assert kinds.count("contact.transfer_returned") == 1
        await replay.close()
    finally:
        for client in clients:
            await client.aclose()
        server.stop()
