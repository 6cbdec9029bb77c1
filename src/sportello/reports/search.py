"""Full-text search in transcripts, one interface over two engines: SQLite's FTS5 table
``messages_fts`` (filled in batches by actions/search_index.py) and PostgreSQL's full-text
search over a GIN index (both declared in storage/tables.py).

A list page wants the newest contacts whose transcript has the words. Neither engine knows
beforehand how many messages match, and the fast plan depends on it: for a rare word, take
the matches and look up their contacts; for a common one, walk the contacts newest first and
test each, which fills a page after a few dozen. Taking the other plan costs seconds on a
million contacts either way. So a first query takes up to RARE matches to tell which.

On SQLite the messages written since the last batch (a second's worth at most, normally)
are matched word by word with LIKE, so a search never misses what was just said."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    exists,
    func,
    literal_column,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.storage.tables import contacts, messages

RARE = 2000
"""Up to this many matching messages a word is rare: its matches lead to the contacts."""


def fts5_phrase(words: str) -> str:
    """The user's words as FTS5 terms (each quoted, so no query syntax leaks through)."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in words.split())


async def transcript_match(conn: AsyncConnection, words: str | None) -> ColumnElement[bool] | None:
    """A condition 'contacts.id is one whose transcript has all these words'."""
    if not words or not words.split():
        return None
    if conn.dialect.name == "sqlite":
        probe = _fts5_matches(words).limit(RARE + 1)
        if len((await conn.execute(probe)).all()) <= RARE:
            return contacts.c.id.in_(_sqlite_hits(words))
        return or_(_sqlite_any_message(words), contacts.c.id.in_(_sqlite_not_indexed(words)))
    hits = select(messages.c.contact_id).where(_pg_match(words))
    few = (await conn.execute(hits.limit(RARE + 1))).scalars().all()
    if len(few) <= RARE:
        return contacts.c.id.in_(sorted(set(few)))
    return contacts.c.id.in_(hits)


def _pg_match(words: str) -> ColumnElement[bool]:
    return func.to_tsvector(literal_column("'simple'"), messages.c.text).op("@@")(
        func.plainto_tsquery(literal_column("'simple'"), words)
    )


def _fts5_matches(words: str) -> Select[Any]:
    """The rowids (message ids) of the indexed messages with all the words."""
    return (
        select(literal_column("rowid"))
        .select_from(text("messages_fts"))
        .where(text("messages_fts MATCH :fts").bindparams(fts=fts5_phrase(words)))
    )


def _sqlite_not_indexed(words: str) -> Select[Any]:
    """The contacts of messages past the index's position that have all the words."""
    position: Select[Any] = select(literal_column("message_id")).select_from(
        text("messages_fts_position")
    )
    return select(messages.c.contact_id).where(
        messages.c.id > position.scalar_subquery(),
        *(messages.c.text.contains(word, autoescape=True) for word in words.split()),
    )


def _sqlite_hits(words: str) -> CompoundSelect[Any]:
    """Every matching message's contact: for a rare word."""
    return union_all(
        select(messages.c.contact_id).where(messages.c.id.in_(_fts5_matches(words))),
        _sqlite_not_indexed(words),
    )


def _sqlite_any_message(words: str) -> ColumnElement[bool]:
    """'One of this contact's messages matches', tested contact by contact (FTS5 seeks a
    rowid in the words' lists): for a common word."""
    mine = messages.alias("mine")
    indexed = _fts5_matches(words).where(literal_column("rowid") == mine.c.id)
    return exists(select(mine.c.id).where(mine.c.contact_id == contacts.c.id, exists(indexed)))
