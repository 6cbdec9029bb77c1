"""visitor identity, pre-chat form and invitations: the service's identity secret, form and
invitation rules, what a contact was told (the verified user id, the form's answers), and
the invitations shown and accepted

Revision ID: 0029
Revises: 0028
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0029"
down_revision = "0028"
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
    op.add_column(
        "services",
        sa.Column("invitations", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )
    op.create_table(
        "invitation_events",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "service_id",
            sa.Integer(),
            sa.ForeignKey("services.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("rule", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("visitor_id", sa.String(64), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
    )
    op.create_index("ix_invitation_events_at", "invitation_events", ["at", "service_id"])
    op.add_column("contacts", sa.Column("verified_user_id", sa.String(200), nullable=True))
    op.add_column("contacts", sa.Column("prechat", sa.JSON(), nullable=True))
    op.create_index(
        "ix_contacts_verified_user", "contacts", ["service_id", "verified_user_id", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_contacts_verified_user", table_name="contacts")
    op.drop_index("ix_invitation_events_at", table_name="invitation_events")
    op.drop_table("invitation_events")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("prechat")
        batch.drop_column("verified_user_id")
    with op.batch_alter_table("services") as batch:
        batch.drop_column("invitations")
        batch.drop_column("privacy_url")
        batch.drop_column("prechat_fields")
        batch.drop_column("identity_secret")
