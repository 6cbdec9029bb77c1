"""Races: exactly one transition wins, the losers get a clear answer."""

from __future__ import annotations

import asyncio

from sportello.actions.contacts import do_dissuade_due
from tests.conftest import World
from tests.support.storage import stored_contact, stored_events


async def test_twenty_agents_accept_one_contact(world: World) -> None:
    logins = [f"racer{i:02d}" for i in range(20)]
    for login in logins:
        await world.add_agent(login, ["sales"])
    agents = [await world.agent(login) for login in logins]
    consoles = [await a.open_console() for a in agents]
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    await asyncio.gather(*(c.wait_event("contact.offered") for c in consoles))
    responses = await asyncio.gather(*(a.accept(visitor.contact_id) for a in agents))
    winners = [a for a, r in zip(agents, responses, strict=True) if r.status_code == 200]
    assert len(winners) == 1
    losers = [r for r in responses if r.status_code != 200]
    assert {(r.status_code, r.json()["code"]) for r in losers} == {(409, "already_taken")}
    row = await stored_contact(world.app.ctx, visitor.contact_id)
    assert (row.state, row.agent_id) == ("assigned", winners[0].agent["id"])
    kinds = [e.kind for e in await stored_events(world.app.ctx, visitor.contact_id)]
    assert kinds.count("contact.assigned") == 1
    assert kinds.count("contact.joined") == 1
    for agent, console in zip(agents, consoles, strict=True):
        if agent is not winners[0]:
            removed = await console.wait_event("contact.dequeued")
            assert removed["data"]["reason"] == "assigned"


async def test_accept_racing_the_dissuasion_timer(world: World) -> None:
    ann = await world.agent("ann")
    await ann.open_console()
    outcomes = set()
    for _ in range(8):
        visitor = world.visitor()
        await visitor.request(world.services["Sales"]["id"])
        await world.app.advance(30)  # due now: the scheduler and the agent race for it
        accept, fired = await asyncio.gather(
            ann.accept(visitor.contact_id), do_dissuade_due(world.app.ctx)
        )
        row = await stored_contact(world.app.ctx, visitor.contact_id)
        kinds = [e.kind for e in await stored_events(world.app.ctx, visitor.contact_id)]
        if accept.status_code == 200:
            assert row.state == "assigned"
            assert "contact.dissuaded" not in kinds and kinds.count("contact.assigned") == 1
            assert visitor.contact_id not in fired
            outcomes.add("assigned")
            await ann.post(f"/api/contacts/{visitor.contact_id}/close")
        else:
            assert accept.json()["code"] == "contact_not_pending"
            assert row.state == "dissuaded"
            assert "contact.assigned" not in kinds and kinds.count("contact.dissuaded") == 1
            outcomes.add("dissuaded")
    assert outcomes <= {"assigned", "dissuaded"} and outcomes
