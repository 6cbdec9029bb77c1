"""Supervisor barge-in and take-over (issue 24): joining a conversation, writing in it and
leaving; taking a contact over as a transfer that needs no acceptance; the rules and the
races, and the audit of each."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from sportello.domain.model import Role
from sportello.storage.tables import audit, supervisor_joins, transfers
from tests.conftest import World
from tests.support.clients import AgentClient, Stream, VisitorClient
from tests.support.storage import stored_contact, stored_messages


async def _audit_rows(world: World, contact_id: int) -> list[Any]:
    async with world.app.ctx.db.read() as conn:
        rows = await conn.execute(
            select(audit)
            .where(audit.c.target_kind == "contact", audit.c.target_id == str(contact_id))
            .order_by(audit.c.id)
        )
        return list(rows)


async def _bob_holds(world: World) -> tuple[AgentClient, Stream, VisitorClient, Stream]:
    bob, console, visitor, widget = await world.assigned_chat("bob")
    await visitor.say("my parcel never came")
    return bob, console, visitor, widget


async def _sam(world: World) -> AgentClient:
    await world.add_agent("sam", ["sales"], role=Role.SUPERVISOR)
    return await world.agent("sam")


def _path(contact_id: int, what: str) -> str:
    return f"/api/supervision/contacts/{contact_id}/{what}"


async def test_a_supervisor_joins_writes_and_leaves(world: World) -> None:
    sam = await _sam(world)
    bob, console, visitor, widget = await _bob_holds(world)
    contact_id = visitor.contact_id

    joined = await sam.post(_path(contact_id, "join"))
    assert joined.status_code == 200, joined.text
    told = await widget.wait_event("contact.supervisor_joined")
    assert told["data"]["supervisor"]["display_name"] == "Sam"
    await console.wait_event("contact.supervisor_joined")
    again = await sam.post(_path(contact_id, "join"))
    assert (again.status_code, again.json()["code"]) == (409, "already_joined")
    # the agent's panel names who is in the conversation
    panel = (await bob.http.get(f"/api/contacts/{contact_id}")).json()
    assert [s["display_name"] for s in panel["supervisors"]] == ["Sam"]

    sent = await sam.post(_path(contact_id, "messages"), {"text": "I am Sam, I can help"})
    assert sent.status_code == 201, sent.text
    message = sent.json()
    assert (message["sender"], message["agent_id"]) == ("agent", sam.agent["id"])
    seen = await console.wait_for(
        lambda f: f.get("kind") == "message.created" and f["data"]["message"]["id"] == message["id"]
    )
    assert seen["data"]["message"]["agent_id"] == sam.agent["id"]
    await widget.wait_for(
        lambda f: (
            f.get("kind") == "message.created"
            and f["data"]["message"]["text"] == "I am Sam, I can help"
        )
    )
    # a retry with the same client id is the same message
    first = await sam.post(_path(contact_id, "messages"), {"text": "once", "client_msg_id": "c1"})
    retry = await sam.post(_path(contact_id, "messages"), {"text": "once", "client_msg_id": "c1"})
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["id"] == first.json()["id"]
    # the agent still writes, and holds the contact
    assert (await bob.say(contact_id, "thank you Sam")).status_code == 201

    left = await sam.http.delete(_path(contact_id, "join"))
    assert left.status_code == 200, left.text
    await widget.wait_event("contact.supervisor_left")
    await console.wait_event("contact.supervisor_left")
    late = await sam.post(_path(contact_id, "messages"), {"text": "still here?"})
    assert (late.status_code, late.json()["code"]) == (409, "not_joined")
    twice = await sam.http.delete(_path(contact_id, "join"))
    assert (twice.status_code, twice.json()["code"]) == (409, "not_joined")

    texts = [(m.agent_id, m.text) for m in await stored_messages(world.app.ctx, contact_id)]
    assert (sam.agent["id"], "I am Sam, I can help") in texts
    assert (await stored_contact(world.app.ctx, contact_id)).agent_id == bob.agent["id"]
    actions = [r.action for r in await _audit_rows(world, contact_id)]
    assert actions == ["contact.supervisor_joined", "contact.supervisor_left"]
    ann = await world.agent("ann")
    listed = await ann.http.get(f"/api/admin/audit?target_kind=contact&target_id={contact_id}")
    assert [(r["action"], r["actor"]["login"]) for r in listed.json()["items"]] == [
        ("contact.supervisor_left", "sam"),
        ("contact.supervisor_joined", "sam"),
    ]


async def test_joining_is_for_supervisors_of_the_service_and_contacts_in_progress(
    world: World,
) -> None:
    await world.add_agent("sue", ["support"], role=Role.SUPERVISOR)
    sue = await world.agent("sue")
    sam = await _sam(world)
    bob, _console, visitor, _widget = await _bob_holds(world)
    contact_id = visitor.contact_id

    plain = await bob.post(_path(contact_id, "join"))
    assert (plain.status_code, plain.json()["code"]) == (403, "forbidden")
    other = await sue.post(_path(contact_id, "join"))
    assert (other.status_code, other.json()["code"]) == (403, "not_supervising")
    unjoined = await sam.post(_path(contact_id, "messages"), {"text": "hello"})
    assert (unjoined.status_code, unjoined.json()["code"]) == (409, "not_joined")
    empty = await sam.post(_path(contact_id, "messages"), {"text": "  "})
    assert (empty.status_code, empty.json()["code"]) == (422, "invalid_input")
    missing = await sam.post(_path(999999, "join"))
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")

    assert (await bob.post(f"/api/contacts/{contact_id}/close")).status_code == 200
    ended = await sam.post(_path(contact_id, "join"))
    assert (ended.status_code, ended.json()["code"]) == (409, "contact_closed")
    async with world.app.ctx.db.read() as conn:
        assert list(await conn.execute(select(supervisor_joins))) == []


async def test_a_take_over_hands_the_contact_to_the_supervisor_at_once(world: World) -> None:
    sam = await _sam(world)
    sam_console = await sam.open_console()
    bob, bob_console, visitor, widget = await _bob_holds(world)
    contact_id = visitor.contact_id
    assert (await sam.post(_path(contact_id, "join"))).status_code == 200

    taken = await sam.post(_path(contact_id, "take-over"), {"agent_id": bob.agent["id"]})
    assert taken.status_code == 200, taken.text
    assert taken.json()["agent"]["id"] == sam.agent["id"]
    told = await bob_console.wait_event("contact.taken_over")
    assert told["data"]["by"]["display_name"] == "Sam"
    assert told["data"]["transfer"]["taken_over"] is True
    assigned = await sam_console.wait_event("contact.assigned", contact_id=contact_id)
    assert [m["text"] for m in assigned["data"]["contact"]["messages"]] == ["my parcel never came"]
    # taking it over ended the supervisor's join: they hold it now
    assert assigned["data"]["contact"]["supervisors"] == []
    handover = await widget.wait_event("contact.joined", transferred=True)
    assert handover["data"]["agent"]["display_name"] == "Sam"

    row = await stored_contact(world.app.ctx, contact_id)
    assert (row.state, row.agent_id) == ("assigned", sam.agent["id"])
    async with world.app.ctx.db.read() as conn:
        (leg,) = list(await conn.execute(select(transfers)))
    assert (leg.from_agent_id, leg.accepted_by, leg.outcome, leg.taken_over) == (
        bob.agent["id"],
        sam.agent["id"],
        "accepted",
        True,
    )
    # the supervisor writes as the holder; the agent no longer does, but still reads it
    assert (await sam.say(contact_id, "I will sort this out")).status_code == 201
    assert (await bob.say(contact_id, "me too")).status_code == 403
    assert (await bob.http.get(f"/api/contacts/{contact_id}")).status_code == 200
    (*_, audited) = await _audit_rows(world, contact_id)
    assert (audited.action, audited.actor_login, audited.before, audited.after) == (
        "contact.taken_over",
        "sam",
        {"agent_id": bob.agent["id"]},
        {"agent_id": sam.agent["id"]},
    )


async def test_take_over_refusals_say_why(world: World) -> None:
    await world.add_agent("sue", ["support"], role=Role.SUPERVISOR)
    sue = await world.agent("sue")
    sam = await _sam(world)
    bob, _console, visitor, _widget = await _bob_holds(world)
    contact_id = visitor.contact_id

    plain = await bob.post(_path(contact_id, "take-over"))
    assert (plain.status_code, plain.json()["code"]) == (403, "forbidden")
    other = await sue.post(_path(contact_id, "take-over"))
    assert (other.status_code, other.json()["code"]) == (403, "not_supervising")
    wrong = await sam.post(_path(contact_id, "take-over"), {"agent_id": sam.agent["id"]})
    assert (wrong.status_code, wrong.json()["code"]) == (409, "holder_changed")
    bad = await sam.post(_path(contact_id, "take-over"), {"agent_id": "bob"})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input")
    unknown = await sam.post(_path(contact_id, "take-over"), {"agent": 1})
    assert (unknown.status_code, unknown.json()["code"]) == (422, "invalid_input")

    # the agent is transferring it: wait for that to end
    ann = await world.agent("ann")
    await ann.open_console()
    sent = await bob.post(f"/api/contacts/{contact_id}/transfer", {"agent_id": ann.agent["id"]})
    assert sent.status_code == 201, sent.text
    busy = await sam.post(_path(contact_id, "take-over"))
    assert (busy.status_code, busy.json()["code"]) == (409, "transfer_pending")
    # ann took it meanwhile: the supervisor saw bob, so nothing happens
    assert (await ann.post(f"/api/contacts/{contact_id}/transfer/accept")).status_code == 200
    moved = await sam.post(_path(contact_id, "take-over"), {"agent_id": bob.agent["id"]})
    assert (moved.status_code, moved.json()["code"]) == (409, "holder_changed")

    assert (await ann.post(f"/api/contacts/{contact_id}/close")).status_code == 200
    ended = await sam.post(_path(contact_id, "take-over"))
    assert (ended.status_code, ended.json()["code"]) == (409, "contact_closed")
    assert (await stored_contact(world.app.ctx, contact_id)).agent_id == ann.agent["id"]
    assert [r.action for r in await _audit_rows(world, contact_id)] == []


async def test_take_over_races_the_agents_own_transfer_and_close(world: World) -> None:
    """Exactly one of the two wins, and the loser is told with a code."""
    sam = await _sam(world)
    ann = await world.agent("ann")
    await ann.open_console()
    for agent_move in ("transfer", "close") * 3:
        bob, _console, visitor, _widget = await _bob_holds(world)
        contact_id = visitor.contact_id
        body = {"agent_id": ann.agent["id"]} if agent_move == "transfer" else {}
        taken, moved = await asyncio.gather(
            sam.post(_path(contact_id, "take-over"), {"agent_id": bob.agent["id"]}),
            bob.post(f"/api/contacts/{contact_id}/{agent_move}", body),
        )
        wins = [r for r in (taken, moved) if r.status_code in (200, 201)]
        assert len(wins) == 1, (taken.text, moved.text)
        row = await stored_contact(world.app.ctx, contact_id)
        if taken.status_code == 200:
            assert (moved.status_code, moved.json()["code"]) == (403, "forbidden")
            assert (row.state, row.agent_id) == ("assigned", sam.agent["id"])
            assert (await sam.post(f"/api/contacts/{contact_id}/close")).status_code == 200
        else:
            expected = "transfer_pending" if agent_move == "transfer" else "contact_closed"
            assert (taken.status_code, taken.json()["code"]) == (409, expected)
            assert row.agent_id == bob.agent["id"]
            assert row.state == ("transferring" if agent_move == "transfer" else "closed")
            if agent_move == "transfer":
                await bob.post(f"/api/contacts/{contact_id}/transfer/cancel")
                assert (await bob.post(f"/api/contacts/{contact_id}/close")).status_code == 200
