"""The end of the visitor's journey (issue 25): a rating, the transcript by e-mail (the
request: the outbox row and its event), and "start a new conversation" offered to the same
agent first. The e-mail itself: test_transcript_mail.py."""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

import pytest
from sqlalchemy import select

from sportello.actions.preference import do_end_preferences_due
from sportello.storage.tables import contact_ratings, email_outbox
from tests.conftest import World
from tests.support.clients import AgentClient, VisitorClient
from tests.support.storage import stored_contact, stored_events


async def ended_chat(world: World, **request: Any) -> tuple[AgentClient, VisitorClient]:
    """Ann took Vera's contact, they spoke, Ann closed it."""
    ann = await world.agent("ann")
    await ann.open_console()
    visitor = world.visitor()
    await visitor.request(world.services["Sales"]["id"], **request)
    assert (await ann.accept(visitor.contact_id)).status_code == 200
    await visitor.say("hello, my order is late")
    await ann.say(visitor.contact_id, "let me check")
    assert (await ann.post(f"/api/contacts/{visitor.contact_id}/close")).status_code == 200
    return ann, visitor


async def rows(world: World, table: Any, contact_id: int) -> list[Any]:
    async with world.app.ctx.db.read() as conn:
        return list(await conn.execute(select(table).where(table.c.contact_id == contact_id)))


# -- rating ---------------------------------------------------------------------------


async def test_rating_is_stored_with_its_event_and_shown_in_reports(world: World) -> None:
    ann, visitor = await ended_chat(world)
    url = f"/api/visitor/contacts/{visitor.contact_id}/rating"
    response = await visitor.http.post(url, json={"score": 4, "comment": "  quick, thanks "})
    assert response.status_code == 201, response.text
    assert response.json()["score"] == 4 and response.json()["comment"] == "quick, thanks"
    [stored] = await rows(world, contact_ratings, visitor.contact_id)
    assert (stored.score, stored.comment) == (4, "quick, thanks")
    [event] = [
        e
        for e in await stored_events(world.app.ctx, visitor.contact_id)
        if e.kind == "contact.rated"
    ]
    assert event.payload["rating"]["score"] == 4 and event.for_visitor

    details = (await ann.http.get(f"/api/reports/contacts/{visitor.contact_id}")).json()
    assert details["summary"]["rating"]["score"] == 4
    listed = (await ann.http.get("/api/reports/contacts")).json()
    assert next(c["rating"] for c in listed["items"] if c["id"] == visitor.contact_id)["score"] == 4
    exported = (await ann.http.get("/api/reports/contacts.csv")).text
    lines = list(csv.DictReader(io.StringIO(exported)))
    assert (lines[0]["rating"], lines[0]["rating_comment"]) == ("4", "quick, thanks")


async def test_overview_counts_and_averages_ratings_per_agent_and_service(world: World) -> None:
    scores = []
    for score in (5, 2):
        ann, visitor = await ended_chat(world)
        url = f"/api/visitor/contacts/{visitor.contact_id}/rating"
        assert (await visitor.http.post(url, json={"score": score})).status_code == 201
        scores.append(score)
    await ended_chat(world)  # not rated: not counted
    period = {"since": 0, "until": world.app.clock.now() + 60}
    by_agent = (
        await ann.http.get("/api/reports/overview", params={**period, "group_by": "agent"})
    ).json()
    [ann_row] = [g for g in by_agent["groups"] if g["name"] == "Ann"]
    assert (ann_row["rating_count"], ann_row["rating_avg"]) == (2, 3.5)
    by_service = (await ann.http.get("/api/reports/overview", params=period)).json()
    [sales] = [g for g in by_service["groups"] if g["name"] == "Sales"]
    assert (sales["rating_count"], sales["rating_avg"]) == (2, 3.5)
    assert by_service["total"]["rating_count"] == 2
    csv = (await ann.http.get("/api/reports/overview.csv", params=period)).text.splitlines()
    assert csv[0].endswith("rating_count,rating_avg")
    assert csv[1].endswith(",2,3.5")


async def test_second_rating_is_a_conflict(world: World) -> None:
    _, visitor = await ended_chat(world)
    url = f"/api/visitor/contacts/{visitor.contact_id}/rating"
    assert (await visitor.http.post(url, json={"score": 5})).status_code == 201
    again = await visitor.http.post(url, json={"score": 1, "comment": "changed my mind"})
    assert again.status_code == 409
    assert again.json()["code"] == "already_rated"
    assert again.json()["details"]["rating"]["score"] == 5
    [stored] = await rows(world, contact_ratings, visitor.contact_id)
    assert stored.score == 5


