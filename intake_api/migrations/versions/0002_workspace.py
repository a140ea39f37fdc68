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
        table.add_column(sa.Column("enrolment_hash", sa.String(length=64), nullable=True))
        table.add_column(sa.Column("enrolment_expires", sa.DateTime(), nullable=True))
        table.create_unique_constraint("uq_coordinators_enrolment_hash", ["enrolment_hash"])
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
    op.create_table(
        "contact_proposals",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("serves", sa.String(length=32), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("hours", sa.String(length=200), nullable=True),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("source_title", sa.String(length=200), nullable=False),
        sa.Column("source_date", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("hour", sa.DateTime(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_contact_proposals_municipality_code", "contact_proposals", ["municipality_code"]
    )
    op.create_index("ix_contact_proposals_hour", "contact_proposals", ["hour"])


def downgrade() -> None:
    op.drop_table("contact_proposals")
    op.drop_table("audit_events")
    op.drop_table("recovery_codes")
    with op.batch_alter_table("intakes") as table:
        table.drop_column("outcome")
    with op.batch_alter_table("sessions") as table:
        for column in ("pending_totp", "enrolling", "last_seen"):
            table.drop_column(column)
    with op.batch_alter_table("coordinators") as table:
        table.drop_constraint("uq_coordinators_enrolment_hash", type_="unique")
        for column in (
            "enrolment_expires",
            "enrolment_hash",
            "locked_until",
            "next_login_at",
            "failed_logins",
            "totp_last_step",
            "totp_wrapped",
        ):
            table.drop_column(column)
