"""The chat limit holds under concurrent accepts (issue 20 item 3): of two accepts that
together would pass an agent's limit, exactly one wins and the other answers ``at_limit``,
whether they take two waiting contacts or a waiting contact and a transfer."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.conftest import World
from tests.support.clients import AgentClient, Stream, VisitorClient
from tests.support.storage import stored_contact

ROUNDS = 5
RACERS = 4


@contextmanager
def offers_left_stale(world: World) -> Iterator[None]:
    """No routing pass while the accepts race: every accept sees the offers as they were
    before the first of them committed — what a second accept queued behind the first, or
    one served by another process, sees."""
    ctx = world.app.ctx
    kick, changed = ctx.reroute_soon, ctx.load_changed
    ctx.reroute_soon, ctx.load_changed = (lambda: None), (lambda agent_id: None)
    try:
        yield
    finally:
        ctx.reroute_soon, ctx.load_changed = kick, changed
        kick()


async def _waiting(world: World, consoles: list[Stream]) -> VisitorClient:
    """A Sales visitor whose offer every console has seen (broadcast: nobody is starred)."""
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    for console in consoles:
        await console.wait_event("contact.offered", contact_id=visitor.contact_id)
    return visitor


def _outcomes(responses: list[httpx.Response]) -> list[tuple[int, str | None]]:
    return sorted(
        (r.status_code, None if r.status_code == 200 else r.json()["code"]) for r in responses
    )


async def _close_all(
    world: World, agents: dict[int, AgentClient], visitors: list[VisitorClient]
) -> None:
    """End every contact of the round: held ones by their agent, waiting ones by the visitor."""
    for visitor in visitors:
        row = await stored_contact(world.app.ctx, visitor.contact_id)
        if row.state == "transferring":
            await agents[row.agent_id].post(f"/api/contacts/{row.id}/transfer/cancel")
            row = await stored_contact(world.app.ctx, visitor.contact_id)
        if row.state == "assigned":
            assert (
                await agents[row.agent_id].post(f"/api/contacts/{row.id}/close")
            ).status_code == 200
        elif row.state == "pending":
            await visitor.http.post("/api/visitor/contact/leave")


async def test_simultaneous_accepts_past_the_limit_one_wins(world: World) -> None:
    await world.add_agent("lim", ["sales"], chat_limit=2)
    lim, bob = await world.agent("lim"), await world.agent("bob")
    consoles = [await lim.open_console(), await bob.open_console()]
    agents = {lim.agent["id"]: lim, bob.agent["id"]: bob}
    for _ in range(ROUNDS):
        first = await _waiting(world, consoles)
        assert (await lim.accept(first.contact_id)).status_code == 200  # one chat of two
        rest = [await _waiting(world, consoles) for _ in range(RACERS)]
        with offers_left_stale(world):
            responses = await asyncio.gather(*(lim.accept(v.contact_id) for v in rest))
        assert _outcomes(list(responses)) == [(200, None)] + [(409, "at_limit")] * (RACERS - 1)
        rows = [await stored_contact(world.app.ctx, v.contact_id) for v in [first, *rest]]
        assert sum(r.agent_id == lim.agent["id"] for r in rows) == 2
        await _close_all(world, agents, [first, *rest])


async def test_accepts_and_a_transfer_accept_past_the_limit(world: World) -> None:
    """Limit 2, nothing held: a transfer to the agent (its weight reserved on them) and two
    waiting contacts still fit the offers; accepting all three at once takes two."""
    await world.add_agent("lim", ["sales"], chat_limit=2)
    lim, bob = await world.agent("lim"), await world.agent("bob")
    consoles = [await lim.open_console(), await bob.open_console()]
    agents = {lim.agent["id"]: lim, bob.agent["id"]: bob}
    for _ in range(ROUNDS):
        sent = await _waiting(world, consoles)
        assert (await bob.accept(sent.contact_id)).status_code == 200
        body = {"agent_id": lim.agent["id"], "note": ""}
        moved = await bob.post(f"/api/contacts/{sent.contact_id}/transfer", body)
        assert moved.status_code == 201
        await consoles[0].wait_event("contact.offered", contact_id=sent.contact_id)
        rest = [await _waiting(world, consoles) for _ in range(2)]
        with offers_left_stale(world):
            responses = await asyncio.gather(
                lim.post(f"/api/contacts/{sent.contact_id}/transfer/accept"),
                *(lim.accept(v.contact_id) for v in rest),
            )
        assert _outcomes(list(responses)) == [(200, None), (200, None), (409, "at_limit")]
        rows = [await stored_contact(world.app.ctx, v.contact_id) for v in [sent, *rest]]
        assert sum(r.agent_id == lim.agent["id"] and r.state == "assigned" for r in rows) == 2
        await _close_all(world, agents, [sent, *rest])
