"""Ending a sign-in closes the console sockets opened with it, at once."""

from __future__ import annotations

from sportello.actions.agent_accounts import do_reset_password
from tests.conftest import World
from tests.support.clients import Stream


async def ended(stream: Stream) -> int | None:
    """Wait for the server to close the socket; its close code."""
    error = await stream.wait_for(lambda f: f["type"] == "error")
    assert error["code"] == "not_authenticated"
    await stream.close()
    return stream.ws.close_code


async def test_logout_closes_that_sign_ins_consoles(sqlite_world: World) -> None:
    world = sqlite_world
    laptop, phone = await world.agent("bob"), await world.agent("bob")
    on_laptop, on_phone = await laptop.open_console(), await phone.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    assert (await laptop.accept(visitor.contact_id)).status_code == 200
    widget = await visitor.open_widget()

    # signed in elsewhere too: the contact stays theirs, no question asked
    assert (await laptop.post("/api/auth/logout")).status_code == 204
    assert await ended(on_laptop) == 4401
    await on_phone.drain()  # the other sign-in's console is still open and answering
    assert not widget.events("contact.agent_away")

    # the last sign-in must say what becomes of the contact
    assert (await phone.post("/api/auth/logout")).status_code == 409
    assert (await phone.post("/api/auth/logout", {"contacts": "requeue"})).status_code == 204
    assert await ended(on_phone) == 4401
    await widget.wait_event("contact.requeued")  # no live console left
    late = world.visitor()
    created = await late.request(world.services["Sales"]["id"])
    assert created.json()["contact"]["state"] == "rejected"  # no longer routed to


async def test_ending_every_sign_in_of_an_agent(sqlite_world: World) -> None:
    world = sqlite_world
    laptop, phone, ann = [await world.agent(login) for login in ("bob", "bob", "ann")]
    consoles = [await laptop.open_console(), await phone.open_console()]
    others = await ann.open_console()
    bob_id = int(laptop.agent["id"])

    await do_reset_password(world.app.ctx, bob_id, "a-new-password")
    for console in consoles:
        assert await ended(console) == 4401
    for client in (laptop, phone):
        assert (await client.http.get("/api/me")).status_code == 401
    await others.drain()
    assert (await ann.http.get("/api/me")).status_code == 200


async def test_a_remembered_sign_in_ends_with_it(sqlite_world: World) -> None:
    """Agents' requests are answered from the sign-ins the server remembers for a few
    seconds; logging out, a role change and disabling the account still apply at once."""
    world = sqlite_world
    laptop, phone, ann = [await world.agent(login) for login in ("bob", "bob", "ann")]
    bob_id = int(laptop.agent["id"])
    for client in (laptop, phone, ann):
        assert (await client.http.get("/api/me")).status_code == 200  # now remembered
    assert (await laptop.post("/api/auth/logout", {"contacts": "requeue"})).status_code == 204
    assert (await laptop.http.get("/api/me")).status_code == 401
    assert (await phone.http.get("/api/me")).status_code == 200

    assert (await phone.http.get("/api/admin/agents")).status_code == 403
    promoted = await ann.http.patch(f"/api/admin/agents/{bob_id}", json={"role": "admin"})
    assert promoted.status_code == 200, promoted.text
    assert (await phone.http.get("/api/admin/agents")).status_code == 200

    disabled = await ann.http.patch(f"/api/admin/agents/{bob_id}", json={"enabled": False})
    assert disabled.status_code == 200, disabled.text
    assert (await phone.http.get("/api/me")).status_code == 401
