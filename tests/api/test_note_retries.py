"""A retried note is one note (issue 24): the console sends its key (``client_id``) with a
note, as with messages, and a retry with the same key answers with the first note — one
row, one event, one mention — even when the retries race."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from sportello.domain.model import Role
from sportello.storage.tables import contact_notes, events
from tests.conftest import World


async def count(world: World, table: object, *where: object) -> int:
    async with world.app.ctx.db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table).where(*where)))  # type: ignore[arg-type]


async def test_a_retried_note_is_stored_once(world: World) -> None:
    bob, console, visitor, _widget = await world.assigned_chat("bob", "Sales")
    cid = visitor.contact_id
    body = {"text": "refund approved, tell @ann", "client_id": "note-1"}
    first = await bob.post(f"/api/contacts/{cid}/notes", body)
    assert first.status_code == 201
    again = await bob.post(f"/api/contacts/{cid}/notes", body)
    assert again.status_code == 200  # the same note, not a new one
    assert again.json() == first.json()
    assert await count(world, contact_notes, contact_notes.c.contact_id == cid) == 1
    assert await count(world, events, events.c.kind == "note.created") == 1
    assert await count(world, events, events.c.kind == "note.mentioned") == 1

    other = await bob.post(f"/api/contacts/{cid}/notes", {**body, "client_id": "note-2"})
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    keyless = [await bob.post(f"/api/contacts/{cid}/notes", {"text": "x"}) for _ in range(2)]
    assert [r.status_code for r in keyless] == [201, 201]  # no key: each is a note
    await console.wait_for(
        lambda f: (
            f.get("kind") == "note.created" and f["data"]["note"]["id"] == keyless[1].json()["id"]
        )
    )
    assert len(console.events("note.created")) == 4


async def test_racing_retries_make_one_note(world: World) -> None:
    bob, _console, visitor, _widget = await world.assigned_chat("bob", "Sales")
    cid = visitor.contact_id
    body = {"text": "called the courier", "client_id": "race-1"}
    answers = await asyncio.gather(
        *(bob.post(f"/api/contacts/{cid}/notes", body) for _ in range(5))
    )
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 200, 201]
    assert len({a.json()["id"] for a in answers}) == 1
    assert await count(world, contact_notes, contact_notes.c.contact_id == cid) == 1


async def test_keys_belong_to_their_writer(world: World) -> None:
    """Another writer's note with the same key is their own note."""
    await world.add_agent("sam", ["sales"], role=Role.SUPERVISOR)
    bob, _console, visitor, _widget = await world.assigned_chat("bob", "Sales")
    sam = await world.agent("sam")
    cid = visitor.contact_id
    mine = await bob.post(f"/api/contacts/{cid}/notes", {"text": "a", "client_id": "k"})
    theirs = await sam.post(f"/api/contacts/{cid}/notes", {"text": "b", "client_id": "k"})
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    whisper = {"text": "offer the voucher", "client_id": "w-1"}
    said = [await sam.post(f"/api/supervision/contacts/{cid}/whisper", whisper) for _ in range(2)]
    assert [r.status_code for r in said] == [201, 200]
    assert said[0].json()["id"] == said[1].json()["id"]


async def test_a_bad_key_is_refused(world: World) -> None:
    bob, _console, visitor, _widget = await world.assigned_chat("bob", "Sales")
    for key in ("", "k" * 65, 7):
        answer = await bob.post(
            f"/api/contacts/{visitor.contact_id}/notes", {"text": "t", "client_id": key}
        )
        assert answer.status_code == 422 and answer.json()["code"] == "invalid_input"
