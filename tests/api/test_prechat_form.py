"""The pre-chat form (issue 25): a service asks name, e-mail, telephone, a choice and a
privacy consent, each required or optional; the server checks the answers as the widget
does, answers ``invalid_input`` with a problem per field, and keeps what was told with the
contact for the console and the reports."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.conftest import World
from tests.support.clients import AgentClient

FORM: list[dict[str, Any]] = [
    {"kind": "name", "label": "Nome e cognome", "required": True},
    {"kind": "email", "label": "E-mail", "required": True},
    {"kind": "phone", "label": "Telefono", "required": False},
    {"kind": "choice", "label": "Argomento", "required": True, "options": ["Ordini", "Resi"]},
    {"kind": "consent", "label": "Accetto l'informativa sulla privacy", "required": True},
]
PRIVACY = "https://shop.example/privacy"


async def _with_form(world: World) -> tuple[AgentClient, int]:
    ann = await world.agent("ann")
    service_id = int(world.services["Sales"]["id"])
    changed = await ann.http.patch(
        f"/api/admin/services/{service_id}",
        json={"prechat_fields": FORM, "privacy_url": PRIVACY},
    )
    assert changed.status_code == 200, changed.text
    return ann, service_id


def _good(**override: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Vera Visitor",
        "email": "vera@example.org",
        "prechat": {"phone": "+39 06 1234 5678", "choice": "Resi", "consent": True},
    }
    return {**body, **override}


async def test_the_form_is_offered_kept_and_shown(world: World) -> None:
    ann, service_id = await _with_form(world)
    await ann.open_console()
    visitor = world.visitor()
    offered = await visitor.http.get(
        "/api/visitor/services", headers={"Origin": "https://shop.example"}
    )
    sales = next(s for s in offered.json() if s["id"] == service_id)
    assert [f["key"] for f in sales["prechat_fields"]] == [
        "name",
        "email",
        "phone",
        "choice",
        "consent",
    ]
    assert sales["privacy_url"] == PRIVACY
    assert sales["prechat_fields"][3]["options"] == ["Ordini", "Resi"]

    body = _good()
    answer = await visitor.http.post(
        "/api/visitor/contacts",
        json={"service_id": service_id, "visitor_id": visitor.visitor_id, **body},
    )
    assert answer.status_code == 201, answer.text
    contact_id = answer.json()["contact"]["id"]
    assert (await ann.accept(contact_id)).status_code == 200
    panel = (await ann.http.get(f"/api/contacts/{contact_id}")).json()
    assert panel["visitor"]["email"] == "vera@example.org"
    assert panel["prechat"] == [
        {"key": "phone", "kind": "phone", "label": "Telefono", "value": "+39 06 1234 5678"},
        {"key": "choice", "kind": "choice", "label": "Argomento", "value": "Resi"},
        {
            "key": "consent",
            "kind": "consent",
            "label": "Accetto l'informativa sulla privacy",
            "value": True,
        },
    ]
    details = (await ann.http.get(f"/api/reports/contacts/{contact_id}")).json()
    assert details["prechat"] == panel["prechat"]
    rows = list(csv.DictReader(io.StringIO((await ann.http.get("/api/reports/contacts.csv")).text)))
    row = next(r for r in rows if r["id"] == str(contact_id))
    assert row["prechat"] == (
        "Telefono: +39 06 1234 5678; Argomento: Resi; Accetto l'informativa sulla privacy: yes"
    )


async def _refused(world: World, service_id: int, body: dict[str, Any]) -> list[dict[str, Any]]:
    visitor = world.visitor()
    answer = await visitor.http.post(
        "/api/visitor/contacts",
        json={"service_id": service_id, "visitor_id": visitor.visitor_id, **body},
    )
    assert (answer.status_code, answer.json()["code"]) == (422, "invalid_input"), answer.text
    return list(answer.json()["details"]["problems"])


async def test_wrong_answers_are_refused_field_by_field(world: World) -> None:
    ann, service_id = await _with_form(world)
    missing = await _refused(world, service_id, _good(prechat={"phone": "", "consent": True}))
    assert [(p["field"], p["code"]) for p in missing] == [("prechat.choice", "required")]
    email = await _refused(world, service_id, _good(email="not an address"))
    assert [(p["field"], p["code"]) for p in email] == [("email", "invalid_email")]
    choice = await _refused(
        world, service_id, _good(prechat={"choice": "Fatture", "consent": True})
    )
    assert [(p["field"], p["code"]) for p in choice] == [("prechat.choice", "unknown_choice")]
    several = await _refused(
        world,
        service_id,
        _good(name=" ", prechat={"phone": "call me", "choice": "Resi", "colour": "red"}),
    )
    assert sorted((p["field"], p["code"]) for p in several) == [
        ("name", "required"),
        ("prechat.colour", "unknown_field"),
        ("prechat.consent", "required"),
        ("prechat.phone", "invalid_phone"),
    ]
    # nothing was created by any of them
    listed = (await ann.http.get("/api/reports/contacts")).json()["items"]
    assert listed == []


async def test_a_verified_identity_fills_name_and_email(world: World) -> None:
    from sportello.domain.identity import sign_identity

    ann, service_id = await _with_form(world)
    secret = (await ann.post(f"/api/admin/services/{service_id}/identity-secret")).json()[
        "identity_secret"
    ]
    now = int(world.app.clock.now())
    signature = sign_identity(secret, "u-7", "Giulia Rossi", "giulia@shop.example", now)
    claim = {
        "user_id": "u-7",
        "name": "Giulia Rossi",
        "email": "giulia@shop.example",
        "issued_at": now,
        "signature": signature,
    }
    visitor = world.visitor()
    answer = await visitor.http.post(
        "/api/visitor/contacts",
        json={
            "service_id": service_id,
            "visitor_id": visitor.visitor_id,
            "identity": claim,
            "prechat": {"choice": "Ordini", "consent": True},
        },
    )
    assert answer.status_code == 201, answer.text


async def test_a_bad_form_is_refused_on_the_admin_side(world: World) -> None:
    ann = await world.agent("ann")
    service_id = world.services["Sales"]["id"]

    async def problems(body: dict[str, Any]) -> list[tuple[str, str]]:
        answer = await ann.http.patch(f"/api/admin/services/{service_id}", json=body)
        assert (answer.status_code, answer.json()["code"]) == (422, "invalid_input"), answer.text
        return [(p["field"], p["code"]) for p in answer.json()["details"]["problems"]]

    consent = [{"kind": "consent", "label": "I agree", "required": True}]
    assert await problems({"prechat_fields": consent}) == [("privacy_url", "required")]
    no_options = [{"kind": "choice", "label": "Topic", "options": []}]
    assert await problems({"prechat_fields": no_options}) == [("prechat_fields[0]", "invalid")]
    twice = [{"kind": "phone", "label": "Phone"}, {"kind": "phone", "label": "Mobile"}]
    assert await problems({"prechat_fields": twice}) == [("prechat_fields[1]", "duplicate")]
    assert await problems({"privacy_url": "javascript:alert(1)"}) == [("privacy_url", "invalid")]
    unknown = await ann.http.patch(
        f"/api/admin/services/{service_id}",
        json={"prechat_fields": [{"kind": "age", "label": "Age"}]},
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "invalid_input")
