"""nodes: each process's heartbeat, and the node holding a visitor's newest connection

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nodes",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=False),
        sa.Column("heartbeat_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_nodes"),
    )
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.add_column(sa.Column("visitor_node", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_contacts_visitor_node", ["visitor_node"])


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.drop_index("ix_contacts_visitor_node")
        batch_op.drop_column("visitor_node")
    op.drop_table("nodes")
