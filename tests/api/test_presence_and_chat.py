"""Presence (pause for all sessions, media per session, away/back) and the chat extras
(typing signals, receipts, page changes, colour tag)."""

from __future__ import annotations

from tests.conftest import World
from tests.support.storage import stored_messages


async def test_pause_applies_to_every_console_of_the_agent(world: World) -> None:
    ann = await world.agent("ann")
    first, second = await ann.open_console(), await ann.open_console()
    response = await ann.http.put("/api/me/status", json={"status": "PAUSED"})
    assert response.json() == {"status": "PAUSED"}
    for console in (first, second):
        changed = await console.wait_event("agent.status_changed")
        assert changed["data"]["status"] == "PAUSED"
    visitor = world.visitor()
    assert (await visitor.request(world.services["Sales"]["id"])).json()["contact"][
        "state"
    ] == "rejected"
    await ann.http.put("/api/me/status", json={"status": "READY"})
    again = world.visitor()
    assert (await again.request(world.services["Sales"]["id"])).json()["contact"][
        "state"
    ] == "pending"
    for console in (first, second):
        await console.wait_event("contact.offered", contact_id=again.contact_id)
    bad = await ann.http.put("/api/me/status", json={"status": "DISCONNECTED"})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input")


async def test_media_switches_are_per_session(world: World) -> None:
    ann = await world.agent("ann")
    first = await ann.open_console()
    first_id = ann.session_id
    second = await ann.open_console()
    second_id = ann.session_id
    off = await ann.http.patch(f"/api/console-sessions/{first_id}", json={"chat": False})
    assert off.json() == {"id": first_id, "chat": False, "voice": True, "video": True}
    await first.wait_event("agent.session_changed")
    visitor = world.visitor()
    assert (await visitor.request(world.services["Sales"]["id"])).json()["contact"][
        "state"
    ] == "pending"
    await ann.http.patch(f"/api/console-sessions/{second_id}", json={"chat": False})
    late = world.visitor()
    assert (await late.request(world.services["Sales"]["id"])).json()["contact"][
        "state"
    ] == "rejected"
    await second.close()
    await first.close()


async def test_agent_presence_follows_live_consoles(world: World) -> None:
    ann = await world.agent("ann")
    assert (await ann.http.get("/api/me")).json()["status"] == "DISCONNECTED"
    world.app.ctx.settings.idle_seconds = 120
    console = await ann.open_console()
    assert console.frames[0]["agent"]["status"] == "READY"
    assert console.frames[0]["idle_seconds"] == 120  # the console's idle mark follows it
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    await ann.accept(visitor.contact_id)
    widget = await visitor.open_widget()
    await console.close()
    away = await widget.wait_event("contact.agent_away")
    assert away["contact_id"] == visitor.contact_id
    me = (await ann.http.get("/api/me")).json()
    assert (me["status"], me["reconnecting"]) == ("READY", True)  # within the grace period
    late = world.visitor()
    assert (await late.request(world.services["Sales"]["id"])).json()["contact"]["state"] == (
        "rejected"
    )  # but not routed to while no console is open
    await world.app.advance(30)
    back = await ann.open_console(session_id=ann.session_id)
    await widget.wait_event("contact.agent_back")
    assert back.frames[0]["contacts"][0]["id"] == visitor.contact_id
    assert (await ann.http.get("/api/me")).json()["status"] == "READY"
    await back.close()
    await widget.wait_for(
        lambda f: f.get("kind") == "contact.agent_away" and f["position"] > away["position"]
    )
    await world.app.advance(60)
    me = (await ann.http.get("/api/me")).json()
    assert (me["status"], me["reconnecting"]) == ("DISCONNECTED", False)
    listed = {a["display_name"]: a["status"] for a in (await ann.http.get("/api/agents")).json()}
    assert listed["Ann"] == "DISCONNECTED"
    # after the grace the contact goes back to the queue (test_departures.py has the rest)
    await widget.wait_event("contact.requeued")


async def test_typing_receipts_pages_and_colour(world: World) -> None:
    ann, console, visitor, widget = await world.assigned_chat()
    cid = visitor.contact_id
    await widget.send({"type": "typing", "contact_id": cid, "active": True})
    typing = await console.wait_for(lambda f: f["type"] == "signal" and f["kind"] == "typing")
    assert (typing["from"], typing["active"], typing["contact_id"]) == ("visitor", True, cid)
    await console.send({"type": "typing", "contact_id": cid, "active": False})
    typing = await widget.wait_for(lambda f: f["type"] == "signal" and f["kind"] == "typing")
    assert (typing["from"], typing["active"]) == ("agent", False)

    await console.send(
        {"type": "message.send", "contact_id": cid, "client_msg_id": "m1", "text": "hi"}
    )
    ack = await console.wait_for(lambda f: f["type"] == "ack" and f["ref"] == "m1")
    assert ack["visitor_online"] is True and ack["duplicate"] is False
    message_id = ack["message"]["id"]
    await widget.wait_event("message.created")
    await widget.send(
        {"type": "receipt", "contact_id": cid, "up_to": message_id, "state": "delivered"}
    )
    status = await console.wait_event("message.status")
    assert status["data"]["state"] == "delivered" and status["data"]["up_to"] == message_id
    await widget.send({"type": "receipt", "contact_id": cid, "up_to": message_id, "state": "read"})
    await console.wait_for(
        lambda f: f.get("kind") == "message.status" and f["data"]["state"] == "read"
    )
    (stored,) = await stored_messages(world.app.ctx, cid)
    assert stored.delivered_at is not None and stored.read_at is not None

    await visitor.http.post(
        "/api/visitor/contact/pages", json={"url": "https://shop.example/cart", "title": "Cart"}
    )
    page = await console.wait_event("visitor.page_changed")
    assert page["data"]["url"] == "https://shop.example/cart"
    detail = (await ann.http.get(f"/api/contacts/{cid}")).json()
    assert [p["url"] for p in detail["pages"]][-1] == "https://shop.example/cart"

    colour = await ann.http.put(f"/api/contacts/{cid}/colour", json={"colour": "green"})
    assert colour.json() == {"contact_id": cid, "colour": "green"}
    await console.wait_event("contact.colour_changed")
    assert (await ann.http.get(f"/api/contacts/{cid}")).json()["colour"] == "green"
    bad = await ann.http.put(f"/api/contacts/{cid}/colour", json={"colour": "<script>"})
    assert bad.json()["code"] == "invalid_input"
    await widget.close()
    await console.wait_for(
        lambda f: f["type"] == "signal" and f["kind"] == "visitor.presence" and not f["online"]
    )


