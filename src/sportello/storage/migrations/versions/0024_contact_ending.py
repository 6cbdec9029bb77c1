"""contact ending: ratings, the e-mail outbox, automatic transcripts, same-agent preference

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy): the contacts table is the biggest there is.
    op.add_column(
        "services",
        sa.Column("transcript_auto", sa.Boolean(), nullable=False, server_default="0"),
    )
    op.add_column("contacts", sa.Column("prefer_agent_id", sa.Integer(), nullable=True))
    op.add_column("contacts", sa.Column("prefer_until", sa.Float(), nullable=True))
    op.create_index("ix_contacts_prefer_until", "contacts", ["prefer_until"])
    op.create_table(
        "contact_ratings",
        sa.Column(
            "contact_id",
            BigId,
            sa.ForeignKey("contacts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False, server_default=""),
        sa.Column("rated_at", sa.Float(), nullable=False),
    )
    op.create_table(
        "email_outbox",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column(
            "contact_id", BigId, sa.ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("to_address", sa.String(200), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("requested_by", sa.String(8), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.Float(), nullable=True),
        sa.Column("claim", sa.String(32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False, server_default=""),
        sa.Column("sent_at", sa.Float(), nullable=True),
        sa.UniqueConstraint("contact_id", "kind", name="uq_email_outbox_contact_kind"),
    )
    op.create_index("ix_email_outbox_due", "email_outbox", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_email_outbox_due", "email_outbox")
    op.drop_table("email_outbox")
    op.drop_table("contact_ratings")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_index("ix_contacts_prefer_until")
        batch.drop_column("prefer_until")
        batch.drop_column("prefer_agent_id")
    with op.batch_alter_table("services") as batch:
        batch.drop_column("transcript_auto")
