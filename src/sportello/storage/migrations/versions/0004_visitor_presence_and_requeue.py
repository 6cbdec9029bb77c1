"""Visitor presence timers, hand-back to the queue, and who is waiting blocked by capacity

contacts.visitor_link counts the visitor's connections so a late close never overrides a
newer connect; visitor_left_at/visitor_gone_at are the departure and its grace deadline;
requeued_at marks a contact handed back to the queue; blocked_for lists the agents who
qualify for a waiting contact but are at their limit.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.add_column(
            sa.Column("visitor_link", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("visitor_left_at", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("visitor_gone_at", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("visitor_navigating", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("requeued_at", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("blocked_for", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )
        batch_op.create_index("ix_contacts_visitor_gone", ["visitor_gone_at"])


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.drop_index("ix_contacts_visitor_gone")
        for column in (
            "blocked_for",
            "requeued_at",
            "visitor_navigating",
            "visitor_gone_at",
            "visitor_left_at",
            "visitor_link",
        ):
            batch_op.drop_column(column)
