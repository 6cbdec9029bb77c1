"""The admin API: every change audited (before → after), field-named errors, changes live."""

from __future__ import annotations

from typing import Any

from sportello.actions.requeue import do_requeue_due
from tests.api.test_calls import call_chat, call_frame
from tests.api.test_sign_out import ended
from tests.conftest import World
from tests.support.clients import AgentClient

SITE = "https://shop.example"


async def audit(admin: AgentClient, **query: Any) -> dict[str, Any]:
    response = await admin.http.get("/api/admin/audit", params=query)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_every_change_is_audited_with_before_and_after(world: World) -> None:
    ann = await world.agent("ann")
    created = await ann.post(
        "/api/admin/services",
        {"name": "Returns", "tags": ["returns"], "sites": [SITE], "priority": 20},
    )
    assert created.status_code == 201, created.text
    service_id = created.json()["id"]
    changed = await ann.http.patch(
        f"/api/admin/services/{service_id}",
        json={"priority": 3, "tags": ["returns", "sales"], "leave_message": False},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["priority"] == 3
    same = await ann.http.patch(f"/api/admin/services/{service_id}", json={"priority": 3})
    assert same.status_code == 200  # nothing changed: nothing audited
    group = await ann.post("/api/admin/transfer-groups", {"name": "Desk", "tags": ["sales"]})
    assert (await ann.http.delete(f"/api/admin/transfer-groups/{group.json()['id']}")).is_success

    page = await audit(ann)
    actions = [(r["action"], r["target"]["name"]) for r in page["items"]]
    assert actions[:4] == [
        ("transfer_group.deleted", "Desk"),
        ("transfer_group.created", "Desk"),
        ("service.changed", "Returns"),
        ("service.created", "Returns"),
    ]
    change = page["items"][2]
    assert change["actor"] == {"id": ann.agent["id"], "login": "ann"}
    assert change["target"] == {"kind": "service", "id": str(service_id), "name": "Returns"}
    assert change["before"] == {"priority": 20, "tags": ["returns"], "leave_message": True}
    assert change["after"] == {"priority": 3, "tags": ["returns", "sales"], "leave_message": False}
    assert page["items"][3]["before"] is None
    assert page["items"][3]["after"]["sites"] == [SITE]
    assert page["items"][0]["after"] is None

    # keyset pages: no row twice, none missed, newest first; and the filters
    seen, before = [], None
    while True:
        chunk = await audit(ann, limit=2, **({"before": before} if before else {}))
        seen += [r["id"] for r in chunk["items"]]
        if chunk["next"] is None:
            break
        before = chunk["next"]
    assert seen == [r["id"] for r in page["items"]] and seen == sorted(seen, reverse=True)
    only = await audit(ann, target_kind="service", target_id=str(service_id))
    assert [r["action"] for r in only["items"]] == ["service.changed", "service.created"]


async def test_errors_name_the_field(sqlite_world: World) -> None:
    ann = await sqlite_world.agent("ann")

    async def problem(path: str, body: dict[str, Any], status: int = 422) -> tuple[str, str]:
        response = await ann.post(path, body)
        assert response.status_code == status, response.text
        error = response.json()
        return error["code"], error["details"]["problems"][0]["field"]

    service = {"name": "Web"}
    assert await problem("/api/admin/services", {**service, "priority": 99}) == (
        "invalid_input",
        "priority",
    )
    assert await problem("/api/admin/services", {**service, "sites": ["shop.example"]}) == (
        "invalid_input",
        "sites",
    )
    assert await problem("/api/admin/services", {"name": "Sales"}, 409) == ("duplicate", "name")
    agent = {"login": "zed", "display_name": "Zed", "password": "short"}
    assert await problem("/api/admin/agents", agent) == ("invalid_input", "password")
    assert await problem(
        "/api/admin/agents", {**agent, "login": "bob", "password": "x" * 8}, 409
    ) == (
        "duplicate",
        "login",
    )
    assert await problem("/api/admin/tags", {"name": "no spaces"}) == ("invalid_input", "name")


async def test_disabling_an_agent_signs_them_out_everywhere(sqlite_world: World) -> None:
    world = sqlite_world
    ann, bob = await world.agent("ann"), await world.agent("bob")
    console = await bob.open_console()
    bob_id = bob.agent["id"]

    own = await ann.http.patch(f"/api/admin/agents/{ann.agent['id']}", json={"enabled": False})
    assert own.status_code == 409 and own.json()["code"] == "own_account"

    disabled = await ann.http.patch(f"/api/admin/agents/{bob_id}", json={"enabled": False})
    assert disabled.status_code == 200 and disabled.json()["enabled"] is False
    error = await console.wait_for(lambda f: f["type"] == "error")
    assert error["code"] == "not_authenticated"
    assert error["details"] == {"reason": "account_disabled"}
    assert await ended(console) == 4401
    again = await bob.http.post("/api/auth/login", json={"login": "bob", "password": bob.password})
    assert again.status_code == 403 and again.json()["code"] == "account_disabled"
    visitor = world.visitor()
    created = await visitor.request(world.services["Sales"]["id"])
    assert created.json()["contact"]["state"] == "rejected"  # no longer routed to

    assert (await ann.http.patch(f"/api/admin/agents/{bob_id}", json={"enabled": True})).is_success
    await bob.sign_in()
    rows = (await audit(ann, target_kind="agent", target_id=str(bob_id)))["items"]
    assert [(r["before"], r["after"]) for r in rows[:2]] == [
        ({"enabled": False}, {"enabled": True}),
        ({"enabled": True}, {"enabled": False}),
    ]


async def test_disabling_an_agent_hands_their_contacts_back_at_once(world: World) -> None:
    ann = await world.agent("ann")
    bob, console, first, widget = await call_chat(world, "bob")
    second = world.visitor()
    await second.request(world.services["Sales"]["id"])
    assert (await bob.accept(second.contact_id)).status_code == 200
    assert await call_frame(console, "call.start", first.contact_id, media="voice") == {}
    listed = {a["login"]: a for a in (await ann.http.get("/api/admin/agents")).json()}
    assert listed["bob"]["holding"] == 2 and listed["ann"]["holding"] == 0

    disabled = await ann.http.patch(f"/api/admin/agents/{bob.agent['id']}", json={"enabled": False})
    assert disabled.status_code == 200, disabled.text
    requeued = await widget.wait_event("contact.requeued")  # no agent-disconnect grace
    assert requeued["data"]["reason"] == "agent_disabled"
    ended_call = await widget.wait_event("call.ended")
    assert ended_call["data"]["call"]["end_reason"] == "requeued"
    assert await ended(console) == 4401
    kinds = [f["kind"] for f in console.frames if f["type"] == "event"]
    assert kinds.count("contact.requeued") == 2 and kinds[-1] == "agent.signed_out"
    for visitor in (first, second):
        contact = (await visitor.http.get("/api/visitor/contact")).json()
        assert contact["state"] == "pending" and contact["agent"] is None
    floor = (await ann.http.get("/api/supervision")).json()
    assert bob.agent["id"] not in [a["id"] for a in floor["agents"]]  # nobody's colleague now

    # handed back ahead of new contacts, to whoever can take them; exactly once
    on_ann = await ann.open_console()
    newcomer = world.visitor()
    await newcomer.request(world.services["Sales"]["id"])
    waiting = (await ann.http.get("/api/waiting")).json()
    assert [e["contact_id"] for e in waiting][:2] == sorted([first.contact_id, second.contact_id])
    assert all(e["requeued"] for e in waiting[:2])
    again = await ann.http.patch(f"/api/admin/agents/{bob.agent['id']}", json={"enabled": False})
    assert again.status_code == 200
    await on_ann.drain()
    assert (await ann.accept(first.contact_id)).status_code == 200
    await widget.wait_event("contact.joined")
    await world.app.advance(world.app.ctx.settings.agent_grace_seconds + 1)
    assert await do_requeue_due(world.app.ctx) == []
    assert len(widget.events("contact.requeued")) == 1
    listed = {a["login"]: a for a in (await ann.http.get("/api/admin/agents")).json()}
    assert listed["bob"]["holding"] == 0 and listed["ann"]["holding"] == 1


async def test_a_password_reset_ends_the_old_sign_ins(sqlite_world: World) -> None:
    world = sqlite_world
    ann, bob = await world.agent("ann"), await world.agent("bob")
    console = await bob.open_console()
    reset = await ann.http.put(
        f"/api/admin/agents/{bob.agent['id']}/password", json={"password": "new-password-1"}
    )
    assert reset.status_code == 204
    error = await console.wait_for(lambda f: f["type"] == "error")
    assert error["details"] == {"reason": "password_reset"}
    assert await ended(console) == 4401
    old = await bob.http.post("/api/auth/login", json={"login": "bob", "password": bob.password})
    assert old.status_code == 401
    bob.password = "new-password-1"
    await bob.sign_in()
    row = (await audit(ann, action="agent.password_reset"))["items"][0]
    assert row["after"] == {"password": "reset"} and "hash" not in str(row)


async def test_a_tag_change_re_runs_routing(sqlite_world: World) -> None:
    world = sqlite_world
    ann, bob, cyd = [await world.agent(login) for login in ("ann", "bob", "cyd")]
    await bob.open_console()
    on_cyd = await cyd.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"])
    assert (await cyd.http.get("/api/waiting")).json() == []  # cyd holds support only

    changed = await ann.http.patch(
        f"/api/admin/agents/{cyd.agent['id']}", json={"tags": ["sales", "support"]}
    )
    assert changed.status_code == 200
    await on_cyd.wait_for(
        lambda f: f.get("kind") == "contact.offered" and f["contact_id"] == visitor.contact_id
    )
    assert [e["contact_id"] for e in (await cyd.http.get("/api/waiting")).json()] == [
        visitor.contact_id
    ]


async def test_tags_and_the_leave_a_message_switch(sqlite_world: World) -> None:
    world = sqlite_world
    ann = await world.agent("ann")
    assert (await ann.post("/api/admin/tags", {"name": "vip", "description": "big"})).is_success
    assert (await ann.post("/api/admin/tags", {"name": "vip"})).json()["code"] == "duplicate"
    assert (await ann.http.patch("/api/admin/tags/vip", json={"description": "bigger"})).is_success
    in_use = await ann.http.delete("/api/admin/tags/sales")
    assert in_use.status_code == 409 and in_use.json()["code"] == "tag_in_use"
    assert in_use.json()["details"]["services"] == ["Sales"]
    assert (await ann.http.delete("/api/admin/tags/vip")).status_code == 204
    tags = {t["name"]: t for t in (await ann.http.get("/api/admin/tags")).json()}
    assert "vip" not in tags and tags["sales"]["used_by"]["agents"] == 2  # ann and bob
    rows = (await audit(ann, target_kind="tag"))["items"]
    assert [r["action"] for r in rows] == ["tag.deleted", "tag.changed", "tag.created"]
    assert (rows[1]["before"], rows[1]["after"]) == (
        {"description": "big"},
        {"description": "bigger"},
    )

    sales = world.services["Sales"]["id"]
    off = await ann.http.patch(f"/api/admin/services/{sales}", json={"leave_message": False})
    assert off.status_code == 200
    visitor = world.visitor(SITE)
    offered = (await visitor.http.get("/api/visitor/services")).json()
    assert next(s for s in offered if s["id"] == sales)["leave_message"] is False
    left = await visitor.http.post(
        "/api/visitor/left-messages",
        json={"service_id": sales, "name": "Vera", "email": "v@example.com", "text": "hi"},
    )
    assert left.status_code == 403 and left.json()["code"] == "service_unavailable"


async def test_an_agent_chooses_their_console_language(sqlite_world: World) -> None:
    ann, bob = await sqlite_world.agent("ann"), await sqlite_world.agent("bob")
    assert (await bob.http.get("/api/me")).json()["ui_language"] == ""
    chosen = await bob.http.put("/api/me/ui-language", json={"ui_language": "it"})
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["ui_language"] == "it"
    assert (await bob.http.get("/api/me")).json()["ui_language"] == "it"
    row = (await audit(ann, target_kind="agent", target_id=str(bob.agent["id"])))["items"][0]
    assert (row["action"], row["actor"]["login"]) == ("agent.changed", "bob")
    assert (row["before"], row["after"]) == ({"ui_language": ""}, {"ui_language": "it"})
    bad = await bob.http.put("/api/me/ui-language", json={"ui_language": "klingon"})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input")
    # the admin sets it on the agent's page; "" follows the browser again
    reset = await ann.http.patch(f"/api/admin/agents/{bob.agent['id']}", json={"ui_language": ""})
    assert reset.status_code == 200, reset.text
    assert (await bob.http.get("/api/me")).json()["ui_language"] == ""
