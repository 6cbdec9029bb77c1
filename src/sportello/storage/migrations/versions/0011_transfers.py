"""transfers: transfer groups, one row per transfer leg, the contact's transfer timer

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "transfer_groups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("match_all", sa.Boolean(), nullable=False, server_default="0"),
        sa.Column("priority", sa.Integer(), nullable=False, server_default="15"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_groups")),
        sa.UniqueConstraint("name", name=op.f("uq_transfer_groups_name")),
    )
    op.create_table(
        "transfers",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "contact_id",
            BigId,
            sa.ForeignKey(
                "contacts.id", ondelete="CASCADE", name="fk_transfers_contact_id_contacts"
            ),
            nullable=False,
        ),
        sa.Column(
            "from_agent_id",
            sa.Integer(),
            sa.ForeignKey("agents.id", name="fk_transfers_from_agent_id_agents"),
            nullable=False,
        ),
        sa.Column(
            "to_agent_id",
            sa.Integer(),
            sa.ForeignKey("agents.id", name="fk_transfers_to_agent_id_agents"),
            nullable=True,
        ),
        sa.Column(
            "group_id",
            sa.Integer(),
            sa.ForeignKey(
                "transfer_groups.id",
                ondelete="SET NULL",
                name="fk_transfers_group_id_transfer_groups",
            ),
            nullable=True,
        ),
        sa.Column("group_name", sa.String(120), nullable=False, server_default=""),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("rejected_by", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
        sa.Column(
            "accepted_by",
            sa.Integer(),
            sa.ForeignKey("agents.id", name="fk_transfers_accepted_by_agents"),
            nullable=True,
        ),
        sa.Column("requested_at", sa.Float(), nullable=False),
        sa.Column("due_at", sa.Float(), nullable=False),
        sa.Column("ended_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
    )
    op.create_index("ix_transfers_contact", "transfers", ["contact_id", "id"])
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.add_column(sa.Column("transfer_due_at", sa.Float(), nullable=True))
        batch_op.create_index("ix_contacts_transfer_due", ["transfer_due_at"])


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.drop_index("ix_contacts_transfer_due")
        batch_op.drop_column("transfer_due_at")
    op.drop_index("ix_transfers_contact", table_name="transfers")
    op.drop_table("transfers")
    op.drop_table("transfer_groups")
