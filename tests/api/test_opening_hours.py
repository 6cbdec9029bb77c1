"""Opening hours (issue 25): outside them nothing is routed or created (``service_closed``),
the widget's list says the service is closed (or leaves it out, per the service), the
console names the agent's closed services, and the admin form refuses hours it cannot
read."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from sportello.storage.tables import contacts
from tests.conftest import World

# the tests' clock stands at 1_800_000_000: Friday 15 January 2027, 08:00 UTC
NOW = 1_800_000_000.0
FRIDAY = dt.datetime.fromtimestamp(NOW, dt.UTC)


async def _count_contacts(world: World) -> int:
    async with world.app.ctx.db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(contacts)) or 0)


async def _listed(world: World) -> dict[str, dict[str, object]]:
    response = await world.visitor().http.get("/api/visitor/services")
    assert response.status_code == 200, response.text
    return {s["name"]: s for s in response.json()}


async def test_outside_hours_nothing_is_created(world: World) -> None:
    assert (FRIDAY.weekday(), FRIDAY.hour) == (4, 8)
    await world.add_service(
        "Evenings",
        tags_=["sales"],
        opening_hours=["mon-fri 18:00-22:00"],
        time_zone="Europe/Rome",  # 09:00 there now: closed
    )
    ann = await world.agent("ann")
    await ann.open_console()
    listed = await _listed(world)
    assert (listed["Evenings"]["open"], listed["Evenings"]["available"]) == (False, False)
    assert listed["Evenings"]["leave_message"] is True  # the widget offers the form
    assert listed["Sales"]["open"] is True

    before = await _count_contacts(world)
    visitor = world.visitor()
    refused = await visitor.request(world.services["Evenings"]["id"])
    assert (refused.status_code, refused.json()["code"]) == (403, "service_closed")
    assert await _count_contacts(world) == before

    me = (await ann.http.get("/api/me")).json()
    assert me["closed_services"] == [{"id": world.services["Evenings"]["id"], "name": "Evenings"}]

    # 09:00 UTC later it is 18:00 in Rome: open, routed as usual
    await world.app.advance(9 * 3600)
    assert (await visitor.request(world.services["Evenings"]["id"])).status_code == 201
    assert visitor.contact["state"] == "pending"
    assert (await ann.http.get("/api/me")).json()["closed_services"] == []


async def test_a_holiday_closes_and_a_hidden_service_is_not_listed(world: World) -> None:
    await world.add_service(
        "Holiday",
        tags_=["sales"],
        holidays=[FRIDAY.date().isoformat()],
        when_closed="hide",
    )
    assert "Holiday" not in await _listed(world)
    refused = await world.visitor().request(world.services["Holiday"]["id"])
    assert refused.json()["code"] == "service_closed"
    await world.app.advance(24 * 3600)  # Saturday: no hours, no holiday, open
    assert (await _listed(world))["Holiday"]["open"] is True


async def test_the_admin_form_refuses_hours_it_cannot_read(world: World) -> None:
    ann = await world.agent("ann")
    service_id = world.services["Sales"]["id"]
    for body, field in [
        ({"opening_hours": ["monday 09:00-18:00"]}, "opening_hours"),
        ({"opening_hours": ["mon 18:00-09:00"]}, "opening_hours"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"holidays": ["2027-02-30"]}, "holidays"),
    ]:
        response = await ann.http.patch(f"/api/admin/services/{service_id}", json=body)
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "invalid_input"
        assert [p["field"] for p in response.json()["details"]["problems"]] == [field]
    saved = await ann.http.patch(
        f"/api/admin/services/{service_id}",
        json={"opening_hours": ["Mon-Fri  09:00-18:00"], "time_zone": "Europe/Rome"},
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["opening_hours"] == ["mon-fri 09:00-18:00"]
