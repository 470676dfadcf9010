"""What every scheduler repository shares: transactions that fail as ``StoreError``, the tables, and
dialect-aware statements (insert-if-absent), plus the writer of decision events.

Every decision (missed, rescheduled, gave_up, zombie, coalesced, skipped, ...) is written as a
``scheduler_events`` row *inside* the transaction that makes it, and logged as one structured line once
that transaction has committed, so the log never reports a decision that was rolled back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, cast

import structlog
from sqlalchemy import String, Table, any_, bindparam, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jobflow.clock import Clock
from jobflow.store.engine import WRITE
from jobflow.store.failures import failing_as
from jobflow.store.locks import write_lock
from jobflow.store.models import (
    Occurrence,
    Schedule,
    SchedulerEvent,
    SchedulerLease,
    SetAsideJob,
    StepRun,
    WorkflowRun,
)
from jobflow.store.scheduling.rows import Decision

__all__ = [
    "EVENTS",
    "LEASES",
    "OCCURRENCES",
    "RUNS",
    "SCHEDULES",
    "SET_ASIDE",
    "STEPS",
    "Repo",
    "among",
    "insert_absent",
    "log_decisions",
    "write_lock",
]

SCHEDULES = cast(Table, Schedule.__table__)
OCCURRENCES = cast(Table, Occurrence.__table__)
LEASES = cast(Table, SchedulerLease.__table__)
EVENTS = cast(Table, SchedulerEvent.__table__)
SET_ASIDE = cast(Table, SetAsideJob.__table__)
RUNS = cast(Table, WorkflowRun.__table__)
STEPS = cast(Table, StepRun.__table__)

_log = structlog.get_logger("jobflow.scheduler")


def among(connection: AsyncConnection, column: Any, values: Sequence[str]) -> Any:
    """``column IN (values)``; on PostgreSQL ``column = ANY(:array)``, one parameter however many values
    (a list of a thousand parameters costs PostgreSQL more planning than the query itself)."""
    if connection.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(String)))
    return column.in_(list(values))


def insert_absent(connection: AsyncConnection, table: Table, keys: Sequence[str]) -> Any:
    """An ``INSERT`` that silently skips rows whose ``keys`` already exist (any supported database)."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    return insert(table).prefix_with("IGNORE")


class Repo:
    """Base of the scheduler repositories: one engine, the clock, short write transactions."""

    def __init__(self, engine: AsyncEngine, *, clock: Clock, database: str) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**WRITE)
        self._clock = clock
        self._database = database
        self._secret = engine.url.password

    @property
    def dialect(self) -> str:
        """``sqlite``, ``postgresql``, ..."""
        return self._engine.dialect.name

    @asynccontextmanager
    async def _write(self, action: str) -> AsyncIterator[AsyncConnection]:
        async with write_lock(self._engine):
            with failing_as(f"cannot {action} in database {self._database}", secret=self._secret):
                async with self._writer.begin() as connection:
                    yield connection

    @asynccontextmanager
    async def _read(self, action: str = "read the schedule") -> AsyncIterator[AsyncConnection]:
        with failing_as(f"cannot {action} from database {self._database}", secret=self._secret):
            async with self._engine.connect() as connection:
                yield connection

    async def _decide(self, connection: AsyncConnection, decisions: Iterable[Decision], at: datetime) -> None:
        """Write ``decisions`` as event rows inside the caller's transaction."""
        rows = [
            {
                "at": at,
                "kind": d.kind,
                "schedule_id": d.schedule_id,
                "occurrence_id": d.occurrence_id,
                "run_id": d.run_id,
                "message": d.message,
                "data": d.data,
                "notify": d.notify,
            }
            for d in decisions
        ]
        if rows:
            await connection.execute(insert(EVENTS), rows)


def log_decisions(decisions: Iterable[Decision]) -> None:
    """One structured log line per decision (call after the transaction that made them committed)."""
    for d in decisions:
        level = _log.warning if d.kind in ("missed", "gave_up", "zombie", "set_aside", "failed") else _log.info
        level(
            d.message,
            decision=d.kind,
            schedule_id=d.schedule_id,
            occurrence_id=d.occurrence_id,
            run_id=d.run_id,
            **{k: v for k, v in d.data.items() if k not in ("schedule_id", "occurrence_id", "run_id")},
        )
