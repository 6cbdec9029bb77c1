"""Private notes and supervisors' whispers (issue 24): agents and supervisors read them, the
visitor never does — not live, not in a resumed stream, not in a hello, not over the visitor
API — and an ``@login`` tells that agent and lets them read the contact."""

from __future__ import annotations

import orjson

from sportello.actions.agent_accounts import do_update_agent
from sportello.domain.model import Role
from tests.conftest import World
from tests.support.clients import AgentClient, Stream, VisitorClient

SECRET_NOTE = "internal: refund already denied twice @cyd"
SECRET_WHISPER = "whisper: offer the 10% voucher"


async def note(agent: AgentClient, contact_id: int, text: str) -> dict[str, object]:
    answer = await agent.post(f"/api/contacts/{contact_id}/notes", {"text": text})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def whisper(agent: AgentClient, contact_id: int, text: str) -> dict[str, object]:
    answer = await agent.post(f"/api/supervision/contacts/{contact_id}/whisper", {"text": text})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def leaks(frames: object) -> bool:
    """Whether anything the visitor was sent holds a note's or a whisper's words."""
    dumped = orjson.dumps(frames).decode()
    return any(s in dumped for s in ("internal:", "whisper:", "note.created", "note.mentioned"))


async def visitor_sees_nothing(visitor: VisitorClient, widget: Stream, since: int) -> None:
    """Every visitor-facing read: the live stream, a resume from before, a new hello, the
    visitor API's contact (what a transcript download reads)."""
    await visitor.say("after the notes")  # the stream has moved past them, in order
    await widget.wait_for(
        lambda f: (
            f.get("kind") == "message.created" and f["data"]["message"]["text"] == "after the notes"
        )
    )
    await widget.drain()
    assert not leaks(widget.frames)
    resumed = await visitor.open_widget(since=since)
    await resumed.drain()
    assert resumed.frames[0]["resumed"] is True
    assert [e["kind"] for e in resumed.events()].count("message.created") == 1
    assert not leaks(resumed.frames)
    fresh = await visitor.open_widget()
    await fresh.drain()
    assert [m["text"] for m in fresh.frames[0]["contact"]["messages"]] == ["after the notes"]
    assert not leaks(fresh.frames)
    own = await visitor.http.get("/api/visitor/contact")
    assert own.status_code == 200 and not leaks(own.json())
    for stream in (resumed, fresh):
        await stream.close()


async def test_a_note_and_a_whisper_never_reach_the_visitor(world: World) -> None:
    """On both engines: the agent and the supervisor get both, the visitor neither."""
    await world.add_agent("sam", ["sales"], role=Role.SUPERVISOR)
    bob, console, visitor, widget = await world.assigned_chat("bob", "Sales")
    sam = await world.agent("sam")
    live = await sam.open_supervision()
    cid = visitor.contact_id
    since = widget.position

    written = await note(bob, cid, SECRET_NOTE)
    assert (written["kind"], written["text"]) == ("note", SECRET_NOTE)
    whispered = await whisper(sam, cid, SECRET_WHISPER)
    assert whispered["kind"] == "whisper"
    assert whispered["author"] == {
        "id": whispered["author"]["id"],
        "display_name": "Sam",
        "login": "sam",
    }  # type: ignore[index]

    for stream in (console, live):
        got = await stream.wait_event("note.created", note=whispered)
        assert got["contact_id"] == cid
        assert [e["data"]["note"]["text"] for e in stream.events("note.created")] == [
            SECRET_NOTE,
            SECRET_WHISPER,
        ]
    assert live.events("note.mentioned") == []  # the named agent's notification only
    await visitor_sees_nothing(visitor, widget, since)

    panel = (await bob.http.get(f"/api/contacts/{cid}")).json()
    assert [(n["kind"], n["text"]) for n in panel["notes"]] == [
        ("note", SECRET_NOTE),
        ("whisper", SECRET_WHISPER),
    ]
    assert [m["text"] for m in panel["messages"]] == ["after the notes"]
    details = (await sam.http.get(f"/api/reports/contacts/{cid}")).json()
    assert [n["text"] for n in details["notes"]] == [SECRET_NOTE, SECRET_WHISPER]
    again = await bob.open_console()
    (held,) = again.frames[0]["contacts"]
    assert [n["kind"] for n in held["notes"]] == ["note", "whisper"]
    await live.close()
    await again.close()


