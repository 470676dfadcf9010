"""Applications, their reminders and reminder executions, and the notification outbox.

Revision ID: 0003
Revises: 0002
Create Date: 2026-01-03 00:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from jobflow.store.types import JSONType, UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site", sa.String(64), nullable=True),
        sa.Column("site_job_id", sa.String(255), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("company", sa.String(255), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("applied_at", UTCDateTime(), nullable=True),
        sa.Column("status_changed_at", UTCDateTime(), nullable=False),
        sa.Column("history", JSONType, nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("site", "site_job_id", name=op.f("uq_applications_site_site_job_id")),
    )
    op.create_index(op.f("ix_applications_status"), "applications", ["status"])
    op.create_index(op.f("ix_applications_updated_at"), "applications", ["updated_at"])

    op.create_table(
        "reminder_jobs",
        sa.Column("id", sa.String(255), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("retry_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("fired_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_reminder_jobs_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_jobs")),
    )
    op.create_index(op.f("ix_reminder_jobs_state_due_at"), "reminder_jobs", ["state", "due_at"])
    op.create_index(op.f("ix_reminder_jobs_application_id"), "reminder_jobs", ["application_id"])

    op.create_table(
        "reminder_executions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reminder_id", sa.String(255), nullable=False),
        sa.Column("fire_time", UTCDateTime(), nullable=False),
        sa.Column("executed_at", UTCDateTime(), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reminder_id"],
            ["reminder_jobs.id"],
            name=op.f("fk_reminder_executions_reminder_id_reminder_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_executions")),
        sa.UniqueConstraint("reminder_id", "fire_time", name=op.f("uq_reminder_executions_reminder_id_fire_time")),
    )

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("data", JSONType, nullable=False),
        sa.Column("dedupe_key", sa.String(512), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("delivered", JSONType, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notifications_dedupe_key")),
    )
    op.create_index(op.f("ix_notifications_state_next_attempt_at"), "notifications", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_notifications_state_next_attempt_at"), table_name="notifications")
    op.drop_table("notifications")
    op.drop_table("reminder_executions")
    op.drop_index(op.f("ix_reminder_jobs_application_id"), table_name="reminder_jobs")
    op.drop_index(op.f("ix_reminder_jobs_state_due_at"), table_name="reminder_jobs")
    op.drop_table("reminder_jobs")
    op.drop_index(op.f("ix_applications_updated_at"), table_name="applications")
    op.drop_index(op.f("ix_applications_status"), table_name="applications")
    op.drop_table("applications")
