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

from sportello.storage.tables import contacts, messages


def fts5_phrase(words: str) -> str:
    """The user's words as FTS5 terms (each quoted, so no query syntax leaks through)."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in words.split())


def contacts_matching(words: str, dialect: str) -> ColumnElement[bool] | None:
    """A condition 'contacts.id is one whose transcript has all these words'."""
    if not words.split():
        return None
    if dialect == "sqlite":
        indexed: Select[Any] = (
            select(literal_column("rowid"))
            .select_from(text("messages_fts"))
            .where(text("messages_fts MATCH :fts").bindparams(fts=fts5_phrase(words)))
        )
        position: Select[Any] = select(literal_column("message_id")).select_from(
            text("messages_fts_position")
        )
        hits: Select[Any] | CompoundSelect[Any] = union_all(
            select(messages.c.contact_id).where(messages.c.id.in_(indexed)),
            select(messages.c.contact_id).where(
                messages.c.id > position.scalar_subquery(),
                *(messages.c.text.contains(word, autoescape=True) for word in words.split()),
            ),
        )
    else:
        hits = select(messages.c.contact_id).where(
            func.to_tsvector(literal_column("'simple'"), messages.c.text).op("@@")(
                func.plainto_tsquery(literal_column("'simple'"), words)
            )
        )
    return contacts.c.id.in_(hits)
