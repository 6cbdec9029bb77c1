"""Proactive invitations (issue 25): a service's rules are checked when saved (an invalid
page pattern is refused naming the field), offered to the widget with the service, and the
invitations shown and accepted are durable rows the reports count per service."""

from __future__ import annotations

from typing import Any

import pytest

from sportello.domain.invitations import path_matches
from tests.conftest import World

RULES: list[dict[str, Any]] = [
    {"path": "/pricing*", "seconds": 20, "text": "Domande sui prezzi?"},
    {"path": "/shop/*/checkout", "seconds": 0, "returning_only": True, "when_available": False},
]


async def _with_rules(world: World) -> int:
    ann = await world.agent("ann")
    service_id = int(world.services["Sales"]["id"])
    changed = await ann.http.patch(f"/api/admin/services/{service_id}", json={"invitations": RULES})
    assert changed.status_code == 200, changed.text
    return service_id


async def test_rules_are_offered_and_events_counted(world: World) -> None:
    service_id = await _with_rules(world)
    visitor = world.visitor()
    offered = await visitor.http.get(
        "/api/visitor/services", headers={"Origin": "https://shop.example"}
    )
    sales = next(s for s in offered.json() if s["id"] == service_id)
    assert sales["invitations"] == [
        {
            "path": "/pricing*",
            "seconds": 20,
            "returning_only": False,
            "when_available": True,
            "text": "Domande sui prezzi?",
        },
        {
            "path": "/shop/*/checkout",
            "seconds": 0,
            "returning_only": True,
            "when_available": False,
            "text": "",
        },
    ]

    async def record(kind: str, rule: int = 0, origin: str = "https://shop.example") -> int:
        answer = await visitor.http.post(
            "/api/visitor/invitations",
            json={
                "service_id": service_id,
                "visitor_id": visitor.visitor_id,
                "rule": rule,
                "kind": kind,
            },
            headers={"Origin": origin},
        )
        return answer.status_code

    assert await record("shown") == 204
    assert await record("shown", rule=1) == 204
    assert await record("accepted") == 204
    assert await record("shown", rule=4) == 404  # no such rule
    assert await record("shown", origin="https://elsewhere.example") == 403
    assert await record("clicked") == 422

    ann = await world.agent("ann")
    now = world.app.clock.now()
    counts = await ann.http.get(f"/api/reports/invitations?since={now - 60}&until={now + 60}")
    assert counts.status_code == 200, counts.text
    assert counts.json() == [
        {"service": {"id": service_id, "name": "Sales"}, "shown": 2, "accepted": 1}
    ]
    earlier = await ann.http.get(f"/api/reports/invitations?since=0&until={now - 60}")
    assert earlier.json() == []
    # an agent's reports cover the contacts they handled: no invitations
    bob = await world.agent("bob")
    assert (await bob.http.get(f"/api/reports/invitations?since=0&until={now + 60}")).json() == []


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"path": "pricing"}, "invitations[0].path"),
        ({"path": "/a b"}, "invitations[0].path"),
        ({"path": "/ok<script>"}, "invitations[0].path"),
        ({"path": "/ok", "seconds": 7200}, "invitations[0].seconds"),
    ],
)
async def test_an_invalid_rule_is_refused_naming_its_field(
    sqlite_world: World, rule: dict[str, Any], field: str
) -> None:
    ann = await sqlite_world.agent("ann")
    service_id = sqlite_world.services["Sales"]["id"]
    answer = await ann.http.patch(f"/api/admin/services/{service_id}", json={"invitations": [rule]})
    assert (answer.status_code, answer.json()["code"]) == (422, "invalid_input"), answer.text
    (problem,) = answer.json()["details"]["problems"]
    assert problem["field"] == field
    listed = (await ann.http.get("/api/admin/services")).json()
    assert next(s for s in listed if s["id"] == service_id)["invitations"] == []


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("/pricing*", "/pricing", True),
        ("/pricing*", "/pricing/team?plan=2", True),
        ("/pricing*", "/about/pricing", False),
        ("/shop/*/checkout", "/shop/42/checkout", True),
        ("/shop/*/checkout", "/shop/42/checkout/done", False),
        ("/a.b", "/aXb", False),
        ("/*", "/", True),
    ],
)
def test_path_patterns(pattern: str, path: str, expected: bool) -> None:
    assert path_matches(pattern, path) is expected
