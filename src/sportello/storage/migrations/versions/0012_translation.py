"""translation: per-contact translation languages, per-message translations and holds

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.add_column(sa.Column("translation", sa.JSON(), nullable=True))
    with op.batch_alter_table("messages") as batch_op:
        batch_op.add_column(sa.Column("translation_state", sa.String(8), nullable=True))
        batch_op.add_column(sa.Column("translation", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("visitor_hold_until", sa.Float(), nullable=True))
        batch_op.create_index("ix_messages_visitor_hold", ["visitor_hold_until"])


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch_op:
        batch_op.drop_index("ix_messages_visitor_hold")
        batch_op.drop_column("visitor_hold_until")
        batch_op.drop_column("translation")
        batch_op.drop_column("translation_state")
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.drop_column("translation")
