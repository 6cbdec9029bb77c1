"""A chat carried to another of the service's sites: the widget there takes it up with a
one-use, minute-long handoff code, and every misuse of a code is refused without harm."""

from __future__ import annotations

import httpx

from tests.conftest import World
from tests.support.clients import VisitorClient

SHOP = "https://shop.example"
HELP = "https://help.example"


async def offer(visitor: VisitorClient, url: str) -> httpx.Response:
    return await visitor.http.post("/api/visitor/contact/handoff", json={"url": url})


async def take(world: World, origin: str, code: str) -> tuple[httpx.Response, VisitorClient]:
    arriving = world.visitor(origin)
    answer = await arriving.http.post("/api/visitor/handoff", json={"code": code})
    if answer.status_code == 200:
        arriving.token = answer.json()["token"]
        arriving.contact = answer.json()["contact"]
        arriving.visitor_id = answer.json()["visitor_id"]
        arriving.http.headers["Authorization"] = f"Bearer {arriving.token}"
    return answer, arriving


async def two_sites(world: World) -> None:
    ann = await world.agent("ann")
    sales = world.services["Sales"]["id"]
    changed = await ann.http.patch(f"/api/admin/services/{sales}", json={"sites": [SHOP, HELP]})
    assert changed.status_code == 200, changed.text


async def test_the_chat_follows_the_visitor_to_another_site(world: World) -> None:
    await two_sites(world)
    _ann, console, visitor, widget = await world.assigned_chat()
    assert (await visitor.say("where are the manuals?")).status_code == 201

    offered = await offer(visitor, f"{HELP}/manuals#moka")
    assert offered.status_code == 201, offered.text
    code = offered.json()["code"]

    # a site the service does not list cannot take it up, and that costs the visitor nothing
    refused, _ = await take(world, "https://elsewhere.example", code)
    assert refused.status_code == 403 and refused.json()["code"] == "origin_rejected"

    answer, arriving = await take(world, HELP, code)
    assert answer.status_code == 200, answer.text
    assert arriving.contact_id == visitor.contact_id
    assert arriving.visitor_id == visitor.visitor_id
    assert [m["text"] for m in arriving.contact["messages"]] == ["where are the manuals?"]

    # the new site's widget streams and writes as the visitor; the agent gets it
    stream = await arriving.open_widget()
    assert stream.frames[0]["type"] == "hello"
    assert (await arriving.say("found them, thanks")).status_code == 201
    said = await console.wait_for(
        lambda f: (
            f.get("kind") == "message.created"
            and f["data"]["message"]["text"] == "found them, thanks"
        )
    )
    assert said["data"]["message"]["sender"] == "visitor"
    await stream.close()
    await widget.close()

    # once only
    again, _ = await take(world, HELP, code)
    assert again.status_code == 410 and again.json()["code"] == "handoff_refused"


async def test_misused_codes_are_refused(sqlite_world: World) -> None:
    world = sqlite_world
    await two_sites(world)
    _ann, _console, visitor, _widget = await world.assigned_chat()

    elsewhere = await offer(visitor, "https://elsewhere.example/")
    assert elsewhere.status_code == 422 and elsewhere.json()["code"] == "redirect_refused"
    script = await offer(visitor, "javascript:alert(1)")
    assert script.status_code == 422 and script.json()["code"] == "redirect_refused"

    first = (await offer(visitor, f"{HELP}/")).json()["code"]
    second = (await offer(visitor, f"{HELP}/")).json()["code"]
    replaced, _ = await take(world, HELP, first)
    assert replaced.status_code == 410 and replaced.json()["code"] == "handoff_refused"

    body, mac = second.split(".")
    forged, _ = await take(world, HELP, body + "." + mac[::-1])
    assert forged.status_code == 410 and forged.json()["code"] == "handoff_refused"
    token_as_code, _ = await take(world, HELP, visitor.token)
    assert token_as_code.status_code == 410

    # a code is no token
    as_token = world.visitor(HELP)
    as_token.http.headers["Authorization"] = f"Bearer {second}"
    assert (await as_token.http.get("/api/visitor/contact")).status_code == 401

    # a minute later it has expired, and the one still outstanding was never used up
    await world.app.advance(61)
    late, _ = await take(world, HELP, second)
    assert late.status_code == 410 and "expired" in late.json()["message"]


async def test_an_ended_chat_is_not_carried(sqlite_world: World) -> None:
    world = sqlite_world
    await two_sites(world)
    _ann, _console, visitor, _widget = await world.assigned_chat()
    code = (await offer(visitor, f"{HELP}/")).json()["code"]
    assert (await visitor.leave()).status_code == 200
    answer, _ = await take(world, HELP, code)
    assert answer.status_code == 410 and answer.json()["code"] == "handoff_refused"
    closed = await offer(visitor, f"{HELP}/")
    assert closed.status_code == 409, closed.text
