"""services.immediate_redirect and services.saved_links: the data-sharing channel

Revision ID: 0009
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("services") as batch_op:
        batch_op.add_column(
            sa.Column("immediate_redirect", sa.Boolean(), server_default="1", nullable=False)
        )
        batch_op.add_column(
            sa.Column("saved_links", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("services") as batch_op:
        batch_op.drop_column("saved_links")
        batch_op.drop_column("immediate_redirect")
