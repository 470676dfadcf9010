"""What the store hands back: plain frozen records, never ORM objects, each with ``as_dict()`` for ``--json``."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

__all__ = ["RunDetail", "RunRow", "StepRow"]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _as_dict(record: Any) -> dict[str, Any]:
    return {f.name: _plain(getattr(record, f.name)) for f in fields(record)}


@dataclass(frozen=True, slots=True)
class RunRow:
    """One run of a workflow as recorded in ``workflow_runs``. Times are aware UTC."""

    id: str
    workflow: str
    path: str
    status: str
    trigger: str
    attempt: int
    occurrence_id: str | None
    inputs: dict[str, Any]
    owner: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None
    error_class: str | None
    error_message: str | None
    outputs: dict[str, Any] | None

    @property
    def duration(self) -> float | None:
        """Seconds from start to finish, ``None`` while running or never started."""
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: times as ISO 8601 strings, ``duration`` in seconds."""
        return {**_as_dict(self), "duration": self.duration}


@dataclass(frozen=True, slots=True)
class StepRow:
    """One attempt of one step (``iteration`` set inside ``for_each``) as recorded in ``step_runs``."""

    run_id: str
    step_id: str
    uses: str
    iteration: int | None
    attempt: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    error_class: str | None
    error_message: str | None
    outputs: dict[str, Any] | None
    artifacts: tuple[str, ...]
    will_retry_in: float | None

    @property
    def duration(self) -> float | None:
        """Seconds the attempt took, ``None`` while it runs."""
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: times as ISO 8601 strings, artifacts as a list, ``duration`` in seconds."""
        return {**_as_dict(self), "duration": self.duration}


@dataclass(frozen=True, slots=True)
class RunDetail:
    """A run and every step attempt it recorded, in the order they started."""

    run: RunRow
    steps: tuple[StepRow, ...]

    def as_dict(self) -> dict[str, Any]:
        """The run's fields plus ``steps``: one JSON document for ``jobflow runs show --json``."""
        return {**self.run.as_dict(), "steps": [step.as_dict() for step in self.steps]}
