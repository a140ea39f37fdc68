"""floods: intakes marked as arrived in a burst, and notifications folded into digests

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("intakes") as table:
        table.add_column(
            sa.Column("burst", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("outbox") as table:
        table.add_column(sa.Column("kind", sa.String(length=32), nullable=True))
        table.add_column(sa.Column("hour", sa.DateTime(), nullable=True))
        table.add_column(sa.Column("digest_key", sa.String(length=300), nullable=True))
        table.add_column(sa.Column("digest_counts", sa.Text(), nullable=True))
        table.create_unique_constraint("uq_outbox_digest_key", ["digest_key"])
        table.create_index("ix_outbox_hour", ["hour"])


def downgrade() -> None:
    with op.batch_alter_table("outbox") as table:
        table.drop_index("ix_outbox_hour")
        table.drop_constraint("uq_outbox_digest_key", type_="unique")
        for column in ("digest_counts", "digest_key", "hour", "kind"):
            table.drop_column(column)
    with op.batch_alter_table("intakes") as table:
        table.drop_column("burst")