async def test_ended_contact_stays_in_every_console_until_removed(world: World) -> None:
    ann = await world.agent("ann")
    console = await ann.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    await ann.accept(visitor.contact_id)
    early = await ann.post(f"/api/contacts/{visitor.contact_id}/dismiss")
    assert (early.status_code, early.json()["code"]) == (409, "contact_not_ended")
    await visitor.leave()
    await console.wait_event("contact.closed")
    reloaded = await ann.open_console()
    (kept,) = reloaded.frames[0]["contacts"]
    assert (kept["id"], kept["state"]) == (visitor.contact_id, "closed")
    bob = await world.agent("bob")
    refused = await bob.post(f"/api/contacts/{visitor.contact_id}/dismiss")
    assert refused.json()["code"] == "forbidden"
    done = await ann.post(f"/api/contacts/{visitor.contact_id}/dismiss")
    assert done.json() == {"contact_id": visitor.contact_id, "dismissed": True}
    for stream in (console, reloaded):
        await stream.wait_event("contact.dismissed", contact_id=visitor.contact_id)
    assert (await ann.open_console()).frames[0]["contacts"] == []


async def test_an_idle_chat_weighs_nothing(world: World) -> None:
    cyd = await world.agent("cyd")  # chat limit 1
    await cyd.open_console()
    busy = world.visitor()
    await busy.request(world.services["Support"]["id"])
    await cyd.accept(busy.contact_id)
    await cyd.say(busy.contact_id, "one moment please")
    full = world.visitor()
    assert (await full.request(world.services["Support"]["id"])).json()["contact"]["state"] == (
        "rejected"
    )
    await world.app.advance(60)  # no message for the idle timeout: the chat is idle
    idle = world.visitor()
    assert (await idle.request(world.services["Support"]["id"])).json()["contact"]["state"] == (
        "pending"
    )
    await busy.say("still there?")  # the chat wakes up and weighs again
    late = world.visitor()
    assert (await late.request(world.services["Support"]["id"])).json()["contact"]["state"] == (
        "rejected"
    )  # cyd is full again: the live chat plus the contact starred to her


async def test_an_unanswered_visitor_is_never_idle_capacity(world: World) -> None:
    cyd = await world.agent("cyd")  # chat limit 1
    await cyd.open_console()
    asking = world.visitor()
    await asking.request(world.services["Support"]["id"], message="Do you sell gift cards?")
    assert (await cyd.accept(asking.contact_id)).status_code == 200
    await world.app.advance(600)  # ten quiet minutes, the question still unanswered
    other = world.visitor()
    created = await other.request(world.services["Support"]["id"])
    assert created.json()["contact"]["state"] == "rejected"  # cyd has no room: Vera waits
    await cyd.say(asking.contact_id, "We do: any amount from 10 to 500.")
    await world.app.advance(60)  # answered, then quiet: nobody waits for cyd
    third = world.visitor()
    created = await third.request(world.services["Support"]["id"])
    assert created.json()["contact"]["state"] == "pending"


async def test_a_console_snapshot_holds_each_contact_with_its_own_history(world: World) -> None:
    """The held contacts are read for the snapshot together; each keeps only its own
    messages and pages, the same as the contact's own view."""
    ann = await world.agent("ann")
    await ann.open_console()
    visitors = []
    for name in ("First", "Second", "Third"):
        visitor = world.visitor()
        await visitor.request(world.services["Sales"]["id"], name=name)
        await ann.accept(visitor.contact_id)
        await visitor.say(f"hello from {name}")
        await ann.say(visitor.contact_id, f"hello {name}")
        visitors.append(visitor)
    await visitors[1].say("one more")
    reloaded = await ann.open_console()
    held = {c["id"]: c for c in reloaded.frames[0]["contacts"]}
    assert set(held) == {v.contact_id for v in visitors}
    for visitor, name in zip(visitors, ("First", "Second", "Third"), strict=True):
        texts = [m["text"] for m in held[visitor.contact_id]["messages"]]
        expected = [f"hello from {name}", f"hello {name}"]
        assert texts == ([*expected, "one more"] if name == "Second" else expected)
        alone = (await ann.http.get(f"/api/contacts/{visitor.contact_id}")).json()
        assert held[visitor.contact_id] == alone
