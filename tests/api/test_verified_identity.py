"""Verified identity (issue 25): a site signs who its signed-in visitor is with the
service's secret; the contact is verified only when the claim checks out, and the visitor's
earlier contacts are linked by that identity across browsers."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from sportello.domain.identity import sign_identity
from tests.conftest import World
from tests.support.clients import AgentClient, VisitorClient


async def _secret(world: World, service: str) -> str:
    assert int(world.app.clock.now()) == NOW
    ann = await world.agent("ann")
    service_id = world.services[service]["id"]
    answer = await ann.post(f"/api/admin/services/{service_id}/identity-secret")
    assert answer.status_code == 200, answer.text
    secret = answer.json()["identity_secret"]
    assert isinstance(secret, str) and len(secret) >= 40
    return str(secret)


NOW = 1_800_000_000
"""The tests' clock: claims are issued by it (tests/support/inproc.py ManualClock)."""


def _claim(secret: str, *, issued_at: int | None = None, **override: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "user_id": "u-1001",
        "name": "Giulia Rossi",
        "email": "giulia@shop.example",
        "issued_at": NOW if issued_at is None else issued_at,
    }
    values["signature"] = sign_identity(
        secret, values["user_id"], values["name"], values["email"], values["issued_at"]
    )
    return {**values, **override}


async def _ask(world: World, claim: Any, service: str = "Sales") -> VisitorClient:
    visitor = world.visitor()
    answer = await visitor.request(
        world.services[service]["id"], name="Typed Name", email="typed@x.example", identity=claim
    )
    assert answer.status_code == 201, answer.text
    return visitor


async def _seen_by(agent: AgentClient, visitor: VisitorClient) -> dict[str, Any]:
    """The visitor as the agent's panel shows them (the agent takes the contact to read it)."""
    if visitor.contact["state"] == "pending":
        assert (await agent.accept(visitor.contact_id)).status_code == 200
    panel = await agent.http.get(f"/api/contacts/{visitor.contact_id}")
    assert panel.status_code == 200, panel.text
    return dict(panel.json()["visitor"])


async def test_a_valid_claim_verifies_the_visitor(world: World) -> None:
    secret = await _secret(world, "Sales")
    bob = await world.agent("bob")
    await bob.open_console()
    visitor = await _ask(world, _claim(secret))
    seen = await _seen_by(bob, visitor)
    assert seen["verified_user_id"] == "u-1001"
    # the claim's name and address win over what was typed
    assert (seen["name"], seen["email"]) == ("Giulia Rossi", "giulia@shop.example")
    ann = await world.agent("ann")
    listed = (await ann.http.get("/api/reports/contacts")).json()["items"]
    row = next(r for r in listed if r["id"] == visitor.contact_id)
    assert row["visitor"]["verified_user_id"] == "u-1001"
    details = (await ann.http.get(f"/api/reports/contacts/{visitor.contact_id}")).json()
    assert details["visitor"]["verified_user_id"] == "u-1001"
    csv = (await ann.http.get("/api/reports/contacts.csv")).text.splitlines()
    header = csv[0].split(",")
    line = next(r for r in csv[1:] if r.startswith(f"{visitor.contact_id},"))
    assert "u-1001" in line.split(",")[header.index("visitor_verified_user_id")]


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda s: _claim(s, name="Someone Else"), id="forged-name"),
        pytest.param(lambda s: _claim("not-the-secret"), id="forged-secret"),
        pytest.param(lambda s: _claim(s, issued_at=NOW - 3600), id="expired"),
        pytest.param(lambda s: _claim(s, issued_at=NOW + 3600), id="future"),
        pytest.param(lambda s: _claim(s, issued_at="soon"), id="malformed-time"),
        pytest.param(lambda s: _claim(s, signature="zz"), id="malformed-signature"),
        pytest.param(lambda s: "user=u-1001", id="not-an-object"),
        pytest.param(lambda s: _claim(s, user_id=["u-1001"]), id="malformed-user"),
    ],
)
async def test_a_bad_claim_is_ignored_and_the_visitor_stays_anonymous(
    sqlite_world: World, spoil: Any, caplog: pytest.LogCaptureFixture
) -> None:
    world = sqlite_world
    secret = await _secret(world, "Sales")
    bob = await world.agent("bob")
    await bob.open_console()
    with caplog.at_level(logging.DEBUG, logger="sportello.actions.contacts"):
        visitor = await _ask(world, spoil(secret))
    seen = await _seen_by(bob, visitor)
    assert seen["verified_user_id"] is None
    assert (seen["name"], seen["email"]) == ("Typed Name", "typed@x.example")
    assert any("identity claim" in r.getMessage() for r in caplog.records)


