"""Workflow runs and their step attempts.

Revision ID: 0001
Revises:
Create Date: 2026-01-01 00:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from jobflow.store.types import JSONType, UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workflow_runs",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("workflow", sa.String(255), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("trigger", sa.String(255), nullable=False),
        sa.Column("attempt", sa.Integer(), server_default="1", nullable=False),
        sa.Column("occurrence_id", sa.String(255), nullable=True),
        sa.Column("inputs", JSONType, nullable=False),
        sa.Column("owner", sa.String(255), server_default="", nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=True),
        sa.Column("error_class", sa.String(255), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("outputs", JSONType, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_runs")),
    )
    op.create_index(op.f("ix_workflow_runs_status"), "workflow_runs", ["status"])
    op.create_index(op.f("ix_workflow_runs_workflow_started_at"), "workflow_runs", ["workflow", "started_at"])
    op.create_index(op.f("ix_workflow_runs_heartbeat_at"), "workflow_runs", ["heartbeat_at"])
    op.create_index(op.f("ix_workflow_runs_occurrence_id"), "workflow_runs", ["occurrence_id"])

    op.create_table(
        "step_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("step_id", sa.String(255), nullable=False),
        sa.Column("uses", sa.String(255), nullable=False),
        sa.Column("iteration", sa.Integer(), server_default="-1", nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("error_class", sa.String(255), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("outputs", JSONType, nullable=True),
        sa.Column("artifacts", JSONType, nullable=False),
        sa.Column("will_retry_in", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["workflow_runs.id"],
            name=op.f("fk_step_runs_run_id_workflow_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_runs")),
        sa.UniqueConstraint(
            "run_id", "step_id", "iteration", "attempt", name=op.f("uq_step_runs_run_id_step_id_iteration_attempt")
        ),
    )


def downgrade() -> None:
    op.drop_table("step_runs")
    op.drop_index(op.f("ix_workflow_runs_occurrence_id"), table_name="workflow_runs")
    op.drop_index(op.f("ix_workflow_runs_heartbeat_at"), table_name="workflow_runs")
    op.drop_index(op.f("ix_workflow_runs_workflow_started_at"), table_name="workflow_runs")
    op.drop_index(op.f("ix_workflow_runs_status"), table_name="workflow_runs")
    op.drop_table("workflow_runs")
