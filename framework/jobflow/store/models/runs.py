"""Tables of workflow runs and their step attempts (migration ``0001``).

``step_runs.iteration`` is ``-1`` (:data:`NO_ITERATION`) for a step outside ``for_each``: a NULL would make
the unique key ``(run_id, step_id, iteration, attempt)`` useless, since NULLs never collide. The repository
maps it to ``None`` and back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jobflow.store.models.base import Base
from jobflow.store.types import JSONType, UTCDateTime

__all__ = ["NO_ITERATION", "StepRun", "WorkflowRun"]

NO_ITERATION = -1
"""Stored in ``step_runs.iteration`` for a step that is not one iteration of a ``for_each``."""


class WorkflowRun(Base):
    """One run (one attempt of one occurrence) of a workflow."""

    __tablename__ = "workflow_runs"
    __table_args__ = (
        Index(None, "status"),
        Index(None, "workflow", "started_at"),
        Index(None, "heartbeat_at"),
        Index(None, "occurrence_id"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    workflow: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))
    trigger: Mapped[str] = mapped_column(String(255))
    attempt: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    occurrence_id: Mapped[str | None] = mapped_column(String(255))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSONType)
    """The run's inputs, secrets already redacted."""
    owner: Mapped[str] = mapped_column(String(255), default="", server_default="")
    """Who executes the run (host, pid, boot id, start token): zombie detection checks it is alive."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error_class: Mapped[str | None] = mapped_column(String(255))
    error_message: Mapped[str | None] = mapped_column(Text)
    outputs: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    """A redacted, size-bounded summary of what the run produced."""


class StepRun(Base):
    """One attempt of one step (one iteration inside ``for_each``) of a run."""

    __tablename__ = "step_runs"
    __table_args__ = (UniqueConstraint("run_id", "step_id", "iteration", "attempt"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64), ForeignKey("workflow_runs.id", ondelete="CASCADE"))
    step_id: Mapped[str] = mapped_column(String(255))
    uses: Mapped[str] = mapped_column(String(255))
    iteration: Mapped[int] = mapped_column(Integer, default=NO_ITERATION, server_default=str(NO_ITERATION))
    attempt: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error_class: Mapped[str | None] = mapped_column(String(255))
    error_message: Mapped[str | None] = mapped_column(Text)
    outputs: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    artifacts: Mapped[list[str]] = mapped_column(JSONType)
    """Paths of files the attempt left (screenshot, HTML), relative to the jobflow home."""
    will_retry_in: Mapped[float | None] = mapped_column(Float)
