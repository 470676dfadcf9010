"""The scheduler's tables: schedules, occurrences, the scheduler lease, decision events, set-aside jobs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-02 00:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from jobflow.store.types import JSONType, UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("id", sa.String(255), nullable=False),
        sa.Column("workflow", sa.String(255), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("trigger", JSONType, nullable=False),
        sa.Column("trigger_hash", sa.String(64), nullable=False),
        sa.Column("next_fire_time", UTCDateTime(), nullable=True),
        sa.Column("overlap", sa.String(16), server_default="skip", nullable=False),
        sa.Column("max_instances", sa.Integer(), server_default="1", nullable=False),
        sa.Column("misfire_grace", sa.Float(), nullable=False),
        sa.Column("catch_up", sa.String(16), server_default="coalesce", nullable=False),
        sa.Column("catch_up_max", sa.Integer(), server_default="1", nullable=False),
        sa.Column("retry", JSONType, nullable=True),
        sa.Column("state", sa.String(16), server_default="active", nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
    )
    op.create_index(op.f("ix_schedules_workflow"), "schedules", ["workflow"])
    op.create_index(op.f("ix_schedules_state_next_fire_time"), "schedules", ["state", "next_fire_time"])

    op.create_table(
        "occurrences",
        sa.Column("id", sa.String(255), nullable=False),
        sa.Column("schedule_id", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), server_default="workflow", nullable=False),
        sa.Column("fire_time", UTCDateTime(), nullable=False),
        sa.Column("not_before", UTCDateTime(), nullable=False),
        sa.Column("grace", sa.Float(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempt", sa.Integer(), server_default="0", nullable=False),
        sa.Column("missed_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("owner", sa.String(255), nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("run_id", sa.String(64), nullable=True),
        sa.Column("coalesced_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("coalesced_first", UTCDateTime(), nullable=True),
        sa.Column("coalesced_last", UTCDateTime(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occurrences")),
        sa.UniqueConstraint("schedule_id", "fire_time", name=op.f("uq_occurrences_schedule_id_fire_time")),
    )
    op.create_index(op.f("ix_occurrences_schedule_id_state"), "occurrences", ["schedule_id", "state"])
    op.create_index(op.f("ix_occurrences_state_not_before"), "occurrences", ["state", "not_before"])
    op.create_index(op.f("ix_occurrences_state_lease_until"), "occurrences", ["state", "lease_until"])

    op.create_table(
        "scheduler_lease",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(255), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
        sa.Column("acquired_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_lease")),
    )

    op.create_table(
        "scheduler_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("schedule_id", sa.String(255), nullable=True),
        sa.Column("occurrence_id", sa.String(255), nullable=True),
        sa.Column("run_id", sa.String(64), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("data", JSONType, nullable=False),
        sa.Column("notify", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("notified_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduler_events")),
    )
    op.create_index(op.f("ix_scheduler_events_at"), "scheduler_events", ["at"])
    op.create_index(op.f("ix_scheduler_events_kind"), "scheduler_events", ["kind"])
    op.create_index(op.f("ix_scheduler_events_occurrence_id"), "scheduler_events", ["occurrence_id"])
    op.create_index(op.f("ix_scheduler_events_notify"), "scheduler_events", ["notify"])

    op.create_table(
        "scheduler_set_aside",
        sa.Column("job_id", sa.String(255), nullable=False),
        sa.Column("jobstore_table", sa.String(255), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("first_seen", UTCDateTime(), nullable=False),
        sa.Column("last_seen", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_scheduler_set_aside")),
    )


def downgrade() -> None:
    op.drop_table("scheduler_set_aside")
    op.drop_index(op.f("ix_scheduler_events_notify"), table_name="scheduler_events")
    op.drop_index(op.f("ix_scheduler_events_occurrence_id"), table_name="scheduler_events")
    op.drop_index(op.f("ix_scheduler_events_kind"), table_name="scheduler_events")
    op.drop_index(op.f("ix_scheduler_events_at"), table_name="scheduler_events")
    op.drop_table("scheduler_events")
    op.drop_table("scheduler_lease")
    op.drop_index(op.f("ix_occurrences_state_lease_until"), table_name="occurrences")
    op.drop_index(op.f("ix_occurrences_state_not_before"), table_name="occurrences")
    op.drop_index(op.f("ix_occurrences_schedule_id_state"), table_name="occurrences")
    op.drop_table("occurrences")
    op.drop_index(op.f("ix_schedules_state_next_fire_time"), table_name="schedules")
    op.drop_index(op.f("ix_schedules_workflow"), table_name="schedules")
    op.drop_table("schedules")
