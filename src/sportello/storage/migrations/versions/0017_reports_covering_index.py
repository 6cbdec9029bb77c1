"""reports: an index holding every column the overview reads, so a period is read from it alone

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

COLUMNS = [
    "created_at",
    "service_id",
    "agent_id",
    "outcome",
    "requeued_at",
    "assigned_at",
    "closed_at",
]


def upgrade() -> None:
    op.create_index("ix_contacts_report", "contacts", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_contacts_report", table_name="contacts")