async def test_a_mention_tells_the_agent_who_may_then_read_but_not_write(
    sqlite_world: World,
) -> None:
    world = sqlite_world
    bob, _console, visitor, _widget = await world.assigned_chat("bob", "Sales")
    cyd = await world.agent("cyd")  # Support only: no reason to read a Sales contact
    cyd_console = await cyd.open_console()
    cid = visitor.contact_id
    assert (await cyd.http.get(f"/api/contacts/{cid}")).status_code == 403

    written = await note(
        bob, cid, "@CYD could you check this? cc @nobody, mail me at bob@shop.example."
    )
    assert [m["login"] for m in written["mentions"]] == ["cyd"]  # type: ignore[index]
    told = await cyd_console.wait_event("note.mentioned")
    assert told["contact_id"] == cid
    assert told["data"]["note"]["id"] == written["id"]
    assert told["data"]["contact"] == {
        "id": cid,
        "visitor_name": "Vera Visitor",
        "service_name": "Sales",
        "state": "assigned",
    }

    read = await cyd.http.get(f"/api/contacts/{cid}")
    assert read.status_code == 200, read.text
    assert [n["id"] for n in read.json()["notes"]] == [written["id"]]
    refused = await cyd.say(cid, "hello from cyd")
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    answered = await note(cyd, cid, "looked: the order shipped yesterday")
    assert answered["author"]["login"] == "cyd"  # type: ignore[index]
    assert "hello from cyd" not in orjson.dumps(read.json()).decode()

    later = await cyd.open_console()
    [listed] = later.frames[0]["mentions"]
    assert (listed["note"]["id"], listed["contact"]["id"]) == (written["id"], cid)
    await cyd_console.close()
    await later.close()


async def test_a_mention_of_nobody_or_of_oneself_saves_the_note_and_tells_no_one(
    sqlite_world: World,
) -> None:
    bob, console, visitor, _widget = await sqlite_world.assigned_chat("bob", "Sales")
    written = await note(bob, visitor.contact_id, "@bob remember @ghost and @")
    assert written["mentions"] == []
    await console.wait_event("note.created")
    await console.drain()
    assert console.events("note.mentioned") == []


