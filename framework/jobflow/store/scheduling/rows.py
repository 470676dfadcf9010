"""Plain records the scheduler tables hand over and take in (never ORM objects).

States of an occurrence::

    pending --claim--> claimed --start--> running --> succeeded | failed
       ^                  |                  |
       |                  +-- crashed / interrupted (owner died, drain timeout): back to pending,
       |                      or failed when the retries are spent
       +-- missed (late beyond grace): rescheduled after the backoff, or failed after the last
    also terminal: skipped (overlap), missed (older than the catch-up limit), cancelled (schedule removed)
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

__all__ = [
    "ACTIVE",
    "TERMINAL",
    "Claimed",
    "Decision",
    "Fire",
    "Occ",
    "ScheduleRow",
    "ScheduleSpec",
    "SyncResult",
    "as_plain",
    "occurrence_id",
]

ACTIVE = ("claimed", "running")
"""Occurrence states that hold a run slot and a lease."""
TERMINAL = ("succeeded", "failed", "missed", "skipped", "cancelled")
"""Occurrence states that never change again."""


def as_plain(record: Any) -> dict[str, Any]:
    """A dataclass record as JSON-ready data (times as ISO 8601 strings)."""
    out: dict[str, Any] = {}
    for f in fields(record):
        value = getattr(record, f.name)
        out[f.name] = value.isoformat() if isinstance(value, datetime) else value
    return out


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    """One trigger of one workflow as its file declares it: what :meth:`ScheduleStore.sync` stores.

    ``next_fire_time`` is used only for a new schedule or one whose trigger changed.
    """

    id: str
    workflow: str
    path: str
    position: int
    trigger: dict[str, Any]
    trigger_hash: str
    next_fire_time: datetime | None
    misfire_grace: float
    overlap: str = "skip"
    max_instances: int = 1
    catch_up: str = "coalesce"
    catch_up_max: int = 3
    retry: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """A stored schedule."""

    id: str
    workflow: str
    path: str
    position: int
    trigger: dict[str, Any]
    trigger_hash: str
    next_fire_time: datetime | None
    overlap: str
    max_instances: int
    misfire_grace: float
    catch_up: str
    catch_up_max: int
    retry: dict[str, Any] | None
    state: str
    error: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What a re-sync changed (schedule ids)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rows: dict[str, ScheduleRow] = field(default_factory=dict)
    """Every stored schedule once the sync committed (by id), so nobody needs to read them back."""


@dataclass(frozen=True, slots=True)
class Decision:
    """One scheduling decision: a ``scheduler_events`` row and one log line."""

    kind: str
    message: str
    schedule_id: str | None = None
    occurrence_id: str | None = None
    run_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    notify: bool = False


@dataclass(slots=True)
class Fire:
    """An occurrence to record: a fire time of a schedule (or a reminder's due time)."""

    schedule_id: str
    fire_time: datetime
    not_before: datetime
    grace: float
    kind: str = "workflow"
    state: str = "pending"
    missed_count: int = 0
    coalesced_count: int = 0
    coalesced_first: datetime | None = None
    coalesced_last: datetime | None = None
    decisions: list[Decision] = field(default_factory=list)
    check_overlap: bool = True
    """Apply the schedule's overlap policy (off for catch-up runs, which queue behind each other)."""

    @property
    def id(self) -> str:
        """Deterministic: ``<schedule id>@<fire time, UTC ISO 8601>``."""
        return occurrence_id(self.schedule_id, self.fire_time)


def occurrence_id(schedule_id: str, fire_time: datetime) -> str:
    """The id of the occurrence of ``schedule_id`` at ``fire_time``."""
    return f"{schedule_id}@{fire_time.isoformat(timespec='microseconds')}"


@dataclass(frozen=True, slots=True)
class Occ:
    """A stored occurrence."""

    id: str
    schedule_id: str
    kind: str
    fire_time: datetime
    not_before: datetime
    grace: float
    state: str
    attempt: int
    missed_count: int
    owner: str | None
    lease_until: datetime | None
    run_id: str | None
    coalesced_count: int
    coalesced_first: datetime | None
    coalesced_last: datetime | None
    error: str | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class Claimed:
    """An occurrence this scheduler claimed, with what its run needs."""

    occ: Occ
    workflow: str | None
    path: str | None
    retry: dict[str, Any] | None
