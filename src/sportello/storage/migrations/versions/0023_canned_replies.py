"""canned replies: per-service and personal replies, and each use of one in a sent message

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "service_id",
            sa.Integer(),
            sa.ForeignKey("services.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column(
            "agent_id", sa.Integer(), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("shortcut", sa.String(32), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("link_url", sa.String(2048), nullable=False, server_default=""),
        sa.UniqueConstraint("service_id", "shortcut", name="uq_canned_replies_service"),
        sa.UniqueConstraint("agent_id", "shortcut", name="uq_canned_replies_agent"),
    )
    op.create_table(
        "canned_reply_uses",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "reply_id",
            sa.Integer(),
            sa.ForeignKey("canned_replies.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "contact_id",
            BigId,
            sa.ForeignKey("contacts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("message_id", BigId, nullable=False),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id"), nullable=False),
        sa.Column("used_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_canned_reply_uses_contact", "canned_reply_uses", ["contact_id"])


def downgrade() -> None:
    op.drop_index("ix_canned_reply_uses_contact", "canned_reply_uses")
    op.drop_table("canned_reply_uses")
    op.drop_table("canned_replies")
