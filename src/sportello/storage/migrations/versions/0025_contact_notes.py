"""contact notes: agents' private notes, supervisors' whispers, and the @mentions in them

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_notes",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "contact_id", BigId, sa.ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("agents.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_contact_notes_contact", "contact_notes", ["contact_id"])
    op.create_table(
        "note_mentions",
        sa.Column(
            "note_id",
            BigId,
            sa.ForeignKey("contact_notes.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "contact_id", BigId, sa.ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "agent_id", sa.Integer(), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.UniqueConstraint("note_id", "agent_id", name="uq_note_mentions_note"),
    )
    op.create_index("ix_note_mentions_agent", "note_mentions", ["agent_id", "contact_id"])


def downgrade() -> None:
    op.drop_index("ix_note_mentions_agent", table_name="note_mentions")
    op.drop_table("note_mentions")
    op.drop_index("ix_contact_notes_contact", table_name="contact_notes")
    op.drop_table("contact_notes")
