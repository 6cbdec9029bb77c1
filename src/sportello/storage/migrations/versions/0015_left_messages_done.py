"""left messages done: who marked a left message as handled, and when

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("left_messages") as batch_op:
        batch_op.add_column(sa.Column("done_at", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "done_by",
                sa.Integer(),
                sa.ForeignKey("agents.id", name=op.f("fk_left_messages_done_by_agents")),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("left_messages") as batch_op:
        batch_op.drop_column("done_by")
        batch_op.drop_column("done_at")
