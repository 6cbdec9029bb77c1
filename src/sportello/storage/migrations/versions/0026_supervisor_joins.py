"""supervisor barge-in and take-over: who joined a conversation, and take-over legs

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supervisor_joins",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "contact_id",
            BigId,
            sa.ForeignKey("contacts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id"), nullable=False),
        sa.Column("joined_at", sa.Float(), nullable=False),
        sa.Column("left_at", sa.Float(), nullable=True),
    )
    op.create_index("ix_supervisor_joins_contact", "supervisor_joins", ["contact_id", "id"])
    with op.batch_alter_table("transfers") as batch_op:
        batch_op.add_column(
            sa.Column("taken_over", sa.Boolean(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("transfers") as batch_op:
        batch_op.drop_column("taken_over")
    op.drop_index("ix_supervisor_joins_contact", "supervisor_joins")
    op.drop_table("supervisor_joins")