async def test_bad_notes_are_refused_with_a_code_and_nothing_is_written(
    sqlite_world: World,
) -> None:
    world = sqlite_world
    bob, _console, visitor, _widget = await world.assigned_chat("bob", "Sales")
    cyd = await world.agent("cyd")
    cid = visitor.contact_id
    path = f"/api/contacts/{cid}/notes"

    from_visitor = await visitor.http.post(path, json={"text": "let me in"})
    assert (from_visitor.status_code, from_visitor.json()["code"]) == (403, "forbidden")
    not_mine = await cyd.post(path, {"text": "not my contact"})
    assert (not_mine.status_code, not_mine.json()["code"]) == (403, "forbidden")
    unknown = await bob.post("/api/contacts/999999/notes", {"text": "where?"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    for body, status, code in (
        ({"text": "  "}, 422, "invalid_input"),
        ({"text": "x" * (world.app.ctx.settings.max_message_chars + 1)}, 413, "text_too_long"),
        ({}, 422, "invalid_input"),
        ({"text": "hi", "kind": "whisper"}, 422, "invalid_input"),
    ):
        refused = await bob.post(path, body)
        assert (refused.status_code, refused.json().get("code")) == (status, code), refused.text
    assert (await bob.http.get(f"/api/contacts/{cid}")).json()["notes"] == []


async def test_only_a_supervisor_of_the_service_whispers_and_each_whisper_is_audited(
    sqlite_world: World,
) -> None:
    world = sqlite_world
    await world.add_agent("sam", ["sales"], role=Role.SUPERVISOR)
    await world.add_agent("sue", ["support"], role=Role.SUPERVISOR)
    bob, _console, visitor, _widget = await world.assigned_chat("bob", "Sales")
    cid = visitor.contact_id
    path = f"/api/supervision/contacts/{cid}/whisper"
    for login in ("bob", "cyd", "sue"):
        client = await world.agent(login)
        refused = await client.post(path, {"text": "psst"})
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden"), login
    from_visitor = await visitor.http.post(path, json={"text": "psst"})
    assert from_visitor.status_code in (401, 403)

    sam = await world.agent("sam")
    written = await whisper(sam, cid, SECRET_WHISPER)
    ann = await world.agent("ann")
    audit = (await ann.http.get("/api/admin/audit", params={"action": "contact.whispered"})).json()
    [row] = audit["items"]
    assert row["actor"]["login"] == "sam"
    assert row["target"] == {"kind": "contact", "id": str(cid), "name": "Vera Visitor"}
    assert row["after"]["note_id"] == written["id"]

    assert (await bob.post(f"/api/contacts/{cid}/close")).status_code == 200
    ended = await sam.post(path, {"text": "too late"})
    assert (ended.status_code, ended.json()["code"]) == (409, "contact_not_in_progress")
    unknown = await sam.post("/api/supervision/contacts/999999/whisper", {"text": "x"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    assert [n["text"] for n in (await bob.http.get(f"/api/contacts/{cid}")).json()["notes"]] == [
        SECRET_WHISPER
    ]


async def test_notes_follow_the_contact_to_the_agent_it_is_transferred_to(
    sqlite_world: World,
) -> None:
    world = sqlite_world
    bob, _console, visitor, _widget = await world.assigned_chat("bob", "Sales")
    ann = await world.agent("ann")
    ann_console = await ann.open_console()
    cid = visitor.contact_id
    await note(bob, cid, "handing over: the customer wants an invoice")
    sent = await bob.post(f"/api/contacts/{cid}/transfer", {"agent_id": await agent_id(ann)})
    assert sent.status_code == 201, sent.text
    assert (await ann.post(f"/api/contacts/{cid}/transfer/accept")).status_code == 200
    assigned = await ann_console.wait_event("contact.assigned")
    assert [n["text"] for n in assigned["data"]["contact"]["notes"]] == [
        "handing over: the customer wants an invoice"
    ]
    await ann_console.close()


async def agent_id(agent: AgentClient) -> int:
    return int((await agent.http.get("/api/me")).json()["id"])


async def test_a_mention_of_the_holder_or_a_disabled_agent_sends_no_notification(
    sqlite_world: World,
) -> None:
    world = sqlite_world
    await world.add_agent("sam", ["sales"], role=Role.SUPERVISOR)
    await world.add_agent("old", ["sales"])
    old = await agent_id(await world.agent("old"))
    await do_update_agent(world.app.ctx, old, {"enabled": False})
    _bob, console, visitor, _widget = await world.assigned_chat("bob", "Sales")
    sam = await world.agent("sam")
    written = await note(sam, visitor.contact_id, "@bob please check, and @old is gone")
    assert [m["login"] for m in written["mentions"]] == ["bob"]  # type: ignore[index]
    got = await console.wait_event("note.created")
    assert got["data"]["note"]["author"]["login"] == "sam"
    await console.drain()
    assert console.events("note.mentioned") == []  # the holder reads it in the panel


async def test_a_console_that_was_away_gets_its_mention_on_resume(sqlite_world: World) -> None:
    world = sqlite_world
    bob, _console, visitor, _widget = await world.assigned_chat("bob", "Sales")
    cyd = await world.agent("cyd")
    first = await cyd.open_console()
    await first.drain()
    position = first.position
    await first.close()
    written = await note(bob, visitor.contact_id, "@cyd when you are back: their last claim?")
    resumed = await cyd.open_console(since=position)
    told = await resumed.wait_event("note.mentioned")
    assert told["data"]["note"]["id"] == written["id"]
    assert resumed.frames[0]["mentions"][0]["note"]["id"] == written["id"]
    await resumed.close()


async def test_a_supervisor_of_another_service_is_not_sent_the_notes(
    sqlite_world: World,
) -> None:
    world = sqlite_world
    await world.add_agent("sam", ["sales"], role=Role.SUPERVISOR)
    await world.add_agent("sue", ["support"], role=Role.SUPERVISOR)
    bob, _console, visitor, _widget = await world.assigned_chat("bob", "Sales")
    sam, sue = await world.agent("sam"), await world.agent("sue")
    on_sam, on_sue = await sam.open_supervision(), await sue.open_supervision()
    await note(bob, visitor.contact_id, SECRET_NOTE)
    await on_sam.wait_event("note.created")
    await on_sue.drain()
    assert not leaks(on_sue.frames)
    refused = await sue.http.get(f"/api/contacts/{visitor.contact_id}")
    assert refused.status_code == 403
    for stream in (on_sam, on_sue):
        await stream.close()
