"""the coordinators' workspace: second factor, login throttling, idle sessions, recovery codes,
an outcome when closed, and the audit trail

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coordinators") as table:
        table.add_column(sa.Column("totp_wrapped", sa.LargeBinary(length=128), nullable=True))
        table.add_column(
            sa.Column("totp_last_step", sa.Integer(), nullable=False, server_default="0")
        )
        table.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        table.add_column(sa.Column("next_login_at", sa.DateTime(), nullable=True))
        table.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
    with op.batch_alter_table("sessions") as table:
        table.add_column(sa.Column("last_seen", sa.DateTime(), nullable=True))
        table.add_column(
            sa.Column("enrolling", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        table.add_column(sa.Column("pending_totp", sa.LargeBinary(length=128), nullable=True))
    with op.batch_alter_table("intakes") as table:
        table.add_column(sa.Column("outcome", sa.String(length=16), nullable=True))
    op.create_table(
        "recovery_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("coordinator_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["coordinator_id"], ["coordinators.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code_hash"),
    )
    op.create_index("ix_recovery_codes_coordinator_id", "recovery_codes", ["coordinator_id"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=True),
        sa.Column("detail", sa.String(length=64), nullable=True),
        sa.Column("hour", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_events_username", "audit_events", ["username"])
    op.create_index("ix_audit_events_reference", "audit_events", ["reference"])
    op.create_index("ix_audit_events_hour", "audit_events", ["hour"])


def downgrade() -> None:
    op.drop_table("audit_events")
    op.drop_table("recovery_codes")
    with op.batch_alter_table("intakes") as table:
        table.drop_column("outcome")
    with op.batch_alter_table("sessions") as table:
        for column in ("pending_totp", "enrolling", "last_seen"):
            table.drop_column(column)
    with op.batch_alter_table("coordinators") as table:
        for column in (
            "locked_until",
            "next_login_at",
            "failed_logins",
            "totp_last_step",
            "totp_wrapped",
        ):
            table.drop_column(column)
