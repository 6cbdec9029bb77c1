"""search: index messages for full-text search in batches, not by a trigger in every send

SQLite only: drops the insert trigger, records how far the FTS5 index goes (every message
so far: the trigger indexed them) and limits the delete trigger to indexed messages.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

from alembic import op

from sportello.storage.tables import MESSAGES_FTS_SQLITE

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS messages_fts_insert")
    op.execute("DROP TRIGGER IF EXISTS messages_fts_delete")
    for statement in MESSAGES_FTS_SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages "
        "WHERE id > (SELECT message_id FROM messages_fts_position)"
    )
    op.execute("DROP TRIGGER IF EXISTS messages_fts_delete")
    op.execute("DROP TABLE messages_fts_position")
    op.execute(
        "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
        "INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text); END"
    )
    op.execute(
        "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
        "INSERT INTO messages_fts(messages_fts, rowid, text) "
        "VALUES ('delete', old.id, old.text); END"
    )
