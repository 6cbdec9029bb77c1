"""wait for a busy agent (a service's when_busy, a contact's time in the queue) and a
service's opening hours

Revision ID: 0031
Revises: 0030
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("services") as batch_op:
        batch_op.add_column(
            sa.Column("when_busy", sa.String(8), nullable=False, server_default="reject")
        )
        batch_op.add_column(
            sa.Column("queue_max_wait_seconds", sa.Integer(), nullable=False, server_default="300")
        )
        batch_op.add_column(
            sa.Column("queue_max_length", sa.Integer(), nullable=False, server_default="50")
        )
        batch_op.add_column(
            sa.Column("opening_hours", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(
            sa.Column("time_zone", sa.String(64), nullable=False, server_default="UTC")
        )
        batch_op.add_column(
            sa.Column("holidays", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(
            sa.Column("when_closed", sa.String(16), nullable=False, server_default="leave_message")
        )
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.add_column(sa.Column("queued_at", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("offered_at", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("queue_exit", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.drop_column("queue_exit")
        batch_op.drop_column("offered_at")
        batch_op.drop_column("queued_at")
    with op.batch_alter_table("services") as batch_op:
        batch_op.drop_column("when_closed")
        batch_op.drop_column("holidays")
        batch_op.drop_column("time_zone")
        batch_op.drop_column("opening_hours")
        batch_op.drop_column("queue_max_length")
        batch_op.drop_column("queue_max_wait_seconds")
        batch_op.drop_column("when_busy")
