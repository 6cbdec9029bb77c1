"""The supervision view (snapshot + stream of changes) and the left messages, over the API."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import websockets

from sportello.domain.model import Role
from tests.conftest import World
from tests.support.clients import AgentClient, Stream
from tests.support.storage import stored_events

ViewTest = Callable[[dict[str, Any]], bool]


async def view_where(stream: Stream, test: ViewTest) -> dict[str, Any]:
    """The first view, from the newest one received on, that passes ``test``."""
    start = max(i for i, f in enumerate(stream.frames) if f["type"] in ("hello", "view"))
    frame = await stream.wait_for(
        lambda f: f["type"] in ("hello", "view") and test(f["view"]), start=start
    )
    view: dict[str, Any] = frame["view"]
    return view


def agent_in(view: dict[str, Any], name: str) -> dict[str, Any]:
    return next(a for a in view["agents"] if a["display_name"] == name)


def waiting_in(view: dict[str, Any], service: str) -> list[dict[str, Any]]:
    return next(s["waiting"] for s in view["services"] if s["name"] == service)


async def test_the_view_follows_a_visitor_who_arrives_is_taken_and_leaves(
    sqlite_world: World,
) -> None:
    world = sqlite_world
    await world.add_agent("sam", ["sales"], role=Role.SUPERVISOR)
    sam = await world.agent("sam")
    live = await sam.open_supervision()
    hello = live.frames[0]
    assert hello["type"] == "hello" and hello["resumed"] is False
    assert agent_in(hello["view"], "Bob")["status"] == "DISCONNECTED"

    bob = await world.agent("bob")
    console = await bob.open_console()
    await view_where(live, lambda v: agent_in(v, "Bob")["status"] == "READY")
    await bob.http.patch(f"/api/console-sessions/{bob.session_id}", json={"voice": False})
    view = await view_where(live, lambda v: agent_in(v, "Bob")["media"]["voice"] is False)
    assert agent_in(view, "Bob")["media"] == {"chat": True, "voice": False, "video": True}

    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"], name="Vera")
    view = await view_where(live, lambda v: len(waiting_in(v, "Sales")) == 1)
    entry = waiting_in(view, "Sales")[0]
    assert (entry["id"], entry["visitor_name"]) == (visitor.contact_id, "Vera")
    assert entry["dissuade_at"] == pytest.approx(entry["created_at"] + 30)
    assert view["today"]["requests"] == 1 and view["today"]["answered"] == 0

    assert (await bob.accept(visitor.contact_id)).status_code == 200
    view = await view_where(live, lambda v: agent_in(v, "Bob")["load"] == 1)
    assert waiting_in(view, "Sales") == []
    held = agent_in(view, "Bob")["contacts"][0]
    assert (held["id"], held["state"], agent_in(view, "Bob")["chat_limit"]) == (
        visitor.contact_id,
        "assigned",
        4,
    )
    assert view["today"]["answered"] == 1

    await visitor.say("where is my parcel?")
    message = await live.wait_event("message.created", contact_id=visitor.contact_id)
    assert message["data"]["message"]["text"] == "where is my parcel?"

    assert (await visitor.leave()).status_code == 200
    view = await view_where(live, lambda v: agent_in(v, "Bob")["load"] == 0)
    assert view["today"]["requests"] == 1
    await console.close()
    await view_where(live, lambda v: agent_in(v, "Bob")["reconnecting"] is True)
    await live.close()


async def test_a_supervisor_reads_a_live_contact_but_cannot_write(sqlite_world: World) -> None:
    world = sqlite_world
    await world.add_agent("sam", ["sales"], role=Role.SUPERVISOR)
    _bob, _console, visitor, _widget = await world.assigned_chat("bob", "Sales")
    sam = await world.agent("sam")
    live = await sam.open_supervision()
    cid = visitor.contact_id

    assert (await sam.http.get(f"/api/contacts/{cid}")).status_code == 200
    refused = await sam.say(cid, "let me help")
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    start = len(live.frames)
    await live.send({"type": "message.send", "contact_id": cid, "client_msg_id": "m1", "text": "x"})
    error = await live.wait_for(lambda f: f["type"] == "error", start=start)
    assert error["code"] == "forbidden"
    texts = [m["text"] for m in (await sam.http.get(f"/api/contacts/{cid}")).json()["messages"]]
    assert "let me help" not in texts and "x" not in texts
    await live.close()


async def test_supervisors_see_only_their_services(sqlite_world: World) -> None:
    world = sqlite_world
    await world.add_agent("sue", ["support"], role=Role.SUPERVISOR)
    _bob, _console, visitor, _widget = await world.assigned_chat("bob", "Sales")
    sue, ann = await world.agent("sue"), await world.agent("ann")

    mine = (await sue.http.get("/api/supervision")).json()
    # a service without tags is everyone's
    assert [s["name"] for s in mine["services"]] == ["Anything", "Support"]
    assert all(c["id"] != visitor.contact_id for a in mine["agents"] for c in a["contacts"])
    assert mine["today"]["requests"] == 0
    everything = (await ann.http.get("/api/supervision")).json()
    assert {s["name"] for s in everything["services"]} == {"Sales", "Support", "Anything"}
    assert everything["today"]["requests"] == 1

    live = await sue.open_supervision()
    await visitor.say("only for Sales supervisors")
    await live.drain()
    assert live.events() == []
    await live.close()


async def test_every_agent_shown_carries_their_real_load_and_the_view_says_its_scope(
    sqlite_world: World,
) -> None:
    world = sqlite_world
    await world.add_agent("sue", ["support"], role=Role.SUPERVISOR)
    _bob, _console, visitor, _widget = await world.assigned_chat("bob", "Sales")
    sue, ann = await world.agent("sue"), await world.agent("ann")

    mine = (await sue.http.get("/api/supervision")).json()
    bob = agent_in(mine, "Bob")  # he serves "Anything", a service without tags: hers too
    # chatting in Sales: counted, without the contact itself
    assert (bob["status"], bob["load"], bob["elsewhere"], bob["contacts"]) == ("READY", 1, 1, [])
    assert mine["scope"] == {
        "everything": False,
        "services": ["Anything", "Support"],
        "handled_elsewhere": False,
    }
    everything = (await ann.http.get("/api/supervision")).json()
    bob = agent_in(everything, "Bob")
    assert (bob["load"], bob["elsewhere"]) == (1, 0)
    assert [c["id"] for c in bob["contacts"]] == [visitor.contact_id]
    assert everything["scope"] == {
        "everything": True,
        "services": ["Anything", "Sales", "Support"],
        "handled_elsewhere": False,
    }
    live = await sue.open_supervision()
    assert live.frames[0]["view"]["scope"]["services"] == ["Anything", "Support"]
    assert agent_in(live.frames[0]["view"], "Bob")["load"] == 1
    await live.close()


async def test_a_plain_agent_reaches_no_supervision_endpoint_or_frame(
    sqlite_world: World,
) -> None:
    world = sqlite_world
    bob = await world.agent("bob")
    for method, path in (
        ("GET", "/api/supervision"),
        ("GET", "/api/supervision/left-messages"),
        ("POST", "/api/supervision/left-messages/1/done"),
        ("DELETE", "/api/supervision/left-messages/1/done"),
    ):
        refused = await bob.http.request(method, path)
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden"), path
    stream = await bob.open_supervision()
    assert stream.frames[0]["code"] == "forbidden"
    await stream.close()
    assert stream.ws.close_code == 4403
    anonymous = await websockets.connect(f"{world.app.ws_url}/ws/supervision")
    assert "not_authenticated" in str(await anonymous.recv())
    await anonymous.close()


async def test_the_stream_resumes_from_a_position(sqlite_world: World) -> None:
    world = sqlite_world
    _bob, _console, visitor, _widget = await world.assigned_chat("bob", "Sales")
    ann = await world.agent("ann")
    first = await ann.open_supervision()
    await visitor.say("one")
    await first.wait_event("message.created", contact_id=visitor.contact_id)
    position = first.position
    await first.close()
    await visitor.say("two")
    await visitor.say("three")

    again = await ann.open_supervision(since=position)
    assert again.frames[0]["resumed"] is True and again.frames[0]["position"] == position
    replayed = [
        e["data"]["message"]["text"] for e in await again.drain() if e["kind"] == "message.created"
    ]
    assert replayed == ["two", "three"]
    await again.close()


async def test_signing_out_closes_the_supervision_stream(sqlite_world: World) -> None:
    ann = await sqlite_world.agent("ann")
    live = await ann.open_supervision()
    assert (await ann.post("/api/auth/logout")).status_code == 204
    await live.wait_for(lambda f: f["type"] == "error" and f["code"] == "not_authenticated")
    await live.close()
    assert live.ws.close_code == 4401


async def leave_messages(world: World) -> dict[str, int]:
    ids = {}
    async with httpx.AsyncClient(base_url=world.app.url) as http:
        for service in ("Sales", "Support", None):
            left = await http.post(
                "/api/visitor/left-messages",
                headers={"Origin": "https://shop.example"},
                json={
                    **({"service_id": world.services[service]["id"]} if service else {}),
                    "name": "Vera",
                    "email": "vera@example.com",
                    "text": f"call me about {service or 'anything'}",
                },
            )
            assert left.status_code == 201, left.text
            ids[service or "none"] = left.json()["id"]
    return ids


async def listed(agent: AgentClient, **params: Any) -> list[str]:
    response = await agent.http.get("/api/supervision/left-messages", params=params)
    assert response.status_code == 200, response.text
    return [m["text"] for m in response.json()]


async def test_left_messages_are_filtered_and_marked_done_once(world: World) -> None:
    await world.add_agent("sam", ["sales"], role=Role.SUPERVISOR)
    await world.add_agent("sue", ["support"], role=Role.SUPERVISOR)
    ids = await leave_messages(world)
    sam, sue = await world.agent("sam"), await world.agent("sue")

    assert await listed(sam) == ["call me about anything", "call me about Sales"]
    assert await listed(sam, service_id=world.services["Sales"]["id"]) == ["call me about Sales"]
    assert await listed(sam, since=0, until=1) == []

    path = f"/api/supervision/left-messages/{ids['Sales']}/done"
    refused = await sue.post(path)  # not hers: Support only
    assert (refused.status_code, refused.json()["code"]) == (404, "not_found")
    answers = await asyncio.gather(sam.post(path), sam.post(path))
    assert sorted(a.status_code for a in answers) == [200, 409]
    done = next(a for a in answers if a.status_code == 200).json()
    late = next(a for a in answers if a.status_code == 409).json()
    assert late["code"] == "already_done"
    assert done["done_by"] == {"id": sam.agent["id"], "display_name": "Sam"}
    assert done["done_at"] is not None

    assert await listed(sam, done="true") == ["call me about Sales"]
    assert await listed(sam, done="false") == ["call me about anything"]
    marks = [e for e in await stored_events(world.app.ctx) if e.kind == "left_message.done"]
    assert [m.payload["id"] for m in marks] == [ids["Sales"]]
    assert marks[0].payload["done_by"]["id"] == sam.agent["id"]


async def test_a_message_left_after_a_contact_belongs_to_its_service(world: World) -> None:
    await world.add_agent("sam", ["sales"], role=Role.SUPERVISOR)
    await world.add_agent("sue", ["support"], role=Role.SUPERVISOR)
    sam, sue = await world.agent("sam"), await world.agent("sue")
    visitor = world.visitor()
    await visitor.request(world.services["Support"]["id"])  # nobody online: rejected
    assert visitor.contact["state"] == "rejected"
    body = {"name": "Vera", "email": "vera@example.com", "text": "Do you sell gift cards?"}
    path = "/api/visitor/left-messages"

    elsewhere = await visitor.http.post(
        path, json={**body, "service_id": world.services["Sales"]["id"]}
    )
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (422, "invalid_input")
    assert elsewhere.json()["details"]["problems"][0]["field"] == "service_id"
    left = await visitor.http.post(path, json=body)  # the token says which contact
    assert left.status_code == 201, left.text

    (mine,) = (await sue.http.get("/api/supervision/left-messages")).json()
    assert (mine["id"], mine["service_name"], mine["contact_id"]) == (
        left.json()["id"],
        "Support",
        visitor.contact_id,
    )
    assert await listed(sam) == []  # the Sales supervisor does not see Support's messages


async def test_todays_figures_agree_with_the_reports_overview(world: World) -> None:
    bob, _console, answered, _widget = await world.assigned_chat("bob", "Sales")
    await answered.say("hello")
    await bob.say(answered.contact_id, "hi")
    await answered.say("thanks")
    assert (await bob.post(f"/api/contacts/{answered.contact_id}/close")).status_code == 200
    gone = world.visitor()
    await gone.request(world.services["Sales"]["id"])
    await gone.leave()
    waiting = world.visitor()
    await waiting.request(world.services["Support"]["id"])  # nobody for Support: rejected
    ann = await world.agent("ann")

    view = (await ann.http.get("/api/supervision")).json()
    today = view["today"]
    report = await ann.http.get(
        "/api/reports/overview",
        params={"since": today["since"], "until": view["server_time"] + 1},
    )
    total = report.json()["total"]
    for figure in ("requests", "answered", "dissuaded", "abandoned", "in_progress", "wait_avg"):
        assert today[figure] == pytest.approx(total[figure]), figure
    assert (today["requests"], today["answered"]) == (3, 1)
    sales = next(s for s in view["services"] if s["name"] == "Sales")
    assert sales["today"]["requests"] == 2


async def test_left_messages_reach_the_views_live_and_can_be_reopened(world: World) -> None:
    await world.add_agent("sam", ["sales"], role=Role.SUPERVISOR)
    await world.add_agent("sue", ["support"], role=Role.SUPERVISOR)
    sam, sue, ann = [await world.agent(login) for login in ("sam", "sue", "ann")]
    on_sam, on_sue, on_ann = [await a.open_supervision() for a in (sam, sue, ann)]
    ids = await leave_messages(world)

    def left(stream: Stream, kind: str) -> list[int]:
        return [f["data"]["id"] for f in stream.events(f"left_message.{kind}")]

    created = await on_sam.wait_event("left_message.created", id=ids["none"])
    assert created["data"]["message"]["text"] == "call me about anything"
    assert left(on_sam, "created") == [ids["Sales"], ids["none"]]  # in order, in scope only
    await on_sue.wait_event("left_message.created", id=ids["none"])
    assert left(on_sue, "created") == [ids["Support"], ids["none"]]

    path = f"/api/supervision/left-messages/{ids['Sales']}/done"
    assert (await ann.post(path)).status_code == 200
    done = await on_sam.wait_event("left_message.done", id=ids["Sales"])
    assert done["data"]["message"]["done_by"]["display_name"] == "Ann"

    reopened = await sam.http.delete(path)
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["done_at"] is None and reopened.json()["done_by"] is None
    event = await on_ann.wait_event("left_message.reopened", id=ids["Sales"])
    assert event["data"]["message"]["done_at"] is None
    again = await sam.http.delete(path)
    assert (again.status_code, again.json()["code"]) == (409, "not_done")
    refused = await sue.http.delete(path)
    assert (refused.status_code, refused.json()["code"]) == (404, "not_found")
    assert await listed(sam, done="false") == ["call me about anything", "call me about Sales"]

    rows = (await ann.http.get("/api/admin/audit", params={"target_kind": "left_message"})).json()
    [row] = rows["items"]
    assert (row["action"], row["actor"]["login"]) == ("left_message.reopened", "sam")
    assert row["before"]["done_by"]["display_name"] == "Ann" and row["after"]["done_by"] is None
    assert (await ann.post(path)).status_code == 200  # and done again
    await on_sam.wait_event("left_message.done", id=ids["Sales"])
    await on_sue.drain()
    assert left(on_sue, "done") == [] and left(on_sue, "reopened") == []


async def test_today_rolls_over_at_the_readers_midnight_by_itself(world: World) -> None:
    clock = world.app.clock
    midnight = (clock.now() // 86_400 + 1) * 86_400  # UTC
    await world.app.advance(midnight - 0.2 - clock.now())
    visitor = world.visitor()
    await visitor.request(world.services["Anything"]["id"])
    ann = await world.agent("ann")
    live = await ann.open_supervision()
    today = live.frames[0]["view"]["today"]
    assert (today["since"], today["requests"]) == (midnight - 86_400, 1)

    clock.advance(1)  # nothing else happens: no event, no console
    view = await view_where(live, lambda v: v["today"]["since"] == midnight)
    assert view["today"]["requests"] == 0
    assert view["server_time"] >= midnight


async def test_one_computation_per_change_serves_every_supervisor(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sportello.realtime import supervision_views

    await world.add_agent("sam", ["sales"], role=Role.SUPERVISOR)
    readers = [await world.agent(login) for login in ("ann", "ann", "ann", "sam", "sam")]
    streams = [await r.open_supervision() for r in readers]
    reads: list[float] = []
    load_floor = supervision_views.load_floor

    async def counted(*args: Any) -> Any:
        reads.append(args[1])
        return await load_floor(*args)

    monkeypatch.setattr(supervision_views, "load_floor", counted)
    visitor = world.visitor()
    await visitor.request(world.services["Anything"]["id"], name="Vera")  # everyone's service
    for stream, reader in zip(streams, readers, strict=True):
        view = await view_where(stream, lambda v: v["today"]["requests"] == 1)
        assert [s["name"] for s in view["services"]] == (
            ["Anything", "Sales", "Support"] if reader.login == "ann" else ["Anything", "Sales"]
        )
    sent = [sum(f["type"] == "view" for f in s.frames) for s in streams]
    assert len(set(sent)) == 1 and len(reads) in (sent[0], sent[0] + 1)  # not one per socket