@pytest.mark.parametrize(
    "body",
    [
        {"score": 0},
        {"score": 6},
        {"score": -1},
        {"score": "5"},
        {"score": 3.5},
        {},
        {"score": 3, "comment": "x" * 1001},
        {"score": 3, "stars": 3},
    ],
)
async def test_bad_ratings_are_refused(sqlite_world: World, body: dict[str, Any]) -> None:
    _, visitor = await ended_chat(sqlite_world)
    url = f"/api/visitor/contacts/{visitor.contact_id}/rating"
    response = await visitor.http.post(url, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_input"
    assert await rows(sqlite_world, contact_ratings, visitor.contact_id) == []


async def test_rating_someone_elses_contact_is_forbidden(world: World) -> None:
    _, vera = await ended_chat(world)
    _, other = await ended_chat(world)
    response = await other.http.post(
        f"/api/visitor/contacts/{vera.contact_id}/rating", json={"score": 1}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert await rows(world, contact_ratings, vera.contact_id) == []
    unsigned = world.visitor()
    response = await unsigned.http.post(
        f"/api/visitor/contacts/{vera.contact_id}/rating", json={"score": 1}
    )
    assert response.status_code == 401


async def test_a_conversation_in_progress_cannot_be_rated(world: World) -> None:
    _agent, _console, visitor, _widget = await world.assigned_chat()
    response = await visitor.http.post(
        f"/api/visitor/contacts/{visitor.contact_id}/rating", json={"score": 5}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "contact_not_ended"


# -- transcript request -----------------------------------------------------------------


async def test_transcript_request_writes_one_outbox_row_with_its_event(world: World) -> None:
    _, visitor = await ended_chat(world)
    url = f"/api/visitor/contacts/{visitor.contact_id}/transcript"
    response = await visitor.http.post(url, json={"email": "vera@example.org", "language": "it"})
    assert response.status_code == 201, response.text
    assert response.json()["to"] == "vera@example.org"
    assert response.json()["state"] == "pending"
    [row] = await rows(world, email_outbox, visitor.contact_id)
    assert (row.to_address, row.language, row.state, row.requested_by) == (
        "vera@example.org",
        "it",
        "pending",
        "visitor",
    )
    kinds = [e.kind for e in await stored_events(world.app.ctx, visitor.contact_id)]
    assert kinds.count("transcript.requested") == 1
    again = await visitor.http.post(url, json={"email": "other@example.org"})
    assert again.status_code == 409
    assert again.json()["code"] == "transcript_already_requested"
    assert len(await rows(world, email_outbox, visitor.contact_id)) == 1


async def test_transcript_goes_to_the_address_given_with_the_contact(world: World) -> None:
    _, visitor = await ended_chat(world, email="vera@example.org", locale="de-AT")
    url = f"/api/visitor/contacts/{visitor.contact_id}/transcript"
    response = await visitor.http.post(url, json={})
    assert response.status_code == 201, response.text
    [row] = await rows(world, email_outbox, visitor.contact_id)
    assert (row.to_address, row.language) == ("vera@example.org", "de")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "invalid_input"),  # no address given, none with the contact
        ({"email": "not-an-address"}, "invalid_input"),
        ({"email": "a@b"}, "invalid_input"),
        ({"email": "vera@example.org", "language": "ja"}, "invalid_input"),
        ({"email": "x" * 200 + "@example.org"}, "invalid_input"),
    ],
)
async def test_bad_transcript_requests_are_refused(
    sqlite_world: World, body: dict[str, Any], code: str
) -> None:
    _, visitor = await ended_chat(sqlite_world)
    url = f"/api/visitor/contacts/{visitor.contact_id}/transcript"
    response = await visitor.http.post(url, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code
    assert await rows(sqlite_world, email_outbox, visitor.contact_id) == []


async def test_transcript_of_someone_elses_contact_is_forbidden(world: World) -> None:
    _, vera = await ended_chat(world)
    _, other = await ended_chat(world)
    response = await other.http.post(
        f"/api/visitor/contacts/{vera.contact_id}/transcript", json={"email": "x@example.org"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert await rows(world, email_outbox, vera.contact_id) == []


async def test_transcript_of_a_live_conversation_is_refused(world: World) -> None:
    _agent, _console, visitor, _widget = await world.assigned_chat()
    response = await visitor.http.post(
        f"/api/visitor/contacts/{visitor.contact_id}/transcript", json={"email": "v@example.org"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "contact_not_ended"


async def test_service_sends_transcripts_automatically_as_contacts_close(world: World) -> None:
    ann = await world.agent("ann")
    sales = world.services["Sales"]
    changed = await ann.http.patch(
        f"/api/admin/services/{sales['id']}", json={"transcript_auto": True}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["transcript_auto"] is True
    _, with_email = await ended_chat(world, email="vera@example.org", locale="fr-FR")
    [row] = await rows(world, email_outbox, with_email.contact_id)
    assert (row.requested_by, row.language, row.to_address) == ("service", "fr", "vera@example.org")
    _, without = await ended_chat(world)
    assert await rows(world, email_outbox, without.contact_id) == []
    asked = await with_email.http.post(
        f"/api/visitor/contacts/{with_email.contact_id}/transcript", json={}
    )
    assert asked.status_code == 409
    assert asked.json()["details"]["transcript"]["requested_by"] == "service"


# -- start a new conversation -------------------------------------------------------------


async def start_again(world: World, visitor: VisitorClient, **extra: Any) -> Any:
    previous = visitor.token
    response = await visitor.request(
        world.services["Sales"]["id"], previous_token=previous, **extra
    )
    return response


async def test_new_conversation_goes_to_the_same_agent_first_then_everyone(world: World) -> None:
    bob = await world.agent("bob")
    await bob.open_console()
    ann, visitor = await ended_chat(world)
    response = await start_again(world, visitor)
    assert response.status_code == 201, response.text
    row = await stored_contact(world.app.ctx, visitor.contact_id)
    assert row.state == "pending"
    assert row.offered_to == [ann.agent["id"]] and row.starred
    assert row.prefer_until == world.app.clock.now() + 15
    await world.app.advance(14)
    assert await do_end_preferences_due(world.app.ctx) == []
    await world.app.advance(1)
    assert await do_end_preferences_due(world.app.ctx) == [visitor.contact_id]
    row = await stored_contact(world.app.ctx, visitor.contact_id)
    assert sorted(row.offered_to) == sorted([ann.agent["id"], bob.agent["id"]])
    assert not row.starred and row.prefer_until is None
    assert await do_end_preferences_due(world.app.ctx) == []  # once


async def test_new_conversation_goes_to_everyone_when_the_agent_is_paused(world: World) -> None:
    bob = await world.agent("bob")
    await bob.open_console()
    ann, visitor = await ended_chat(world)
    assert (await ann.http.put("/api/me/status", json={"status": "PAUSED"})).status_code == 200
    assert (await start_again(world, visitor)).status_code == 201
    row = await stored_contact(world.app.ctx, visitor.contact_id)
    assert row.offered_to == [bob.agent["id"]]


async def test_new_conversation_without_the_previous_token_goes_to_everyone(world: World) -> None:
    bob = await world.agent("bob")
    await bob.open_console()
    ann, visitor = await ended_chat(world)
    assert (await visitor.request(world.services["Sales"]["id"])).status_code == 201
    row = await stored_contact(world.app.ctx, visitor.contact_id)
    assert sorted(row.offered_to) == sorted([ann.agent["id"], bob.agent["id"]])
    assert row.prefer_agent_id is None


async def test_another_visitors_previous_token_is_forbidden(world: World) -> None:
    _, vera = await ended_chat(world)
    other = world.visitor()
    response = await other.request(world.services["Sales"]["id"], previous_token=vera.token)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    forged = await other.request(world.services["Sales"]["id"], previous_token="forged.token")
    assert forged.status_code == 401


async def test_concurrent_ratings_and_transcript_requests_store_one_each(world: World) -> None:
    """A double click (or two tabs) at once: one 201, the rest conflicts, one row each."""
    _, visitor = await ended_chat(world)
    base = f"/api/visitor/contacts/{visitor.contact_id}"
    ratings = await asyncio.gather(
        *(visitor.http.post(f"{base}/rating", json={"score": n}) for n in (1, 2, 3, 4, 5))
    )
    assert sorted(r.status_code for r in ratings) == [201, 409, 409, 409, 409]
    assert {r.json()["code"] for r in ratings if r.status_code == 409} == {"already_rated"}
    assert len(await rows(world, contact_ratings, visitor.contact_id)) == 1
    asked = await asyncio.gather(
        *(
            visitor.http.post(f"{base}/transcript", json={"email": "v@example.org"})
            for _ in range(4)
        )
    )
    assert sorted(r.status_code for r in asked) == [201, 409, 409, 409]
    assert len(await rows(world, email_outbox, visitor.contact_id)) == 1
    kinds = [e.kind for e in await stored_events(world.app.ctx, visitor.contact_id)]
    assert kinds.count("contact.rated") == 1 and kinds.count("transcript.requested") == 1


async def test_the_same_agent_window_ends_once_when_two_schedulers_race(world: World) -> None:
    """Two processes' schedulers firing the same due window: one ends it, the other finds
    nothing (the guarded update), and one routing pass offers the contact to everyone."""
    bob = await world.agent("bob")
    bob_console = await bob.open_console()
    _, visitor = await ended_chat(world)
    assert (await start_again(world, visitor)).status_code == 201
    # This process's own scheduler would race too, and on a busy machine win before these
    # two start; only they fire it here.
    scheduler = world.app.server.config.app.state.scheduler
    await scheduler.stop()
    await world.app.advance(15)
    first, second = await asyncio.gather(
        do_end_preferences_due(world.app.ctx), do_end_preferences_due(world.app.ctx)
    )
    scheduler.start()
    assert sorted([first, second]) == [[], [visitor.contact_id]]
    offered = await bob_console.wait_for(
        lambda f: (
            f.get("kind") == "contact.offered"
            and f["data"]["entry"]["contact_id"] == visitor.contact_id
        )
    )
    assert offered["data"]["entry"]["starred"] is False
