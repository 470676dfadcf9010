"""Job postings found by searches, and the queue of unanswered application questions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-01-05 00:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from jobflow.store.types import JSONType, UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_postings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("site_job_id", sa.String(255), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("company", sa.String(255), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("is_remote", sa.Boolean(), nullable=True),
        sa.Column("date_posted", sa.Date(), nullable=True),
        sa.Column("salary_min", sa.Float(), nullable=True),
        sa.Column("salary_max", sa.Float(), nullable=True),
        sa.Column("salary_interval", sa.String(16), nullable=True),
        sa.Column("salary_currency", sa.String(3), nullable=True),
        sa.Column("posting", JSONType, nullable=False),
        sa.Column("first_seen", UTCDateTime(), nullable=False),
        sa.Column("last_seen", UTCDateTime(), nullable=False),
        sa.Column("times_seen", sa.Integer(), server_default="1", nullable=False),
        sa.Column("first_run_id", sa.String(64), nullable=True),
        sa.Column("last_run_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_postings")),
        sa.UniqueConstraint("site", "site_job_id", name=op.f("uq_job_postings_site_site_job_id")),
    )
    op.create_index(op.f("ix_job_postings_first_seen"), "job_postings", ["first_seen"])
    op.create_index(op.f("ix_job_postings_last_seen"), "job_postings", ["last_seen"])
    op.create_index(op.f("ix_job_postings_company"), "job_postings", ["company"])

    op.create_table(
        "pending_questions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("question_key", sa.String(255), nullable=False),
        sa.Column("input_type", sa.String(32), nullable=False),
        sa.Column("options", JSONType, nullable=False),
        sa.Column("first_job_id", sa.String(255), nullable=True),
        sa.Column("count", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("answered", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_questions")),
        sa.UniqueConstraint("site", "question_key", name=op.f("uq_pending_questions_site_question_key")),
    )
    op.create_index(op.f("ix_pending_questions_answered"), "pending_questions", ["answered"])


def downgrade() -> None:
    op.drop_index(op.f("ix_pending_questions_answered"), table_name="pending_questions")
    op.drop_table("pending_questions")
    op.drop_index(op.f("ix_job_postings_company"), table_name="job_postings")
    op.drop_index(op.f("ix_job_postings_last_seen"), table_name="job_postings")
    op.drop_index(op.f("ix_job_postings_first_seen"), table_name="job_postings")
    op.drop_table("job_postings")
