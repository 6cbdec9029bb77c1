"""Files both ways (issue 10): limits, sniffing, hostile images, scope, idempotency, resume."""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select

from sportello.storage.tables import files, messages
from tests.conftest import World, make_world
from tests.support.clients import AgentClient, VisitorClient
from tests.support.files import EXE, HTML, PDF, opaque, png, png_claiming
from tests.support.inproc import serve_app

MB10 = 10 * 1024 * 1024


async def agent_upload(
    agent: AgentClient, contact_id: int, body: bytes, name: str, **params: str
) -> httpx.Response:
    return await agent.http.post(
        f"/api/contacts/{contact_id}/files", params={"name": name, **params}, content=body
    )


async def visitor_upload(
    visitor: VisitorClient, body: bytes, name: str, **params: str
) -> httpx.Response:
    return await visitor.http.post(
        "/api/visitor/contact/files", params={"name": name, **params}, content=body
    )


def stored_paths(world: World) -> list[Path]:
    root = world.app.ctx.settings.files_root
    return sorted(p for p in root.rglob("*") if p.is_file())


async def count_rows(world: World, table: object) -> int:
    async with world.app.ctx.db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)))  # type: ignore[arg-type]


async def test_agent_sends_an_image_the_visitor_sees_it_and_downloads_it(world: World) -> None:
    ann, _console, visitor, widget = await world.assigned_chat()
    image = png(1200, 900)
    sent = await agent_upload(
        ann, visitor.contact_id, image, "shelf.png", description="The shelf", client_id="f1"
    )
    assert sent.status_code == 201, sent.text
    card = sent.json()["file"]
    assert sent.json()["text"] == "The shelf"
    assert card["name"] == "shelf.png" and card["description"] == "The shelf"
    assert (card["content_type"], card["size"]) == ("image/png", len(image))
    assert (card["width"], card["height"], card["thumbnail"]) == (1200, 900, True)
    event = await widget.wait_event("message.created")
    assert event["data"]["message"]["file"] == card

    got = await visitor.http.get(f"/api/visitor/files/{card['id']}")
    assert got.status_code == 200 and got.content == image
    assert got.headers["content-type"] == "image/png"
    assert got.headers["content-disposition"].startswith("attachment")
    assert got.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in got.headers["content-security-policy"]
    thumb = await visitor.http.get(f"/api/visitor/files/{card['id']}/thumbnail")
    assert thumb.headers["content-type"] == "image/png"
    assert "attachment" not in thumb.headers.get("content-disposition", "")
    with Image.open(io.BytesIO(thumb.content)) as small:
        assert small.size == (480, 360)  # re-encoded by the server, not the upload
    listed = (await ann.http.get(f"/api/contacts/{visitor.contact_id}/files")).json()
    assert [(f["id"], f["sender"], f["sha256"]) for f in listed] == [
        (card["id"], "agent", hashlib.sha256(image).hexdigest())
    ]


async def test_visitor_sends_a_pdf_the_agent_downloads_it_as_an_attachment(world: World) -> None:
    ann, console, visitor, _widget = await world.assigned_chat()
    sent = await visitor_upload(visitor, PDF, "invoice 42.pdf")
    assert sent.status_code == 201, sent.text
    card = sent.json()["file"]
    assert (card["content_type"], card["thumbnail"], card["width"]) == (
        "application/pdf",
        False,
        None,
    )
    assert sent.json()["text"] == ""
    await console.wait_event("message.created")
    got = await ann.http.get(f"/api/files/{card['id']}")
    assert got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith("attachment")
    assert "invoice" in got.headers["content-disposition"]
    no_thumb = await ann.http.get(f"/api/files/{card['id']}/thumbnail")
    assert (no_thumb.status_code, no_thumb.json()["code"]) == (404, "not_found")
    mine = (await visitor.http.get("/api/visitor/contact/files")).json()
    assert [f["id"] for f in mine] == [card["id"]]


async def test_the_size_limit_is_exact_and_a_refused_upload_leaves_nothing(
    sqlite_world: World,
) -> None:
    world = sqlite_world
    _ann, _console, visitor, _widget = await world.assigned_chat()
    exact = opaque(MB10)
    accepted = await visitor_upload(visitor, exact, "exactly-10MB.bin")
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["file"]["size"] == MB10
    before_paths = stored_paths(world)
    before_rows = (await count_rows(world, files), await count_rows(world, messages))

    declared = await visitor_upload(visitor, exact + b"x", "one-byte-more.bin")
    assert declared.status_code == 413
    assert declared.json()["code"] == "file_too_large"
    assert declared.json()["details"]["limit_text"] == "10 MB"

    async def streamed() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
        for start in range(0, MB10 + 1, 256 * 1024):
            yield (exact + b"x")[start : start + 256 * 1024]

    chunked = await visitor.http.post(
        "/api/visitor/contact/files", params={"name": "chunked.bin"}, content=streamed()
    )
    assert (chunked.status_code, chunked.json()["code"]) == (413, "file_too_large")
    assert stored_paths(world) == before_paths
    assert (await count_rows(world, files), await count_rows(world, messages)) == before_rows


