"""Reading in-flight occurrences: what zombie detection and ``jobflow status`` look at.

An occurrence is in flight while ``claimed`` or ``running``. Each comes with its run's last heartbeat
(``workflow_runs.heartbeat_at``) and its schedule's retry policy, so the scheduler can decide, per row,
whether the owner is dead, the lease expired or the heartbeat is stale, and what happens next.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from jobflow.store.scheduling.base import OCCURRENCES, RUNS, SCHEDULES, STEPS, Repo
from jobflow.store.scheduling.rows import ACTIVE, Occ

__all__ = ["Inflight", "InflightStore"]

OCC = OCCURRENCES
_OCC_COLUMNS = [c.name for c in OCC.c]


@dataclass(frozen=True, slots=True)
class Inflight:
    """An in-flight occurrence with its run's heartbeat and its schedule's retry policy."""

    occ: Occ
    run_status: str | None
    heartbeat_at: datetime | None
    workflow: str | None
    retry: dict[str, Any] | None


class InflightStore(Repo):
    """In-flight occurrences and counts by state."""

    async def inflight(self, *, limit: int = 10_000) -> list[Inflight]:
        """Every ``claimed`` or ``running`` occurrence, oldest first."""
        query = (
            select(OCC, RUNS.c.status.label("run_status"), RUNS.c.heartbeat_at, SCHEDULES.c.workflow, SCHEDULES.c.retry)
            .select_from(
                OCC.outerjoin(RUNS, RUNS.c.id == OCC.c.run_id).outerjoin(SCHEDULES, SCHEDULES.c.id == OCC.c.schedule_id)
            )
            .where(OCC.c.state.in_(ACTIVE))
            .order_by(OCC.c.not_before, OCC.c.id)
            .limit(limit)
        )
        async with self._read("read in-flight occurrences") as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [
            Inflight(
                Occ(**{name: row[name] for name in _OCC_COLUMNS}),
                row["run_status"],
                row["heartbeat_at"],
                row["workflow"],
                row["retry"],
            )
            for row in rows
        ]

    async def retry_due(self, run_id: str) -> datetime | None:
        """When the run's last step attempt had planned its retry (it failed with ``will_retry_in``), or
        ``None``: a run killed during a retry backoff resumes at that time, not earlier or later."""
        query = (
            select(STEPS.c.finished_at, STEPS.c.will_retry_in)
            .where(STEPS.c.run_id == run_id)
            .order_by(STEPS.c.started_at.desc(), STEPS.c.id.desc())
            .limit(1)
        )
        async with self._read("read a run's step attempts") as connection:
            row = (await connection.execute(query)).first()
        if row is None or row.finished_at is None or row.will_retry_in is None:
            return None
        due: datetime = row.finished_at + timedelta(seconds=float(row.will_retry_in))
        return due

    async def counts(self) -> Counter[str]:
        """How many occurrences are in each state."""
        async with self._read("count occurrences") as connection:
            rows = (await connection.execute(select(OCC.c.state, func.count()).group_by(OCC.c.state))).all()
        return Counter({state: n for state, n in rows})
