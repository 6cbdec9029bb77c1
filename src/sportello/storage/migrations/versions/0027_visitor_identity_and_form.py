"""visitor identity and pre-chat form: the service's identity secret and form, and what a
contact was told (the verified user id, the form's answers)

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
    # Plain ADD COLUMN (no table copy): the contacts table is the biggest there is.
    op.add_column("services", sa.Column("identity_secret", sa.String(64), nullable=True))
    op.add_column(
        "services",
        sa.Column("prechat_fields", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )
    op.add_column(
        "services", sa.Column("privacy_url", sa.Text(), nullable=False, server_default="")
    )
    op.add_column("contacts", sa.Column("verified_user_id", sa.String(200), nullable=True))
    op.add_column("contacts", sa.Column("prechat", sa.JSON(), nullable=True))
    op.create_index(
        "ix_contacts_verified_user", "contacts", ["service_id", "verified_user_id", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_contacts_verified_user", table_name="contacts")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("prechat")
        batch.drop_column("verified_user_id")
    with op.batch_alter_table("services") as batch:
        batch.drop_column("privacy_url")
        batch.drop_column("prechat_fields")
        batch.drop_column("identity_secret")
