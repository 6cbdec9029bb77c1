"""Full-text search in transcripts, one interface over two engines: SQLite's FTS5 table
``messages_fts`` (filled in batches by actions/search_index.py) and PostgreSQL's full-text
search over a GIN index (both declared in storage/tables.py).

On SQLite the messages written since the last batch (a second's worth at most, normally)
are matched word by word with LIKE, so a search never misses what was just said."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    func,
    literal_column,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.storage.tables import contacts, messages


def fts5_phrase(words: str) -> str:
    """The user's words as FTS5 terms (each quoted, so no query syntax leaks through)."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in words.split())


RARE = 2000
"""Up to this many matching messages, PostgreSQL gets the contacts' ids themselves."""


async def transcript_match(conn: AsyncConnection, words: str | None) -> ColumnElement[bool] | None:
    """A condition 'contacts.id is one whose transcript has all these words'.

    PostgreSQL cannot estimate how rare a word is: for a rare one it would walk the contacts
    newest first and test each (seconds on a million), for a common one that walk is the
    fastest. So a first query takes up to RARE matching messages: fewer means a rare word,
    and the list is given their contacts' ids; more, the subquery, which finds its first
    page at once."""
    if not words or not words.split():
        return None
    if conn.dialect.name == "sqlite":
        return contacts.c.id.in_(_sqlite_hits(words))
    hits = select(messages.c.contact_id).where(
        func.to_tsvector(literal_column("'simple'"), messages.c.text).op("@@")(
            func.plainto_tsquery(literal_column("'simple'"), words)
        )
    )
    few = (await conn.execute(hits.limit(RARE + 1))).scalars().all()
    if len(few) <= RARE:
        return contacts.c.id.in_(sorted(set(few)))
    return contacts.c.id.in_(hits)


def _sqlite_hits(words: str) -> CompoundSelect[Any]:
    indexed: Select[Any] = (
        select(literal_column("rowid"))
        .select_from(text("messages_fts"))
        .where(text("messages_fts MATCH :fts").bindparams(fts=fts5_phrase(words)))
    )
    position: Select[Any] = select(literal_column("message_id")).select_from(
        text("messages_fts_position")
    )
    return union_all(
        select(messages.c.contact_id).where(messages.c.id.in_(indexed)),
        select(messages.c.contact_id).where(
            messages.c.id > position.scalar_subquery(),
            *(messages.c.text.contains(word, autoescape=True) for word in words.split()),
        ),
    )
