"""The data-sharing channel (issue 11): "send immediately", its refusals, the prompt mode,
saved links, and exactly-once delivery of a pushed link across reconnects."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import World
from tests.support.clients import AgentClient
from tests.support.storage import stored_events

SITE = "https://shop.example"  # the Sales service's site in the test world


async def push(agent: AgentClient, contact_id: int, url: str) -> httpx.Response:
    return await agent.post(f"/api/contacts/{contact_id}/push-link", {"url": url})


async def test_send_immediately_reaches_the_visitor_and_the_agent(world: World) -> None:
    ann, console, visitor, widget = await world.assigned_chat()
    answer = await ann.post(
        f"/api/contacts/{visitor.contact_id}/push-link", {"url": f"{SITE}/cart"}
    )
    assert answer.status_code == 200, answer.text
    pushed = answer.json()
    assert (pushed["url"], pushed["mode"]) == (f"{SITE}/cart", "navigate")
    seen = await widget.wait_event("link.pushed")
    assert seen["data"]["url"] == f"{SITE}/cart" and seen["data"]["id"] == pushed["id"]
    assert (await console.wait_event("link.pushed"))["data"]["mode"] == "navigate"


@pytest.mark.parametrize(
    "url",
    [
        "https://elsewhere.example/",
        "http://shop.example/",  # same host, another scheme: another origin
        "javascript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "https://user:secret@shop.example/",
        "/relative",
        "ftp://shop.example/",
    ],
)
async def test_refused_addresses_change_nothing(sqlite_world: World, url: str) -> None:
    ann, _console, visitor, widget = await sqlite_world.assigned_chat()
    answer = await push(ann, visitor.contact_id, url)
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["code"] == "redirect_refused"
    assert body["message"].startswith("the visitor cannot be sent there")
    assert body["details"]["sites"] == [SITE]
    kinds = [e.kind for e in await stored_events(sqlite_world.app.ctx, visitor.contact_id)]
    assert "link.pushed" not in kinds
    await widget.drain()
    assert widget.events("link.pushed") == []


async def test_prompt_mode_and_saved_links(world: World) -> None:
    ann, _console, visitor, widget = await world.assigned_chat()
    sales = world.services["Sales"]["id"]
    links = [{"title": "Returns", "url": f"{SITE}/help#returns"}]
    changed = await ann.http.patch(
        f"/api/admin/services/{sales}", json={"immediate_redirect": False, "saved_links": links}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["saved_links"] == links
    detail = (await ann.http.get(f"/api/contacts/{visitor.contact_id}")).json()
    assert detail["service"]["saved_links"] == links
    assert detail["service"]["immediate_redirect"] is False
    answer = await ann.post(
        f"/api/contacts/{visitor.contact_id}/push-link", {"url": links[0]["url"]}
    )
    assert answer.json()["mode"] == "prompt"
    assert (await widget.wait_event("link.pushed"))["data"]["mode"] == "prompt"
    bad = await ann.http.patch(
        f"/api/admin/services/{sales}",
        json={"saved_links": [{"title": "x", "url": "javascript:1"}]},
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input")


async def test_only_the_holder_pushes_and_not_after_the_end(world: World) -> None:
    ann, _console, visitor, _widget = await world.assigned_chat()
    bob = await world.agent("bob")
    refused = await bob.post(f"/api/contacts/{visitor.contact_id}/push-link", {"url": f"{SITE}/"})
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    await ann.post(f"/api/contacts/{visitor.contact_id}/close")
    ended = await ann.post(f"/api/contacts/{visitor.contact_id}/push-link", {"url": f"{SITE}/"})
    assert (ended.status_code, ended.json()["code"]) == (409, "contact_closed")


async def test_a_visitor_between_pages_gets_the_link_once(world: World) -> None:
    ann, _console, visitor, widget = await world.assigned_chat()
    before = widget.position
    await widget.close()  # the visitor is changing page
    await ann.post(f"/api/contacts/{visitor.contact_id}/push-link", {"url": f"{SITE}/p/2"})
    next_page = await visitor.open_widget(since=before)
    await next_page.drain()
    pushed = next_page.events("link.pushed")
    assert [e["data"]["url"] for e in pushed] == [f"{SITE}/p/2"]
    after = await visitor.open_widget(since=pushed[0]["position"])  # the target page loads
    await after.drain()
    assert after.events("link.pushed") == []


async def test_an_ipv6_literal_site_is_its_own_origin(sqlite_world: World) -> None:
    """A page on http://[::1]:9196 keeps its brackets: the agent can send it back there,
    an admin can list it as a site, and a look-alike with a backslash is refused."""
    world = sqlite_world
    page = "http://[::1]:9196"
    ann = await world.agent("ann")
    await ann.open_console()
    anything = world.services["Anything"]["id"]
    answer = await ann.http.patch(f"/api/admin/services/{anything}", json={"sites": []})
    assert answer.status_code == 200, answer.text
    visitor = world.visitor(origin=page)
    assert (await visitor.request(anything)).status_code == 201
    assert (await ann.accept(visitor.contact_id)).status_code == 200
    pushed = await push(ann, visitor.contact_id, f"{page}/cart")
    assert pushed.status_code == 200, pushed.text
    refused = await push(ann, visitor.contact_id, "http://evil.example\\[::1]:9196/")
    assert refused.json()["code"] == "redirect_refused"
    assert refused.json()["details"]["sites"] == [page]

    answer = await ann.http.patch(
        f"/api/admin/services/{anything}", json={"sites": ["http://[0:0::1]:9196/"]}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["sites"] == [page]
    listed = await world.visitor(origin=page).http.get("/api/visitor/services")
    assert anything in [s["id"] for s in listed.json()]
    other = await world.visitor(origin="http://[::1]:9197").http.get("/api/visitor/services")
    assert anything not in [s["id"] for s in other.json()]
    widget = await visitor.open_widget()
    assert widget.frames[0]["type"] == "hello"
    assert (await push(ann, visitor.contact_id, f"{page}/help")).status_code == 200
