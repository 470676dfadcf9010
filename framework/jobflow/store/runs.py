"""The record of every run and step attempt: written by the recorder, read by ``jobflow runs``.

Every write is one short transaction (``BEGIN IMMEDIATE`` on SQLite, queued on the engine's in-process
:func:`~jobflow.store.locks.write_lock` like the scheduler's writes), committed before the method
returns; any failure raises :class:`StoreError`, so a lost write is never reported as success.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.dml import Insert

from jobflow.clock import Clock
from jobflow.errors import StoreError
from jobflow.events import RunInfo, StepInfo
from jobflow.store.engine import WRITE
from jobflow.store.failures import failing_as
from jobflow.store.locks import write_lock
from jobflow.store.models import NO_ITERATION, StepRun, WorkflowRun
from jobflow.store.rows import RunDetail, RunRow, StepRow

__all__ = ["RunRepository"]

RUNS = cast(Table, WorkflowRun.__table__)
STEPS = cast(Table, StepRun.__table__)
STEP_KEY = ("run_id", "step_id", "iteration", "attempt")
RESTARTABLE = ("queued", "running")
"""Statuses a run row may have when ``start`` is called for it (a scheduler may create it queued)."""


def _run_values(run: RunInfo) -> dict[str, Any]:
    values = {name: value for name, value in asdict(run).items() if name in RUNS.c}
    values["path"] = str(values["path"])
    return values


def _step_values(step: StepInfo) -> dict[str, Any]:
    values = {name: value for name, value in asdict(step).items() if name in STEPS.c}
    values["iteration"] = NO_ITERATION if step.iteration is None else step.iteration
    values["artifacts"] = [str(a) for a in step.artifacts]
    return values


def _upsert(dialect: str, values: dict[str, Any]) -> Insert:
    """``INSERT`` of a step attempt that updates the row already there for the same attempt."""
    changing = [name for name in values if name not in STEP_KEY]
    if dialect in ("mysql", "mariadb"):
        my = mysql.insert(STEPS).values(values)
        return my.on_duplicate_key_update({name: my.inserted[name] for name in changing})
    if dialect == "postgresql":
        pg = postgresql.insert(STEPS).values(values)
        return pg.on_conflict_do_update(index_elements=STEP_KEY, set_={name: pg.excluded[name] for name in changing})
    lite = sqlite.insert(STEPS).values(values)
    return lite.on_conflict_do_update(index_elements=STEP_KEY, set_={name: lite.excluded[name] for name in changing})


def _step_row(row: RowMapping) -> StepRow:
    values = {k: v for k, v in row.items() if k != "id"}
    values["iteration"] = None if values["iteration"] == NO_ITERATION else values["iteration"]
    values["artifacts"] = tuple(values["artifacts"] or ())
    return StepRow(**values)


class RunRepository:
    """Runs and step attempts, in ``workflow_runs`` and ``step_runs``."""

    def __init__(self, engine: AsyncEngine, *, clock: Clock, database: str) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**WRITE)
        self._clock = clock
        self._database = database
        self._secret = engine.url.password

    @asynccontextmanager
    async def _write(self, action: str) -> AsyncIterator[AsyncConnection]:
        async with write_lock(self._engine):  # queued behind the scheduler's writes, not SQLITE_BUSY
            with failing_as(f"cannot {action} in database {self._database}", secret=self._secret):
                async with self._writer.begin() as connection:
                    yield connection

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        with failing_as(f"cannot read runs from database {self._database}", secret=self._secret):
            async with self._engine.connect() as connection:
                yield connection

    # --------------------------------------------------------------------------------------- writes

    async def start(self, run: RunInfo) -> None:
        """Record ``run`` as ``running`` (a row the scheduler created ``queued`` is taken over).

        A retried run (same id, attempt n+1) keeps the step attempts of the earlier ones; those its dead
        process left ``running`` are closed as ``failed`` (``Crashed``) in the same transaction.

        :raises StoreError: the run already ended (a new attempt needs a new run id), or the write failed.
        """
        values = {**_run_values(run), "status": "running", "heartbeat_at": run.started_at}
        async with self._write(f"record the start of run {run.id}") as connection:
            found = await connection.execute(select(RUNS.c.status).where(RUNS.c.id == run.id).with_for_update())
            status = found.scalar_one_or_none()
            if status is None:
                await connection.execute(insert(RUNS).values(**values, created_at=self._clock.now()))
            elif status in RESTARTABLE:
                await connection.execute(update(RUNS).where(RUNS.c.id == run.id).values(**values))
                await connection.execute(
                    update(STEPS)
                    .where(STEPS.c.run_id == run.id, STEPS.c.status == "running")
                    .values(
                        status="failed",
                        finished_at=run.started_at,
                        error_class="Crashed",
                        error_message="the process running this attempt died before it ended",
                    )
                )
            else:
                raise StoreError(f"run {run.id} already ended as {status}: a new attempt needs a new run id")

    async def heartbeat(self, run_id: str, at: datetime) -> None:
        """Set the run's ``heartbeat_at`` to ``at``: zombie detection looks for stale ones."""
        async with self._write(f"record a heartbeat of run {run_id}") as connection:
            result = await connection.execute(update(RUNS).where(RUNS.c.id == run_id).values(heartbeat_at=at))
            if result.rowcount == 0:
                raise StoreError(f"cannot record a heartbeat of run {run_id}: no such run")

    async def finish(self, run: RunInfo) -> None:
        """Record the run's final status, ``finished_at``, error and outputs summary.

        A run whose start was never recorded is inserted whole, so an ending is never lost.
        """
        values = _run_values(run)
        async with self._write(f"record the end of run {run.id}") as connection:
            result = await connection.execute(update(RUNS).where(RUNS.c.id == run.id).values(**values))
            if result.rowcount == 0:
                await connection.execute(insert(RUNS).values(**values, created_at=self._clock.now()))

    async def record_step(self, step: StepInfo) -> None:
        """Insert or update the attempt ``(run_id, step_id, iteration, attempt)``.

        ``step_started`` creates the row as ``running``; ``step_finished`` completes the same row.
        """
        values = _step_values(step)
        where = f" iteration {step.iteration}" if step.iteration is not None else ""
        action = f"record step {step.step_id}{where} attempt {step.attempt} of run {step.run_id}"
        async with self._write(action) as connection:
            await connection.execute(_upsert(connection.dialect.name, values))

    # ---------------------------------------------------------------------------------------- reads

    async def last_step_attempt(self, run_id: str) -> int:
        """The highest step attempt number recorded for the run (0 when none): a retried run numbers its
        step attempts after it, so they never overwrite the earlier attempts' rows and evidence."""
        query = select(func.max(STEPS.c.attempt)).where(STEPS.c.run_id == run_id)
        async with self._read() as connection:
            highest = (await connection.execute(query)).scalar_one_or_none()
        return int(highest or 0)

    async def list(
        self, *, limit: int = 20, workflow: str | None = None, status: str | None = None
    ) -> builtins.list[RunRow]:
        """The newest ``limit`` runs (by start, or creation for runs not started), optionally filtered."""
        query = select(RUNS)
        if workflow is not None:
            query = query.where(RUNS.c.workflow == workflow)
        if status is not None:
            query = query.where(RUNS.c.status == status)
        newest = func.coalesce(RUNS.c.started_at, RUNS.c.created_at)
        query = query.order_by(newest.desc(), RUNS.c.id.desc()).limit(limit)
        async with self._read() as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [RunRow(**row) for row in rows]

    async def get(self, id_or_prefix: str) -> RunDetail | None:
        """The run with this id, or the one run whose id starts with it; ``None`` when none does.

        :raises StoreError: the prefix matches more than one run (the message says how many).
        """
        if not id_or_prefix:
            return None
        async with self._read() as connection:
            row = (await connection.execute(select(RUNS).where(RUNS.c.id == id_or_prefix))).mappings().first()
            if row is None:
                prefixed = func.substr(RUNS.c.id, 1, len(id_or_prefix)) == id_or_prefix
                count = (await connection.execute(select(func.count()).select_from(RUNS).where(prefixed))).scalar_one()
                if count > 1:
                    raise StoreError(f"run id prefix {id_or_prefix!r} is ambiguous: {count} runs match")
                row = (await connection.execute(select(RUNS).where(prefixed))).mappings().first()
                if row is None:
                    return None
            steps = await connection.execute(
                select(STEPS).where(STEPS.c.run_id == row["id"]).order_by(STEPS.c.started_at, STEPS.c.id)
            )
            return RunDetail(RunRow(**row), tuple(_step_row(step) for step in steps.mappings()))
