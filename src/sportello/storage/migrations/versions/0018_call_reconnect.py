"""calls: a deadline per party whose connection in the call went away (call reconnect grace)

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch_op:
        batch_op.add_column(sa.Column("agent_gone_at", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("visitor_gone_at", sa.Float(), nullable=True))
        batch_op.create_index("ix_calls_agent_gone", ["agent_gone_at"])
        batch_op.create_index("ix_calls_visitor_gone", ["visitor_gone_at"])


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch_op:
        batch_op.drop_index("ix_calls_visitor_gone")
        batch_op.drop_index("ix_calls_agent_gone")
        batch_op.drop_column("visitor_gone_at")
        batch_op.drop_column("agent_gone_at")
