"""a service's retention: contacts ended more than N days ago are removed (0: kept)

Revision ID: 0027
Revises: 0026
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("services") as batch_op:
        batch_op.add_column(
            sa.Column("retention_days", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_index("ix_contacts_closed", "contacts", ["service_id", "closed_at"])


def downgrade() -> None:
    op.drop_index("ix_contacts_closed", "contacts")
    with op.batch_alter_table("services") as batch_op:
        batch_op.drop_column("retention_days")
