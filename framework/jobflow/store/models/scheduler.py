"""Tables of the scheduler (migration ``0002``): the durable truth behind APScheduler's timer.

- ``schedules``: one row per workflow trigger (``workflow:<name>:<n>``), its policies and next fire time.
- ``occurrences``: one row per (schedule, fire time), with a state machine
  ``pending -> claimed -> running -> succeeded | failed | missed | skipped | cancelled``; ``crashed`` and
  ``interrupted`` runs go back to ``pending`` for another attempt. Reminders are occurrences too (their
  ``schedule_id`` is the reminder id).
- ``scheduler_lease``: the single active scheduler per database (owner, lease, heartbeat).
- ``scheduler_events``: one row per scheduling decision (missed, rescheduled, gave_up, zombie, ...).
- ``scheduler_set_aside``: stored APScheduler jobs that could not be loaded, kept in place and flagged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false

from jobflow.store.models.base import Base
from jobflow.store.types import JSONType, UTCDateTime

__all__ = ["Occurrence", "Schedule", "SchedulerEvent", "SchedulerLease", "SetAsideJob"]


class Schedule(Base):
    """One trigger of one workflow, as last synced from its YAML file."""

    __tablename__ = "schedules"
    __table_args__ = (Index(None, "workflow"), Index(None, "state", "next_fire_time"))

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    workflow: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[dict[str, Any]] = mapped_column(JSONType)
    """The trigger as JSON (``{"cron": ..., "timezone": ...}``); ``trigger_hash`` detects a change."""
    trigger_hash: Mapped[str] = mapped_column(String(64))
    next_fire_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """The next fire time not yet turned into an occurrence; ``None`` once a date trigger has fired."""
    overlap: Mapped[str] = mapped_column(String(16), default="skip", server_default="skip")
    max_instances: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    misfire_grace: Mapped[float] = mapped_column(Float)
    catch_up: Mapped[str] = mapped_column(String(16), default="coalesce", server_default="coalesce")
    catch_up_max: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    retry: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    """The workflow's ``defaults.retry`` as JSON: how crashed runs are retried."""
    state: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Occurrence(Base):
    """One (schedule, fire time): claimed in a transaction before it runs, leased while it runs."""

    __tablename__ = "occurrences"
    __table_args__ = (
        UniqueConstraint("schedule_id", "fire_time"),
        Index(None, "schedule_id", "state"),
        Index(None, "state", "not_before"),
        Index(None, "state", "lease_until"),
    )

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    schedule_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16), default="workflow", server_default="workflow")
    fire_time: Mapped[datetime] = mapped_column(UTCDateTime)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    """Claimable from then on: the fire time, or a missed/crash retry's backoff."""
    grace: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(16))
    attempt: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    missed_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    owner: Mapped[str | None] = mapped_column(String(255))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    run_id: Mapped[str | None] = mapped_column(String(64))
    coalesced_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    coalesced_first: Mapped[datetime | None] = mapped_column(UTCDateTime)
    coalesced_last: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SchedulerLease(Base):
    """The one active scheduler of this database: a row per lease name (``scheduler``)."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(255))
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SchedulerEvent(Base):
    """One scheduling decision, as also logged: ``missed``, ``rescheduled``, ``gave_up``, ``zombie``, ..."""

    __tablename__ = "scheduler_events"
    __table_args__ = (Index(None, "at"), Index(None, "kind"), Index(None, "occurrence_id"), Index(None, "notify"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    schedule_id: Mapped[str | None] = mapped_column(String(255))
    occurrence_id: Mapped[str | None] = mapped_column(String(255))
    run_id: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    notify: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """The user is told about this decision: the row is handed to the notification outbox, then
    ``notified_at`` is set (written in the decision's own transaction, so a notice is never lost)."""
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SetAsideJob(Base):
    """A stored APScheduler job that could not be loaded: its row stays in the job store, flagged here."""

    __tablename__ = "scheduler_set_aside"

    job_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    jobstore_table: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
