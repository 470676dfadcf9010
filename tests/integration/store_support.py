"""Helpers of the store tests: where a test database lives, and runs and steps to record.

The ``database`` and ``store`` fixtures built on these are in ``conftest.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from jobflow.events import RunInfo, StepInfo
from jobflow.store import Store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@dataclass
class Database:
    """Where a test's store lives, and how to open another store on the same database."""

    kind: str
    url: str
    connect_args: dict[str, Any] = field(default_factory=dict)
    schema: str | None = None
    path: Path | None = None

    async def open(self, **kwargs: Any) -> Store:
        return await Store.open(self.url, connect_args=self.connect_args, **kwargs)


def make_run(run_id: str = "run-0001", *, at: datetime = T0, **changes: Any) -> RunInfo:
    """A running run of workflow ``berlin`` started at ``at``."""
    values: dict[str, Any] = {
        "id": run_id,
        "workflow": "berlin",
        "path": "/work/flows/berlin.yaml",
        "trigger": "manual",
        "status": "running",
        "started_at": at,
        "inputs": {"keywords": "python developer", "password": "***"},
        "owner": "host-a:4242",
    }
    return RunInfo(**{**values, **changes})


def make_step(step_id: str = "search", run_id: str = "run-0001", **changes: Any) -> StepInfo:
    """A running first attempt of step ``step_id`` started a second after ``T0``."""
    values: dict[str, Any] = {
        "run_id": run_id,
        "step_id": step_id,
        "uses": "linkedin.search",
        "attempt": 1,
        "status": "running",
        "started_at": T0 + timedelta(seconds=1),
    }
    return StepInfo(**{**values, **changes})
