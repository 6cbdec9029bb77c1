"""Full-text search in transcripts, one interface over two engines: SQLite's FTS5 table
``messages_fts`` (kept by triggers) and PostgreSQL's full-text search over a GIN index
(both declared in storage/tables.py)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, literal_column, select, text

from sportello.storage.tables import contacts, messages


def fts5_phrase(words: str) -> str:
    """The user's words as FTS5 terms (each quoted, so no query syntax leaks through)."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in words.split())


def contacts_matching(words: str, dialect: str) -> ColumnElement[bool] | None:
    """A condition 'contacts.id is one whose transcript has all these words'."""
    if not words.split():
        return None
    if dialect == "sqlite":
        hits = select(messages.c.contact_id).where(
            messages.c.id.in_(
                select(literal_column("rowid"))
                .select_from(text("messages_fts"))
                .where(text("messages_fts MATCH :fts").bindparams(fts=fts5_phrase(words)))
            )
        )
    else:
        hits = select(messages.c.contact_id).where(
            func.to_tsvector(literal_column("'simple'"), messages.c.text).op("@@")(
                func.plainto_tsquery(literal_column("'simple'"), words)
            )
        )
    return contacts.c.id.in_(hits)
