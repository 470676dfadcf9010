"""Tables of applications and their reminders (migration ``0003``).

``reminder_executions`` makes firing exactly-once: one row per ``(reminder_id, fire_time)``, inserted in the
same transaction that moves the reminder to ``fired`` (or ``missed``); a second attempt for the same fire
time finds the row and does nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jobflow.store.models.base import Base
from jobflow.store.types import JSONType, UTCDateTime

__all__ = ["Application", "ReminderExecution", "ReminderJob"]


class Application(Base):
    """One job applied to (or planned): the posting it refers to, its status and the dated history."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("site", "site_job_id"),
        Index(None, "status"),
        Index(None, "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site: Mapped[str | None] = mapped_column(String(64))
    site_job_id: Mapped[str | None] = mapped_column(String(255))
    """The site's own id of the posting (``JobPosting.native_id``); with ``site`` it names the posting."""
    title: Mapped[str] = mapped_column(Text)
    company: Mapped[str | None] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    """Every status change, oldest first: ``{"status", "at" (ISO 8601), "note"}``."""
    notes: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(255))
    """``cli`` or ``run:<run id>``."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReminderJob(Base):
    """A reminder of one application; ``id`` is ``reminder:<application id>:<type>``."""

    __tablename__ = "reminder_jobs"
    __table_args__ = (Index(None, "state", "due_at"), Index(None, "application_id"))

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    application_id: Mapped[int] = mapped_column(Integer, ForeignKey("applications.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(32))
    retry_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """How often the reminder was missed and rescheduled (the scheduler's missed-run policy reads it)."""
    created_by: Mapped[str] = mapped_column(String(255))
    """``cli`` or ``run:<run id>``."""
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReminderExecution(Base):
    """What happened at one fire time of a reminder: ``fired`` or ``missed``; at most one row per time."""

    __tablename__ = "reminder_executions"
    __table_args__ = (UniqueConstraint("reminder_id", "fire_time"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reminder_id: Mapped[str] = mapped_column(String(255), ForeignKey("reminder_jobs.id", ondelete="CASCADE"))
    fire_time: Mapped[datetime] = mapped_column(UTCDateTime)
    executed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text)
