"""A canned reply may carry a saved file (issue 24): uploaded with a service's reply by an
admin or with an agent's own reply by that agent, kept in the file store, and sent as a
normal file message — the visitor downloads it like any file — when the reply is inserted."""

from __future__ import annotations

from typing import Any

from tests.api.test_canned_replies import GREET, add_service_reply
from tests.conftest import World
from tests.support.clients import AgentClient
from tests.support.files import EXE, PDF, png


async def put_file(agent: AgentClient, path: str, body: bytes, name: str = "price-list.pdf") -> Any:
    return await agent.http.put(f"{path}/file", params={"name": name}, content=body)


def store_files(world: World) -> set[str]:
    """The keys in the file store (its staging area aside)."""
    root = world.app.ctx.settings.files_root
    return {p.name for p in root.glob("*/*") if p.is_file() and not p.parent.name.startswith(".")}


async def test_a_service_reply_sends_its_file_as_a_file_message(world: World) -> None:
    ann, console, visitor, widget = await world.assigned_chat()
    reply = await add_service_reply(ann, world.services["Sales"]["id"])
    path = f"/api/admin/canned-replies/{reply['id']}"
    saved = await put_file(ann, path, PDF)
    assert saved.status_code == 200, saved.text
    assert saved.json()["file"] == {
        "name": "price-list.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
    }
    listed = (await ann.http.get(f"/api/contacts/{visitor.contact_id}/canned-replies")).json()
    assert listed[0]["file"]["name"] == "price-list.pdf"  # the console knows to send it

    send = f"/api/contacts/{visitor.contact_id}/canned-replies/{reply['id']}/file"
    sent = await ann.http.post(send, params={"client_id": "cf-1"})
    assert sent.status_code == 201, sent.text
    message = sent.json()
    assert (message["sender"], message["file"]["name"]) == ("agent", "price-list.pdf")
    again = await ann.http.post(send, params={"client_id": "cf-1"})  # a retry: one message
    assert again.status_code == 200 and again.json()["id"] == message["id"]

    got = await widget.wait_for(
        lambda f: f.get("kind") == "message.created" and f["data"]["message"]["id"] == message["id"]
    )
    file_id = got["data"]["message"]["file"]["id"]
    download = await visitor.http.get(f"/api/visitor/files/{file_id}")
    assert download.status_code == 200 and download.content == PDF
    await console.wait_for(
        lambda f: f.get("kind") == "message.created" and f["data"]["message"]["id"] == message["id"]
    )
    audit = await ann.http.get("/api/admin/audit", params={"action": "canned_reply.changed"})
    [entry] = audit.json()["items"]
    assert entry["after"]["file"]["name"] == "price-list.pdf" and entry["before"]["file"] is None


async def test_own_replies_carry_files_and_the_store_is_kept_tidy(world: World) -> None:
    bob, _console, visitor, _widget = await world.assigned_chat("bob")
    own = await bob.post("/api/me/canned-replies", GREET)
    path = f"/api/me/canned-replies/{own.json()['id']}"
    before = store_files(world)
    first = await put_file(bob, path, png(), name="map.png")
    assert first.status_code == 200 and first.json()["file"]["content_type"] == "image/png"
    assert len(store_files(world) - before) == 1
    replaced = await put_file(bob, path, PDF)
    assert replaced.json()["file"]["name"] == "price-list.pdf"
    assert len(store_files(world) - before) == 1  # the earlier file went
    sent = await bob.http.post(
        f"/api/contacts/{visitor.contact_id}/canned-replies/{own.json()['id']}/file"
    )
    assert sent.status_code == 201
    assert len(store_files(world) - before) == 2  # the contact's copy is its own

    cleared = await bob.http.delete(f"{path}/file")
    assert cleared.status_code == 200 and cleared.json()["file"] is None
    assert (await bob.http.delete(f"{path}/file")).json()["file"] is None  # idempotent
    await put_file(bob, path, PDF)
    assert (await bob.http.delete(path)).status_code == 204
    assert len(store_files(world) - before) == 1  # only the contact's copy stays


async def test_reply_files_are_their_owners_only(world: World) -> None:
    ann, _console, visitor, _widget = await world.assigned_chat()
    bob = await world.agent("bob")
    mine = await ann.post("/api/me/canned-replies", GREET)
    reply = await add_service_reply(ann, world.services["Sales"]["id"], shortcut="svc")
    # another agent's own reply, a service reply from /me, an agent on the admin path
    assert (
        await put_file(bob, f"/api/me/canned-replies/{mine.json()['id']}", PDF)
    ).status_code == 404
    assert (await put_file(bob, f"/api/me/canned-replies/{reply['id']}", PDF)).status_code == 404
    assert (await put_file(bob, f"/api/admin/canned-replies/{reply['id']}", PDF)).status_code == 403
    # a refused type, an empty file
    refused = await put_file(ann, f"/api/admin/canned-replies/{reply['id']}", EXE, "x.exe")
    assert refused.status_code == 415 and refused.json()["code"] == "file_type_refused"
    empty = await put_file(ann, f"/api/admin/canned-replies/{reply['id']}", b"")
    assert empty.json()["code"] == "file_empty"
    # sending: a reply with no file; a contact bob does not hold
    send = f"/api/contacts/{visitor.contact_id}/canned-replies/{reply['id']}/file"
    nothing = await ann.http.post(send)
    assert nothing.status_code == 422 and nothing.json()["code"] == "invalid_input"
    await put_file(ann, f"/api/admin/canned-replies/{reply['id']}", PDF)
    assert (await bob.http.post(send)).json()["code"] == "forbidden"
    other = await bob.post("/api/me/canned-replies", {**GREET, "shortcut": "bobs"})
    await put_file(bob, f"/api/me/canned-replies/{other.json()['id']}", PDF)
    theirs = f"/api/contacts/{visitor.contact_id}/canned-replies/{other.json()['id']}/file"
    assert (await ann.http.post(theirs)).json()["code"] == "invalid_input"  # not ann's reply
