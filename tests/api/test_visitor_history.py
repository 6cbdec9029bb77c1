"""The visitor's history (issue 24): the details drawer lists the visitor's earlier contacts,
each readable read-only by the agent handling the visitor now — and by nobody else outside
the ordinary scope; returning visitors are marked and filtered in reports."""

from __future__ import annotations

from sportello.domain.model import Role
from tests.conftest import World
from tests.support.clients import AgentClient, VisitorClient


async def _earlier_contact(
    world: World, agent: AgentClient, service: str = "Sales"
) -> VisitorClient:
    """A visitor's contact that the agent handled and closed."""
    visitor = world.visitor()
    assert (await visitor.request(world.services[service]["id"])).status_code == 201
    assert (await agent.accept(visitor.contact_id)).status_code == 200
    await visitor.say("Where is my order 1234?\nIt was due Monday.")
    await agent.say(visitor.contact_id, "It ships today")
    await visitor.say("Thanks")
    assert (await agent.post(f"/api/contacts/{visitor.contact_id}/close")).status_code == 200
    return visitor


async def _comes_back(
    world: World, earlier: VisitorClient, service: str = "Sales"
) -> VisitorClient:
    again = world.visitor()
    again.visitor_id = earlier.visitor_id
    assert (await again.request(world.services[service]["id"])).status_code == 201
    return again


async def test_the_agent_handling_a_visitor_reads_their_earlier_contacts(world: World) -> None:
    bob = await world.agent("bob")
    await bob.open_console()
    first = await _earlier_contact(world, bob)
    stranger = await _earlier_contact(world, bob)  # another visitor: never listed
    # the visitor comes back; ann (admin, but as an agent here) holds the new contact
    await world.add_agent("dan", ["sales"])
    dan = await world.agent("dan")
    await dan.open_console()
    again = await _comes_back(world, first)
    assert (await dan.accept(again.contact_id)).status_code == 200

    listed = await dan.http.get(f"/api/contacts/{again.contact_id}/history")
    assert listed.status_code == 200, listed.text
    (entry,) = listed.json()
    assert entry["id"] == first.contact_id
    assert entry["service"]["name"] == "Sales"
    assert entry["agent"]["name"] == "Bob"
    assert entry["outcome"] == "successful"
    assert entry["first_line"] == "Where is my order 1234?"
    assert entry["created_at"] > 0

    opened = await dan.http.get(f"/api/contacts/{again.contact_id}/history/{first.contact_id}")
    assert opened.status_code == 200, opened.text
    assert [m["text"] for m in opened.json()["messages"]] == [
        "Where is my order 1234?\nIt was due Monday.",
        "It ships today",
        "Thanks",
    ]
    # only this visitor's contacts, and only earlier ones
    other = await dan.http.get(f"/api/contacts/{again.contact_id}/history/{stranger.contact_id}")
    assert (other.status_code, other.json()["code"]) == (404, "not_found")
    later = await dan.http.get(f"/api/contacts/{first.contact_id}/history/{again.contact_id}")
    assert (later.status_code, later.json()["code"]) == (404, "not_found")
    # dan never handled the first contact: outside the history, it stays out of reach
    direct = await dan.http.get(f"/api/contacts/{first.contact_id}")
    assert direct.status_code == 403

    # once dan no longer holds the visitor's contact, their history is closed to him
    assert (await dan.post(f"/api/contacts/{again.contact_id}/close")).status_code == 200
    after = await dan.http.get(f"/api/contacts/{again.contact_id}/history/{first.contact_id}")
    assert (after.status_code, after.json()["code"]) == (403, "not_handling_visitor")
    assert (await dan.http.get(f"/api/contacts/{again.contact_id}/history")).json() == []


async def test_an_agent_without_a_contact_with_the_visitor_is_refused(world: World) -> None:
    bob = await world.agent("bob")
    await bob.open_console()
    first = await _earlier_contact(world, bob)
    again = await _comes_back(world, first)
    assert (await bob.accept(again.contact_id)).status_code == 200
    await world.add_agent("dan", ["sales"])
    dan = await world.agent("dan")

    listed = await dan.http.get(f"/api/contacts/{again.contact_id}/history")
    assert (listed.status_code, listed.json()["code"]) == (403, "not_handling_visitor")
    opened = await dan.http.get(f"/api/contacts/{again.contact_id}/history/{first.contact_id}")
    assert (opened.status_code, opened.json()["code"]) == (403, "not_handling_visitor")
    missing = await dan.http.get(f"/api/contacts/{again.contact_id}/history/999999")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    bad = await dan.http.get(f"/api/contacts/{again.contact_id}/history/abc")
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input")
    # the holder reads it; a supervisor of the service reads it from the ordinary scope
    assert (
        await bob.http.get(f"/api/contacts/{again.contact_id}/history/{first.contact_id}")
    ).status_code == 200
    await world.add_agent("sam", ["sales"], role=Role.SUPERVISOR)
    sam = await world.agent("sam")
    assert [
        e["id"] for e in (await sam.http.get(f"/api/contacts/{again.contact_id}/history")).json()
    ] == [first.contact_id]


async def test_reports_mark_and_filter_returning_visitors(world: World) -> None:
    bob = await world.agent("bob")
    await bob.open_console()
    first = await _earlier_contact(world, bob)
    again = await _comes_back(world, first)
    ann = await world.agent("ann")

    rows = (await ann.http.get("/api/reports/contacts")).json()["items"]
    marks = {r["id"]: r["returning"] for r in rows}
    assert marks[first.contact_id] is False and marks[again.contact_id] is True
    returning = (await ann.http.get("/api/reports/contacts?returning=true")).json()["items"]
    assert [r["id"] for r in returning] == [again.contact_id]
    same = (await ann.http.get(f"/api/reports/contacts?visitor_id={first.visitor_id}")).json()[
        "items"
    ]
    assert {r["id"] for r in same} == {first.contact_id, again.contact_id}
    details = (await ann.http.get(f"/api/reports/contacts/{again.contact_id}")).json()
    assert details["summary"]["returning"] is True
    assert details["earlier_contacts"] == 1
    bad = await ann.http.get("/api/reports/contacts?visitor_id=" + "x" * 100)
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input")
