"""A disabled account is listed nowhere an agent is chosen or watched (issue 20, item 1):
the transfer dialog, the groups' member counts, the console's list of colleagues, the
supervision view."""

from __future__ import annotations

from tests.conftest import World


async def test_a_disabled_agent_is_listed_nowhere_and_breaks_nothing(world: World) -> None:
    await world.add_agent("dan", ["sales"])
    ann, _console, visitor, _widget = await world.assigned_chat("ann")
    dan = await world.agent("dan")
    await dan.open_console()
    group = await ann.post("/api/admin/transfer-groups", {"name": "Sales desk", "tags": ["sales"]})
    assert group.status_code == 201, group.text

    off = await ann.http.patch(f"/api/admin/agents/{dan.agent['id']}", json={"enabled": False})
    assert off.status_code == 200, off.text

    targets = await ann.http.get(f"/api/contacts/{visitor.contact_id}/transfer-targets")
    assert targets.status_code == 200, targets.text
    names = [a["display_name"] for a in targets.json()["agents"]]
    assert names == ["Bob", "Cyd"]
    (desk,) = targets.json()["groups"]
    assert desk["members"] == 1  # Bob: Dan's tags no longer make him a member
    colleagues = (await ann.http.get("/api/agents")).json()
    assert "Dan" not in [a["display_name"] for a in colleagues]
    view = (await ann.http.get("/api/supervision")).json()
    assert "Dan" not in [a["display_name"] for a in view["agents"]]
    refused = await ann.post(
        f"/api/contacts/{visitor.contact_id}/transfer", {"agent_id": dan.agent["id"]}
    )
    assert (refused.status_code, refused.json()["code"]) == (404, "not_found")
    # the admin's own list still has the account, to enable it again
    accounts = (await ann.http.get("/api/admin/agents")).json()
    assert [a["enabled"] for a in accounts if a["display_name"] == "Dan"] == [False]

    on = await ann.http.patch(f"/api/admin/agents/{dan.agent['id']}", json={"enabled": True})
    assert on.status_code == 200, on.text
    targets = await ann.http.get(f"/api/contacts/{visitor.contact_id}/transfer-targets")
    assert [a["display_name"] for a in targets.json()["agents"]] == ["Bob", "Cyd", "Dan"]