async def test_empty_refused_and_lying_files(world: World) -> None:
    ann, _console, visitor, _widget = await world.assigned_chat()
    empty = await visitor_upload(visitor, b"", "nothing.txt")
    assert (empty.status_code, empty.json()["code"]) == (422, "file_empty")
    exe = await visitor_upload(visitor, EXE, "totally-a-photo.jpg")
    assert (exe.status_code, exe.json()["code"]) == (415, "file_type_refused")
    assert exe.json()["details"]["content_type"] == "application/x-dosexec"
    lie = await agent_upload(ann, visitor.contact_id, HTML, "cute-cat.png")
    assert lie.status_code == 201
    card = lie.json()["file"]
    assert (card["content_type"], card["thumbnail"]) == ("text/html", False)
    served = await visitor.http.get(f"/api/visitor/files/{card['id']}")
    assert served.headers["content-type"].startswith("text/html")
    assert served.headers["content-disposition"].startswith("attachment")
    assert "sandbox" in served.headers["content-security-policy"]
    assert await count_rows(world, files) == 1


async def test_hostile_and_corrupt_images_are_refused_and_the_server_stays_up(
    world: World,
) -> None:
    _ann, _console, visitor, _widget = await world.assigned_chat()
    for body in (
        png_claiming(30_000, 30_000),  # Pillow's own bomb limit
        png_claiming(8_000, 6_000),  # over our pixel limit
        b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"garbage" * 20,  # corrupt
    ):
        refused = await visitor_upload(visitor, body, "bomb.png")
        assert (refused.status_code, refused.json()["code"]) == (422, "file_invalid"), body[:40]
    assert await count_rows(world, files) == 0
    assert stored_paths(world) == []
    assert (await visitor.say("still here")).status_code == 201


async def test_only_participants_read_a_file_and_others_cannot_tell_it_exists(
    world: World,
) -> None:
    ann, _console, visitor, _widget = await world.assigned_chat()
    card = (await visitor_upload(visitor, png(), "mine.png")).json()["file"]
    other = world.visitor()
    await other.request(world.services["Sales"]["id"])
    bob = await world.agent("bob")  # never held the contact
    guessed = "A" * len(card["id"])
    answers = [
        await other.http.get(f"/api/visitor/files/{card['id']}"),
        await other.http.get(f"/api/visitor/files/{card['id']}/thumbnail"),
        await bob.http.get(f"/api/files/{card['id']}"),
        await bob.http.get(f"/api/files/{card['id']}/thumbnail"),
        await ann.http.get(f"/api/files/{guessed}"),
        await visitor.http.get(f"/api/visitor/files/{guessed}"),
    ]
    assert {(a.status_code, a.json()["code"], a.json()["message"]) for a in answers} == {
        (404, "not_found", "no such file")
    }
    assert (await ann.http.get(f"/api/files/{card['id']}")).status_code == 200
    refused = await agent_upload(bob, visitor.contact_id, png(), "intruder.png")
    assert refused.status_code == 403
    anonymous = await httpx.AsyncClient(base_url=world.app.url).get(f"/api/files/{card['id']}")
    assert anonymous.status_code == 401


