"""a per-service switch for the typing preview (the agent reads the visitor's draft), and
the client key that makes a retried note one note, and a canned reply's saved file

Revision ID: 0030
Revises: 0029
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("services") as batch_op:
        batch_op.add_column(
            sa.Column("typing_preview", sa.Boolean(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("contact_notes") as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.String(64), nullable=True))
    with op.batch_alter_table("canned_replies") as batch_op:
        batch_op.add_column(sa.Column("file", sa.JSON(), nullable=True))
    op.create_index(
        "uq_contact_notes_client",
        "contact_notes",
        ["contact_id", "author_id", "client_id"],
        unique=True,
    )


def downgrade() -> None:
    with op.batch_alter_table("canned_replies") as batch_op:
        batch_op.drop_column("file")
    op.drop_index("uq_contact_notes_client", table_name="contact_notes")
    with op.batch_alter_table("contact_notes") as batch_op:
        batch_op.drop_column("client_id")
    with op.batch_alter_table("services") as batch_op:
        batch_op.drop_column("typing_preview")
