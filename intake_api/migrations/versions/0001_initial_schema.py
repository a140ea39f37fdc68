"""initial schema

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coordinators",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("is_fallback", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("kdf_salt", sa.LargeBinary(length=16), nullable=False),
        sa.Column("kdf_time_cost", sa.Integer(), nullable=False),
        sa.Column("kdf_memory_kib", sa.Integer(), nullable=False),
        sa.Column("password_verifier", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("wrapped_private_key", sa.LargeBinary(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("window", sa.DateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", "window"),
    )
    op.create_table(
        "intakes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("concern", sa.String(length=32), nullable=False),
        sa.Column("age_group", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("contact_method", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("receipt_lookup", sa.String(length=64), nullable=False),
        sa.Column("receipt_wrapped_key", sa.LargeBinary(length=128), nullable=False),
        sa.Column("sealed_phone", sa.LargeBinary(), nullable=True),
        sa.Column("created_hour", sa.DateTime(), nullable=False),
        sa.Column("expires_hour", sa.DateTime(), nullable=False),
        sa.Column("reminder_sent", sa.Boolean(), nullable=False),
        sa.Column("retention_warning_sent", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("receipt_lookup"),
        sa.UniqueConstraint("reference"),
    )
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intakes_created_hour"), ["created_hour"], unique=False)
        batch_op.create_index(batch_op.f("ix_intakes_expires_hour"), ["expires_hour"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_intakes_municipality_code"), ["municipality_code"], unique=False
        )

    op.create_table(
        "spent_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("spent_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_spent_tokens_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "assignments",
        sa.Column("coordinator_id", sa.String(length=32), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.ForeignKeyConstraint(["coordinator_id"], ["coordinators.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("coordinator_id", "municipality_code"),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignments_municipality_code"), ["municipality_code"], unique=False
        )

    op.create_table(
        "intake_keys",
        sa.Column("intake_id", sa.String(length=32), nullable=False),
        sa.Column("coordinator_id", sa.String(length=32), nullable=False),
        sa.Column("sealed_key", sa.LargeBinary(length=128), nullable=False),
        sa.ForeignKeyConstraint(["coordinator_id"], ["coordinators.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["intake_id"], ["intakes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("intake_id", "coordinator_id"),
    )
    with op.batch_alter_table("intake_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intake_keys_coordinator_id"), ["coordinator_id"], unique=False
        )

    op.create_table(
        "messages",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("intake_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=16), nullable=False),
        sa.Column("sealed_body", sa.LargeBinary(), nullable=False),
        sa.Column("created_hour", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["intake_id"], ["intakes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_messages_intake_id"), ["intake_id"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("intake_id", sa.String(length=32), nullable=True),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("sent", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["intake_id"], ["intakes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_intake_id"), ["intake_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outbox_next_attempt_at"), ["next_attempt_at"], unique=False
        )

    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("coordinator_id", sa.String(length=32), nullable=False),
        sa.Column("wrapped_private_key", sa.LargeBinary(length=128), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["coordinator_id"], ["coordinators.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sessions_coordinator_id"), ["coordinator_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_coordinator_id"))

    op.drop_table("sessions")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_outbox_intake_id"))

    op.drop_table("outbox")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messages_intake_id"))

    op.drop_table("messages")
    with op.batch_alter_table("intake_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_keys_coordinator_id"))

    op.drop_table("intake_keys")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_municipality_code"))

    op.drop_table("assignments")
    with op.batch_alter_table("spent_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spent_tokens_expires_at"))

    op.drop_table("spent_tokens")
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intakes_municipality_code"))
        batch_op.drop_index(batch_op.f("ix_intakes_expires_hour"))
        batch_op.drop_index(batch_op.f("ix_intakes_created_hour"))

    op.drop_table("intakes")
    op.drop_table("counters")
    op.drop_table("coordinators")
