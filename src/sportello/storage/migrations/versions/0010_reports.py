"""reports: full-text search of transcripts, contacts listed by time

SQLite gets an FTS5 table over messages.text kept by triggers (filled from the messages
already there); PostgreSQL a GIN index over to_tsvector('simple', text).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

# The search objects as this revision made them (tables.py has today's; 0016 changed them).
MESSAGES_FTS_SQLITE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5("
    "text, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS messages_fts_insert AFTER INSERT ON messages BEGIN "
    "INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS messages_fts_delete AFTER DELETE ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
)

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_contacts_created", "contacts", ["created_at", "id"])
    if op.get_bind().dialect.name == "sqlite":
        for statement in MESSAGES_FTS_SQLITE:
            op.execute(statement)
        op.execute("INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')")
    else:
        op.execute(
            "CREATE INDEX ix_messages_fts ON messages USING gin (to_tsvector('simple', text))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS messages_fts_insert")
        op.execute("DROP TRIGGER IF EXISTS messages_fts_delete")
        op.execute("DROP TABLE IF EXISTS messages_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_messages_fts")
    op.drop_index("ix_contacts_created", table_name="contacts")
