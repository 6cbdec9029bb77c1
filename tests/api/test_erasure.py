"""Erasure and retention (issue 26): one person's contacts, messages, files, pages, notes,
rating, transcript e-mail and left messages are removed everywhere — every table is read
row by row for anything of theirs, the search index is asked, the disk is checked — while
another visitor's data stays; the erasure is audited without the person's data; a person
with a conversation still open is refused; a service's retention removes what ended more
than its days ago, and nothing newer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from sportello.actions.erasure import do_remove_expired
from sportello.actions.search_index import do_index_new_messages
from sportello.storage.tables import files, metadata
from tests.conftest import World, make_world
from tests.support.clients import VisitorClient
from tests.support.files import opaque
from tests.support.inproc import RunningApp, serve_app

MARKS = ("Quenbyvera", "quenby.vera@example.org", "zanzibarquokka", "vq-passport.pdf")
"""Everything that names the person or was said by or about them."""
OTHERS = "keepmeotherwords"


async def everything_stored(app: RunningApp) -> str:
    """Every row of every table, as text (SQLite's search index included)."""
    dump = []
    async with app.ctx.db.read() as conn:
        for table in metadata.sorted_tables:
            dump += [repr(tuple(row)) for row in await conn.execute(select(table))]
        if app.ctx.db.is_sqlite:
            found = await conn.execute(
                text("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'zanzibarquokka'")
            )
            dump += [f"indexed {row}" for row in found]
    return "\n".join(dump)


async def a_whole_conversation(world: World, vera: VisitorClient) -> None:
    """Vera asks for help, talks, sends a file, is written about in a note, rates it, asks
    for the transcript, comes back and leaves, and leaves a message."""
    ann = await world.agent("ann")
    await ann.open_console()
    sales = world.services["Sales"]["id"]
    made = await vera.request(
        sales,
        "Quenbyvera Smith",
        email="quenby.vera@example.org",
        message="about zanzibarquokka",
        page_url="https://shop.example/zanzibarquokka",
    )
    assert made.status_code == 201, made.text
    contact_id = vera.contact_id
    assert (await ann.accept(contact_id)).status_code == 200
    assert (await vera.say("my zanzibarquokka order")).status_code == 201
    assert (await ann.say(contact_id, "Dear Quenbyvera, here you are")).status_code == 201
    sent = await vera.http.post(
        "/api/visitor/contact/files", params={"name": "vq-passport.pdf"}, content=opaque(2048)
    )
    assert sent.status_code == 201, sent.text
    note = await ann.post(f"/api/contacts/{contact_id}/notes", {"text": "Quenbyvera is VIP"})
    assert note.status_code == 201, note.text
    assert (await ann.post(f"/api/contacts/{contact_id}/close")).status_code == 200
    rated = await vera.http.post(
        f"/api/visitor/contacts/{contact_id}/rating", json={"score": 4, "comment": "zanzibarquokka"}
    )
    assert rated.status_code == 201, rated.text
    mailed = await vera.http.post(f"/api/visitor/contacts/{contact_id}/transcript", json={})
    assert mailed.status_code == 201, mailed.text
    again = await vera.request(sales, "Quenbyvera Smith")
    assert again.status_code == 201, again.text
    assert (await vera.leave()).status_code == 200
    left = await vera.http.post(
        "/api/visitor/left-messages",
        json={
            "service_id": sales,
            "name": "Quenbyvera",
            "email": "quenby.vera@example.org",
            "text": "call me about zanzibarquokka",
        },
    )
    assert left.status_code == 201, left.text
    ruled = await ann.http.patch(
        f"/api/admin/services/{sales}", json={"invitations": [{"path": "/*", "text": "Help?"}]}
    )
    assert ruled.status_code == 200, ruled.text
    shown = await vera.http.post(
        "/api/visitor/invitations",
        json={"service_id": sales, "visitor_id": vera.visitor_id, "rule": 0, "kind": "shown"},
    )
    assert shown.status_code == 204, shown.text


async def test_an_erased_person_leaves_nothing_behind(database_url: str, tmp_path: Path) -> None:
    async with serve_app(database_url, tmp_path) as app:
        world = await make_world(app)
        try:
            vera = world.visitor()
            await a_whole_conversation(world, vera)
            other = world.visitor()
            await other.request(world.services["Sales"]["id"], "Otto", message=OTHERS)
            await do_index_new_messages(app.ctx)
            async with app.ctx.db.read() as conn:
                keys = [r.storage_key for r in await conn.execute(select(files.c.storage_key))]
            on_disk = [app.ctx.settings.files_root / k[:2] / k for k in keys]
            assert on_disk and all(p.exists() for p in on_disk)
            before = await everything_stored(app)
            assert all(mark in before for mark in MARKS)

            admin = await world.agent("ann")
            found = await admin.http.get("/api/reports/contacts", params={"q": "zanzibarquokka"})
            assert len(found.json()["items"]) == 1
            refused = await admin.post("/api/admin/erasures", {"visitor_id": other.visitor_id})
            assert refused.status_code == 409, refused.text  # Otto is still waiting
            assert refused.json()["code"] == "contacts_in_progress"
            both = await admin.post(
                "/api/admin/erasures", {"visitor_id": vera.visitor_id, "email": "x@y.z"}
            )
            assert both.status_code == 422, both.text

            erased = await admin.post("/api/admin/erasures", {"visitor_id": vera.visitor_id})
            assert erased.status_code == 200, erased.text
            assert erased.json() == {"contacts": 2, "messages": 4, "files": 1, "left_messages": 1}
            by_address = await admin.post(
                "/api/admin/erasures", {"email": "Quenby.Vera@example.org"}
            )
            assert by_address.status_code == 200, by_address.text
            assert by_address.json()["left_messages"] == 0  # went with the contact already

            after = await everything_stored(app)
            left_over = [line for line in after.splitlines() if any(m in line for m in MARKS)]
            assert left_over == []
            assert vera.visitor_id not in after
            assert OTHERS in after  # Otto's contact is untouched
            assert not any(p.exists() for p in on_disk)
            assert '"visitor.erased"' in after or "visitor.erased" in after
            search = await admin.http.get("/api/reports/contacts", params={"q": "zanzibarquokka"})
            assert search.status_code == 200, search.text
            assert search.json()["items"] == []
        finally:
            await world.close()


async def test_retention_removes_what_ended_long_enough_ago(
    database_url: str, tmp_path: Path
) -> None:
    async with serve_app(database_url, tmp_path) as app:
        world = await make_world(app)
        try:
            admin = await world.agent("ann")
            await admin.open_console()
            sales = world.services["Sales"]["id"]
            kept = await admin.http.patch(
                f"/api/admin/services/{sales}", json={"retention_days": 2}
            )
            assert kept.status_code == 200, kept.text
            assert kept.json()["retention_days"] == 2
            wrong = await admin.http.patch(
                f"/api/admin/services/{sales}", json={"retention_days": -1}
            )
            assert wrong.status_code == 422
            old = world.visitor()
            await old.request(sales, "Old", message="an old zanzibarquokka")
            assert (await old.leave()).status_code == 200
            elsewhere = world.visitor()  # another service keeps everything
            await elsewhere.request(world.services["Support"]["id"], "Kept", message=OTHERS)
            assert (await elsewhere.leave()).status_code == 200
            await app.advance(86400 * 2 + 60)
            fresh = world.visitor()
            await fresh.request(sales, "Fresh", message="a fresh one")
            assert (await fresh.leave()).status_code == 200
            removed: dict[str, Any] = await do_remove_expired(app.ctx)
            assert removed["contacts"] == 1
            stored = await everything_stored(app)
            assert "zanzibarquokka" not in stored
            assert "a fresh one" in stored and OTHERS in stored
            assert (await do_remove_expired(app.ctx))["contacts"] == 0
        finally:
            await world.close()
