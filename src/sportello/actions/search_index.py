"""Index new messages for the reports' full-text search, off the chat's transactions.

SQLite's FTS5 index is filled in batches by the scheduler, up to a stored message id,
instead of by a trigger inside every send: a chat message's transaction stays as short as
it was before search existed, and a batch writes one index segment instead of one per
group commit. Searches cover the few messages not indexed yet (reports/search.py).
PostgreSQL keeps its GIN index in step by itself: nothing to do there.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from sportello.actions.context import Ctx
from sportello.storage.write_turns import Lane

BATCH = 500
"""Messages per transaction: short enough not to hold up the chat's commits."""

_POSITION = text("SELECT message_id FROM messages_fts_position WHERE id = 1")
_INDEX_BATCH = text(
    "INSERT INTO messages_fts (rowid, text) "
    "SELECT id, text FROM messages WHERE id > :after ORDER BY id LIMIT :batch"
)
_LAST_OF_BATCH = text(
    "SELECT max(id) FROM (SELECT id FROM messages WHERE id > :after ORDER BY id LIMIT :batch)"
)
_MOVE = text("UPDATE messages_fts_position SET message_id = :to WHERE id = 1 AND message_id = :at")


async def do_index_new_messages(ctx: Ctx, batch: int = BATCH) -> int:
    """Index every message past the stored position; returns how many were indexed."""
    if not ctx.db.is_sqlite:
        return 0
    indexed = 0
    while True:
        async with ctx.db.write(Lane.NEW) as conn:
            at = int(await conn.scalar(_POSITION) or 0)
            last = await conn.scalar(_LAST_OF_BATCH, {"after": at, "batch": batch})
            if last is None:
                return indexed
            added = await conn.execute(_INDEX_BATCH, {"after": at, "batch": batch})
            moved = await conn.execute(_MOVE, {"to": int(last), "at": at})
            if moved.rowcount != 1:
                raise RuntimeError("the search index position moved under its writer")
        count = int(added.rowcount or 0)
        indexed += count
        if count < batch:
            # Caught up: what arrives from now on waits for the next pass, so a busy chat
            # is indexed in one batch a second, not chased one small transaction at a time.
            return indexed
        await asyncio.sleep(0)  # let the chat's waiting commits go between batches
