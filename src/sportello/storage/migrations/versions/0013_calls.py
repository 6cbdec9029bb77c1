"""calls: voice/video calls on a contact (state machine in domain/calls.py)

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "contact_id",
            BigId,
            sa.ForeignKey("contacts.id", ondelete="CASCADE", name="fk_calls_contact_id_contacts"),
            nullable=False,
        ),
        sa.Column(
            "agent_id",
            sa.Integer(),
            sa.ForeignKey("agents.id", name="fk_calls_agent_id_agents"),
            nullable=False,
        ),
        sa.Column("started_by", sa.String(8), nullable=False),
        sa.Column("requested", sa.String(8), nullable=False),
        sa.Column("media", sa.String(8), nullable=True),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("agent_session", sa.String(32), nullable=True),
        sa.Column("visitor_link", sa.Integer(), nullable=True),
        sa.Column("offered_at", sa.Float(), nullable=False),
        sa.Column("answered_at", sa.Float(), nullable=True),
        sa.Column("connected_at", sa.Float(), nullable=True),
        sa.Column("ended_at", sa.Float(), nullable=True),
        sa.Column("ended_by", sa.String(8), nullable=True),
        sa.Column("end_reason", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
    )
    op.create_index("ix_calls_contact", "calls", ["contact_id", "id"])
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.add_column(sa.Column("live_call_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("visitor_media", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.drop_column("visitor_media")
        batch_op.drop_column("live_call_id")
    op.drop_index("ix_calls_contact", table_name="calls")
    op.drop_table("calls")