async def test_bad_claims_on_postgresql_too(world: World) -> None:
    secret = await _secret(world, "Sales")
    bob = await world.agent("bob")
    await bob.open_console()
    expired = await _ask(world, _claim(secret, issued_at=NOW - 601))
    forged = await _ask(world, _claim(secret, email="boss@shop.example"))
    for visitor in (expired, forged):
        assert (await _seen_by(bob, visitor))["verified_user_id"] is None


async def test_a_claim_signed_for_another_service_is_not_replayed_here(world: World) -> None:
    sales_secret = await _secret(world, "Sales")
    await _secret(world, "Support")
    ann = await world.agent("ann")
    await ann.open_console()
    claim = _claim(sales_secret)
    replayed = await _ask(world, claim, service="Support")
    assert (await _seen_by(ann, replayed))["verified_user_id"] is None
    # the same claim is good where it was signed for
    genuine = await _ask(world, claim, service="Sales")
    assert (await _seen_by(ann, genuine))["verified_user_id"] == "u-1001"


async def test_rotating_or_removing_the_secret_voids_earlier_claims(world: World) -> None:
    old = await _secret(world, "Sales")
    new = await _secret(world, "Sales")
    assert new != old
    ann = await world.agent("ann")
    await ann.open_console()
    stale = await _ask(world, _claim(old))
    assert (await _seen_by(ann, stale))["verified_user_id"] is None
    fresh = await _ask(world, _claim(new))
    assert (await _seen_by(ann, fresh))["verified_user_id"] == "u-1001"
    service_id = world.services["Sales"]["id"]
    assert (
        await ann.http.delete(f"/api/admin/services/{service_id}/identity-secret")
    ).status_code == 204
    off = await _ask(world, _claim(new))
    assert (await _seen_by(ann, off))["verified_user_id"] is None
    # the admin list shows the secret; the audit keeps a fingerprint, never the secret
    listed = (await ann.http.get("/api/admin/services")).json()
    assert next(s for s in listed if s["id"] == service_id)["identity_secret"] is None
    audit = (await ann.http.get("/api/admin/audit")).text
    assert "sha256:" in audit and old not in audit and new not in audit


async def test_the_secret_never_reaches_the_widget(world: World) -> None:
    secret = await _secret(world, "Sales")
    visitor = world.visitor()
    listed = await visitor.http.get(
        "/api/visitor/services", headers={"Origin": "https://shop.example"}
    )
    assert listed.status_code == 200 and secret not in listed.text
    answer = await visitor.request(world.services["Sales"]["id"], identity=_claim(secret))
    assert secret not in answer.text
    assert secret not in (await visitor.http.get("/api/visitor/contact")).text
    bob = await world.agent("bob")
    assert (
        await bob.post(f"/api/admin/services/{world.services['Sales']['id']}/identity-secret")
    ).status_code == 403


async def test_history_links_the_same_verified_user_across_browsers(world: World) -> None:
    secret = await _secret(world, "Sales")
    other_secret = await _secret(world, "Support")
    bob = await world.agent("bob")
    await bob.open_console()
    # the user's first contact, from their laptop, handled and closed by bob
    laptop = await _ask(world, _claim(secret))
    assert (await bob.accept(laptop.contact_id)).status_code == 200
    await laptop.say("My invoice is wrong")
    assert (await bob.post(f"/api/contacts/{laptop.contact_id}/close")).status_code == 200
    # an unverified visitor with the same typed details: not linked
    lookalike = await _ask(world, None)
    assert (await bob.accept(lookalike.contact_id)).status_code == 200
    assert (await bob.post(f"/api/contacts/{lookalike.contact_id}/close")).status_code == 200
    # the same user id vouched for by another service: another site's user, not linked
    ann = await world.agent("ann")
    await ann.open_console()
    elsewhere = await _ask(world, _claim(other_secret), service="Support")
    assert (await ann.accept(elsewhere.contact_id)).status_code == 200
    assert (await ann.post(f"/api/contacts/{elsewhere.contact_id}/close")).status_code == 200

    # later, from their phone (another visitor id), signed in again
    phone = await _ask(world, _claim(secret))
    assert phone.visitor_id != laptop.visitor_id
    assert (await _seen_by(bob, phone))["new_visitor"] is False  # returning, by identity
    history = (await bob.http.get(f"/api/contacts/{phone.contact_id}/history")).json()
    assert [(e["id"], e["verified"], e["linked_by"]) for e in history] == [
        (laptop.contact_id, True, "identity")
    ]
    opened = await bob.http.get(f"/api/contacts/{phone.contact_id}/history/{laptop.contact_id}")
    assert opened.status_code == 200, opened.text
    assert [m["text"] for m in opened.json()["messages"]] == ["My invoice is wrong"]
    unlinked = await bob.http.get(
        f"/api/contacts/{phone.contact_id}/history/{lookalike.contact_id}"
    )
    assert (unlinked.status_code, unlinked.json()["code"]) == (404, "not_found")