async def test_a_retried_upload_stores_one_file(world: World) -> None:
    _ann, _console, visitor, _widget = await world.assigned_chat()
    first = await visitor_upload(visitor, png(), "a.png", client_id="retry-1")
    again = await visitor_upload(visitor, png(), "a.png", client_id="retry-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert await count_rows(world, files) == 1
    assert len(stored_paths(world)) == 2  # the file and its thumbnail, once


async def test_a_reconnecting_widget_gets_the_file_once(world: World) -> None:
    ann, _console, visitor, widget = await world.assigned_chat()
    position = widget.position
    await widget.close()
    card = (await agent_upload(ann, visitor.contact_id, PDF, "terms.pdf")).json()["file"]
    back = await visitor.open_widget(since=position)
    await back.drain()
    carried = [
        e for e in back.events("message.created") if e["data"]["message"].get("file") is not None
    ]
    assert [e["data"]["message"]["file"]["id"] for e in carried] == [card["id"]]
    hello = back.frames[0]
    assert hello["limits"]["upload_bytes"] == MB10


async def test_download_range_errors_have_the_error_shape(sqlite_world: World) -> None:
    """A byte range is served; a malformed one is `invalid_input`, one outside the file
    `range_not_satisfiable` (416 with `Content-Range`), each as {code, message}."""
    ann, _console, visitor, _widget = await sqlite_world.assigned_chat()
    card = (await visitor_upload(visitor, PDF, "invoice.pdf")).json()["file"]
    for client, url in (
        (ann.http, f"/api/files/{card['id']}"),
        (visitor.http, f"/api/visitor/files/{card['id']}"),
    ):
        part = await client.get(url, headers={"Range": "bytes=0-3"})
        assert (part.status_code, part.content) == (206, PDF[:4])
        for header, status, code in (
            ("bytes=abc", 422, "invalid_input"),
            ("bytes=5-2", 422, "invalid_input"),
            ("pages=1-2", 422, "invalid_input"),
            ("bytes=1000000000-", 416, "range_not_satisfiable"),
        ):
            response = await client.get(url, headers={"Range": header})
            assert response.status_code == status, (header, response.text)
            assert response.headers["content-type"] == "application/json"
            body = response.json()
            assert body["code"] == code and body["message"], (header, body)
            if status == 416:
                assert response.headers["content-range"] == f"bytes */{len(PDF)}"
                assert body["details"]["size"] == len(PDF)


async def test_file_names_are_cleaned_on_the_way_in(sqlite_world: World) -> None:
    ann, console, visitor, _widget = await sqlite_world.assigned_chat()
    for sent, shown in (
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\vera\\scan.pdf", "scan.pdf"),
        ("invoice\u202egnp.exe", "invoicegnp.exe"),
        ("a\u2066b\u2069\r\n.pdf", "ab.pdf"),
    ):
        response = await visitor_upload(visitor, PDF, sent)
        assert response.status_code == 201, response.text
        card = response.json()["file"]
        assert card["name"] == shown
        event = await console.wait_for(
            lambda f, i=card["id"]: (
                f.get("kind") == "message.created"
                and (f["data"]["message"]["file"] or {}).get("id") == i
            )
        )
        assert event["data"]["message"]["file"]["name"] == shown
        got = await ann.http.get(f"/api/files/{card['id']}")
        assert "/" not in got.headers["content-disposition"]
        assert "%E2%80%AE" not in got.headers["content-disposition"]
    listed = (await ann.http.get(f"/api/contacts/{visitor.contact_id}/files")).json()
    assert [f["name"] for f in listed] == ["passwd", "scan.pdf", "invoicegnp.exe", "ab.pdf"]


@pytest.fixture
async def budgeted(sqlite_url: str, tmp_path: Path) -> AsyncIterator[World]:
    async with serve_app(
        sqlite_url, tmp_path, upload_max_bytes=4096, upload_visitor_bytes=5000
    ) as app:
        world = await make_world(app)
        try:
            yield world
        finally:
            await world.close()


async def test_a_visitor_byte_budget_stops_one_visitor_filling_the_disk(budgeted: World) -> None:
    world = budgeted
    ann, _console, visitor, _widget = await world.assigned_chat()

    async def streamed(size: int) -> AsyncIterator[bytes]:  # no Content-Length
        yield b"y" * size

    assert (await visitor_upload(visitor, b"a" * 3000, "a.bin")).status_code == 201
    paths = stored_paths(world)
    for body in (b"b" * 3000, streamed(3000)):
        refused = await visitor.http.post(
            "/api/visitor/contact/files", params={"name": "b.bin"}, content=body
        )
        assert (refused.status_code, refused.json()["code"]) == (413, "upload_budget_exceeded")
        assert refused.json()["details"] == {
            "limit": 5000,
            "limit_text": "4 KB",
            "used": 3000,
        }
    too_big = await visitor_upload(visitor, b"c" * 4097, "c.bin")  # the per-file limit first
    assert too_big.json()["code"] == "file_too_large"
    assert stored_paths(world) == paths
    assert (await visitor_upload(visitor, b"d" * 2000, "d.bin")).status_code == 201  # exactly full
    full = await visitor_upload(visitor, b"e", "e.bin")
    assert (full.status_code, full.json()["code"]) == (413, "upload_budget_exceeded")
    # concurrent uploads that each fit alone cannot pass the budget together
    other = world.visitor()
    await other.request(world.services["Sales"]["id"])
    assert (await ann.accept(other.contact_id)).status_code == 200
    answers = await asyncio.gather(
        *(visitor_upload(other, bytes([65 + n]) * 2000, f"{n}.bin") for n in range(4))
    )
    assert sorted(a.status_code for a in answers) == [201, 201, 413, 413]
    agent_side = await agent_upload(ann, visitor.contact_id, b"f" * 3000, "from-ann.bin")
    assert agent_side.status_code == 201  # agents have no budget
