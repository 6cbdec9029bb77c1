"""Transcript search on SQLite: messages are indexed in batches off the chat's transactions,
found before the batch runs and after, each indexed exactly once; the migration carries an
existing index over."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import insert, text

from sportello import scheduler
from sportello.actions.search_index import do_index_new_messages
from sportello.reports import search
from sportello.storage.migrate import upgrade
from sportello.storage.tables import messages
from sportello.storage.write_turns import Lane
from tests.conftest import World


async def found(world: World, words: str) -> list[int]:
    ann = await world.agent("ann")
    page = (await ann.http.get("/api/reports/contacts", params={"q": words})).json()
    return [item["id"] for item in page["items"]]


async def test_messages_are_searchable_at_once_and_indexed_in_batches(
    sqlite_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = sqlite_world
    agent, _console, visitor, _widget = await world.assigned_chat()
    await visitor.say("un café crème, s'il vous plaît")
    await agent.say(visitor.contact_id, "coming right up")
    ctx = world.app.ctx
    async with ctx.db.read() as conn:
        triggers = (
            await conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        ).scalars()
        assert list(triggers) == ["messages_fts_delete"], "nothing indexes inside a send"

    # Whether or not the scheduler's batch ran yet, the words are found, both ways.
    assert await found(world, "crème") == [visitor.contact_id]
    with monkeypatch.context() as common:
        common.setattr(search, "RARE", 0)  # tested contact by contact
        assert await found(world, "crème") == [visitor.contact_id]
        assert await found(world, "thé") == []
    await do_index_new_messages(ctx)
    assert await do_index_new_messages(ctx) == 0, "everything is indexed once"
    async with ctx.db.read() as conn:
        position = await conn.scalar(text("SELECT message_id FROM messages_fts_position"))
        assert position == await conn.scalar(text("SELECT max(id) FROM messages"))
        indexed = await conn.scalar(text("SELECT count(*) FROM messages_fts_docsize"))
        assert indexed == await conn.scalar(text("SELECT count(*) FROM messages"))
    async with ctx.db.write() as conn:
        await conn.execute(
            text("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
        )
    # Only the FTS index folds accents ("creme" is not a substring of "crème"): it was used.
    assert await found(world, "creme") == [visitor.contact_id]
    monkeypatch.setattr(search, "RARE", 0)
    assert await found(world, "creme") == [visitor.contact_id]


class ChattyDatabase:
    """The database as the indexer sees it while a chat goes on: a message is committed
    just before each of the first ``chatty`` index transactions."""

    is_sqlite = True

    def __init__(self, db: Any, contact_id: int, chatty: int = 5) -> None:
        self.db = db
        self.contact_id = contact_id
        self.chatty = chatty
        self.transactions = 0

    @asynccontextmanager
    async def write(self, lane: Lane = Lane.ONGOING) -> AsyncIterator[Any]:
        self.transactions += 1
        async with self.db.write(lane) as conn:
            if self.transactions <= self.chatty:
                await conn.execute(
                    insert(messages).values(
                        contact_id=self.contact_id, sender="visitor", text="meanwhile", created_at=0
                    )
                )
            yield conn


async def test_a_pass_stops_once_caught_up_while_the_chat_goes_on(
    sqlite_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pass indexes what was there when it caught up; messages sent meanwhile wait for the
    next pass instead of each costing a transaction of their own."""
    monkeypatch.setattr(scheduler, "SEARCH_INDEX_SECONDS", 10**9)  # only this test indexes
    world = sqlite_world
    _agent, _console, visitor, _widget = await world.assigned_chat()
    await visitor.say("hello")
    chatty = ChattyDatabase(world.app.ctx.db, visitor.contact_id)
    indexed = await do_index_new_messages(SimpleNamespace(db=chatty), batch=2)  # type: ignore[arg-type]
    assert (indexed, chatty.transactions) == (3, 2)
    assert await do_index_new_messages(world.app.ctx) == 0


async def test_the_migration_keeps_what_the_trigger_indexed(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(upgrade, url, "0012")
    db = sqlite3.connect(path)
    db.execute(
        "INSERT INTO messages (contact_id, sender, text, created_at) "
        "VALUES (1, 'visitor', 'the espresso machine leaks', 0)"
    )
    db.commit()
    await asyncio.to_thread(upgrade, url)
    db.execute(
        "INSERT INTO messages (contact_id, sender, text, created_at) "
        "VALUES (1, 'agent', 'which espresso model?', 1)"
    )
    db.commit()
    assert db.execute("SELECT message_id FROM messages_fts_position").fetchall() == [(1,)]
    matches = db.execute("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'espresso'")
    assert matches.fetchall() == [(1,)], "the old message stays indexed; the new one waits"
    db.close()
