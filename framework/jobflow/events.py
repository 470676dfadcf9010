"""The payloads of the lifecycle hooks: plain, JSON-friendly records of a run and its steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

__all__ = ["RunInfo", "RunStatus", "StepInfo", "StepStatus"]

RunStatus = Literal[
    "queued",
    "running",
    "succeeded",
    "failed",
    "cancelled",
    "crashed",
    "timed_out",
    "interrupted",
    "skipped",
    "missed",
]
StepStatus = Literal["running", "succeeded", "failed", "skipped", "cancelled", "timed_out"]


@dataclass
class RunInfo:
    """One run of a workflow. Secrets are already redacted in ``inputs`` and ``error_message``."""

    id: str
    workflow: str
    path: str
    trigger: str
    status: RunStatus
    started_at: datetime
    attempt: int = 1
    inputs: dict[str, Any] = field(default_factory=dict)
    owner: str = ""
    finished_at: datetime | None = None
    error_class: str | None = None
    error_message: str | None = None
    occurrence_id: str | None = None
    outputs: dict[str, Any] | None = None
    """A redacted, size-bounded summary of what the run produced (set when it finishes)."""


@dataclass
class StepInfo:
    """One attempt of one step (one iteration inside ``for_each``)."""

    run_id: str
    step_id: str
    uses: str
    attempt: int
    status: StepStatus
    started_at: datetime
    iteration: int | None = None
    finished_at: datetime | None = None
    error_class: str | None = None
    error_message: str | None = None
    outputs: dict[str, Any] | None = None
    """A redacted, size-bounded summary of the outputs."""
    artifacts: list[str] = field(default_factory=list)
    will_retry_in: float | None = None
