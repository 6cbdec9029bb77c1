"""Canned replies (issue 24): service replies managed by admins, personal ones by their
agent only, placeholders filled for the contact, and each use recorded with its message."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import World
from tests.support.clients import AgentClient

GREET = {
    "shortcut": "greet",
    "title": "Greeting",
    "text": "Hello {visitor_name}, I am {agent_name}.",
}


async def add_service_reply(ann: AgentClient, service_id: int, **extra: Any) -> dict[str, Any]:
    answer = await ann.post(
        "/api/admin/canned-replies", {**GREET, "service_id": service_id, **extra}
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def test_a_contact_lists_its_service_and_own_replies_filled(sqlite_world: World) -> None:
    ann, _console, visitor, _widget = await sqlite_world.assigned_chat()
    sales = sqlite_world.services["Sales"]["id"]
    support = sqlite_world.services["Support"]["id"]
    await add_service_reply(
        ann,
        sales,
        text="Welcome to {service}, {visitor_name}!",
        link_url="https://shop.example/faq",
    )
    await add_service_reply(ann, support, shortcut="other")  # another service: not listed
    own = await ann.post("/api/me/canned-replies", {**GREET, "shortcut": "bye", "title": "Bye"})
    assert own.status_code == 201, own.text
    listed = (await ann.http.get(f"/api/contacts/{visitor.contact_id}/canned-replies")).json()
    assert [(r["shortcut"], r["personal"]) for r in listed] == [("greet", False), ("bye", True)]
    assert listed[0]["filled"] == "Welcome to Sales, Vera Visitor!\nhttps://shop.example/faq"
    assert listed[1]["filled"] == "Hello Vera Visitor, I am Ann."


async def test_sending_a_reply_records_its_use_and_reports_count_it(world: World) -> None:
    """On both engines: the use is written in the message's transaction, counted once."""
    ann, _console, visitor, _widget = await world.assigned_chat()
    reply = await add_service_reply(ann, world.services["Sales"]["id"])
    for _ in range(2):
        sent = await ann.post(
            f"/api/contacts/{visitor.contact_id}/messages",
            {"text": "Hello Vera", "client_msg_id": "same", "canned_reply_id": reply["id"]},
        )
        assert sent.status_code in (200, 201), sent.text
    await ann.say(visitor.contact_id, "typed by hand")
    report = await ann.http.get("/api/reports/overview", params={"since": 0, "until": 1e10})
    assert report.status_code == 200, report.text
    used = report.json()["canned_replies"]
    assert [(u["shortcut"], u["uses"], u["service"]) for u in used] == [("greet", 1, "Sales")]


async def test_a_reply_of_another_service_or_agent_cannot_be_sent(sqlite_world: World) -> None:
    ann, _console, visitor, _widget = await sqlite_world.assigned_chat()
    other = await add_service_reply(ann, sqlite_world.services["Support"]["id"])
    bob = await sqlite_world.agent("bob")
    bobs = (await bob.post("/api/me/canned-replies", GREET)).json()
    for reply_id in (other["id"], bobs["id"], 999_999):
        sent = await ann.post(
            f"/api/contacts/{visitor.contact_id}/messages",
            {"text": "Hi", "canned_reply_id": reply_id},
        )
        assert sent.status_code == 422, sent.text
        assert sent.json()["details"]["problems"][0]["field"] == "canned_reply_id"
    messages = (await ann.http.get(f"/api/contacts/{visitor.contact_id}")).json()["messages"]
    assert messages == []


async def test_a_visitor_cannot_claim_a_canned_reply(sqlite_world: World) -> None:
    ann, _console, visitor, _widget = await sqlite_world.assigned_chat()
    reply = await add_service_reply(ann, sqlite_world.services["Sales"]["id"])
    sent = await visitor.http.post(
        "/api/visitor/contact/messages", json={"text": "hi", "canned_reply_id": reply["id"]}
    )
    assert sent.status_code == 422 and sent.json()["code"] == "invalid_input", sent.text


async def test_personal_replies_are_their_agents_only(sqlite_world: World) -> None:
    bob = await sqlite_world.agent("bob")
    cyd = await sqlite_world.agent("cyd")
    mine = (await bob.post("/api/me/canned-replies", GREET)).json()
    assert [r["id"] for r in (await bob.http.get("/api/me/canned-replies")).json()] == [mine["id"]]
    assert (await cyd.http.get("/api/me/canned-replies")).json() == []
    path = f"/api/me/canned-replies/{mine['id']}"
    assert (await cyd.http.patch(path, json={"title": "Mine now"})).json()["code"] == "not_found"
    assert (await cyd.http.delete(path)).json()["code"] == "not_found"
    # nor through the admin routes, which manage service replies only
    ann = await sqlite_world.agent("ann")
    admin_path = f"/api/admin/canned-replies/{mine['id']}"
    assert (await ann.http.patch(admin_path, json={"title": "x"})).status_code == 404
    changed = await bob.http.patch(path, json={"title": "Hi there"})
    assert changed.status_code == 200 and changed.json()["title"] == "Hi there"
    assert (await bob.http.delete(path)).status_code == 204
    assert (await bob.http.get("/api/me/canned-replies")).json() == []


async def test_only_admins_manage_service_replies(sqlite_world: World) -> None:
    bob = await sqlite_world.agent("bob")
    sales = sqlite_world.services["Sales"]["id"]
    tried = await bob.post("/api/admin/canned-replies", {**GREET, "service_id": sales})
    assert tried.status_code == 403, tried.text
    assert (await bob.http.get("/api/admin/canned-replies")).status_code == 403
    ann = await sqlite_world.agent("ann")
    reply = await add_service_reply(ann, sales)
    changed = await ann.http.patch(
        f"/api/admin/canned-replies/{reply['id']}", json={"text": "Hi {visitor_name}"}
    )
    assert changed.json()["text"] == "Hi {visitor_name}"
    audit = (await ann.http.get("/api/admin/audit")).json()
    actions = [e["action"] for e in audit["items"]]
    assert "canned_reply.created" in actions and "canned_reply.changed" in actions
    assert (await ann.http.delete(f"/api/admin/canned-replies/{reply['id']}")).status_code == 204
    assert (await ann.http.get("/api/admin/canned-replies")).json() == []


async def test_the_contact_list_is_for_the_agent_holding_it(sqlite_world: World) -> None:
    _ann, _console, visitor, _widget = await sqlite_world.assigned_chat()
    bob = await sqlite_world.agent("bob")
    answer = await bob.http.get(f"/api/contacts/{visitor.contact_id}/canned-replies")
    assert answer.status_code == 403 and answer.json()["code"] == "forbidden"


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"text": "Hi {visitor_nmae}"}, "unknown_placeholder", None),
        ({"text": "Hi {}"}, "unknown_placeholder", None),
        ({"shortcut": "Greet"}, "invalid_input", "shortcut"),
        ({"shortcut": "two words"}, "invalid_input", "shortcut"),
        ({"shortcut": ""}, "invalid_input", "shortcut"),
        ({"title": "  "}, "invalid_input", "title"),
        ({"text": " \n"}, "invalid_input", "text"),
        ({"link_url": "javascript:alert(1)"}, "invalid_input", "link_url"),
        ({"service_id": 999_999}, "invalid_input", "service_id"),
    ],
)
async def test_bad_replies_are_refused(
    sqlite_world: World, change: dict[str, Any], code: str, field: str | None
) -> None:
    ann = await sqlite_world.agent("ann")
    body = {**GREET, "service_id": sqlite_world.services["Sales"]["id"], **change}
    answer: httpx.Response = await ann.post("/api/admin/canned-replies", body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == code
    if field is not None:
        assert answer.json()["details"]["problems"][0]["field"] == field
    else:
        assert answer.json()["details"]["known"] == ["visitor_name", "agent_name", "service"]
    assert (await ann.http.get("/api/admin/canned-replies")).json() == []


async def test_a_shortcut_is_unique_per_owner(sqlite_world: World) -> None:
    ann = await sqlite_world.agent("ann")
    sales = sqlite_world.services["Sales"]["id"]
    await add_service_reply(ann, sales)
    again = await ann.post("/api/admin/canned-replies", {**GREET, "service_id": sales})
    assert again.status_code == 409 and again.json()["code"] == "duplicate"
    await add_service_reply(ann, sqlite_world.services["Support"]["id"])  # another service
    assert (await ann.post("/api/me/canned-replies", GREET)).status_code == 201  # personal
