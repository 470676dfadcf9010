"""The timer as the daemon uses it: start, stop, and make its jobs match the schedules and reminders.

Workflow jobs follow the ``schedules`` table (jobflow's truth): a job is (re)written when its trigger or
next run time differs from the schedule's, and removed when its schedule is gone. Reminder jobs follow the
pending rows of ``reminder_jobs``: the job store is authoritative for *when* a reminder fires, unless the
reminder was rescheduled since its job was written (its ``due_at`` differs from the one kept in the job's
kwargs); the application is always read from ``reminder_jobs``, never from a job id. Every job-store call
runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog
from apscheduler.job import Job

from jobflow.scheduler.config import SchedulerConfig
from jobflow.scheduler.dispatcher import wait_any
from jobflow.scheduler.jobstore import MemoryStore, SetAsideJobStore
from jobflow.scheduler.timer import LISTENERS, HandOffExecutor, ThreadedScheduler, fire
from jobflow.scheduler.triggers import Once, trigger_from_json

__all__ = ["JobSpec", "Timer"]

_log = structlog.get_logger("jobflow.scheduler")
FLUSH_EVERY = 0.5
"""Seconds between two writes of the timer's job changes."""


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A job the timer should hold: its id, trigger JSON, next run time and plain kwargs."""

    id: str
    trigger: dict[str, Any]
    next_run_time: datetime
    kwargs: dict[str, Any] = field(default_factory=dict)


class Timer:
    """APScheduler, started paused until the daemon has recovered and caught up, then resumed."""

    def __init__(
        self,
        config: SchedulerConfig,
        on_unloadable: Callable[[list[tuple[str, str]]], None],
        *,
        write_lock: Callable[[], AbstractAsyncContextManager[Any]] = nullcontext,
    ) -> None:
        self.config = config
        self._on_unloadable = on_unloadable
        self._lock = write_lock
        self._flusher: asyncio.Task[None] | None = None
        self.scheduler: ThreadedScheduler | None = None
        self._store: SetAsideJobStore | MemoryStore | None = None
        self.jobs: dict[str, JobSpec] = {}
        """What the timer holds, as last written or loaded (id -> spec)."""

    @property
    def grace(self) -> int:
        """``SCHEDULER_MISFIRE_GRACE_TIME`` as APScheduler takes it: whole seconds, at least 1."""
        return max(1, math.ceil(self.config.misfire_grace))

    @property
    def set_aside(self) -> dict[str, str]:
        """Stored jobs that could not be loaded (id -> reason)."""
        return dict(self._store.set_aside) if self._store is not None else {}

    async def start(self) -> None:
        """Open the job store and start APScheduler paused (nothing fires before :meth:`resume`)."""
        if self.config.persistence and self.config.jobstore_url:
            self._store = SetAsideJobStore(self.config.jobstore_url, self.config.jobstore_table, self._on_unloadable)
        else:
            _log.warning("scheduler persistence is off: timers are kept in memory (SCHEDULER_PERSISTENCE_ENABLED)")
            self._store = MemoryStore()
        self.scheduler = ThreadedScheduler(
            event_loop=asyncio.get_running_loop(),
            timezone=UTC,
            jobstores={"default": self._store},
            executors={"default": HandOffExecutor()},
            job_defaults={"misfire_grace_time": self.grace, "coalesce": False, "max_instances": 1},
            jobstore_retry_interval=1,
        )
        for listener, mask in LISTENERS:
            self.scheduler.add_listener(listener, mask)
        await asyncio.to_thread(self.scheduler.start, paused=True)
        self.jobs = await asyncio.to_thread(self._load)
        self._flusher = asyncio.ensure_future(self._flush_often())

    async def _flush_often(self) -> None:
        """Write the timer's changes behind it (see :mod:`jobflow.scheduler.jobstore`), twice a second."""
        while True:
            await wait_any([], FLUSH_EVERY)
            try:
                await self.flush()
            except Exception as exc:  # the database is busy or down: the changes wait for the next flush
                _log.warning("cannot write the timer's job changes yet", error=f"{type(exc).__name__}: {exc}")

    async def flush(self) -> int:
        """Write the timer's pending job changes now; returns how many."""
        store = self._store
        if store is None:
            return 0
        async with self._lock():
            return await asyncio.to_thread(store.flush)

    def _load(self) -> dict[str, JobSpec]:
        assert self._store is not None
        loaded = {}
        for job in self._store.get_all_jobs():
            spec = getattr(job.trigger, "spec", None)
            if isinstance(spec, dict) and job.next_run_time is not None:
                loaded[job.id] = JobSpec(job.id, spec, job.next_run_time, dict(job.kwargs))
        return loaded

    def resume(self) -> None:
        """Let the timer fire."""
        assert self.scheduler is not None
        self.scheduler.resume()

    async def stop(self) -> None:
        """Stop firing, wait for a processing pass in progress, close the job store."""
        scheduler = self.scheduler
        if scheduler is None:
            return
        self.scheduler = None
        scheduler.pause()
        await scheduler.idle()
        if self._flusher is not None:
            self._flusher.cancel()
            await asyncio.wait([self._flusher])
        with contextlib.suppress(Exception):
            await self.flush()
        from apscheduler.schedulers.base import BaseScheduler

        await asyncio.to_thread(BaseScheduler.shutdown, scheduler, False)
        scheduler._stop_timer()

    def _job(self, spec: JobSpec) -> Job:
        assert self.scheduler is not None
        return Job(
            self.scheduler,
            id=spec.id,
            func=fire,
            args=(),
            kwargs=self._kwargs(spec),
            trigger=trigger_from_json(spec.trigger),
            executor="default",
            name=spec.id,
            misfire_grace_time=self.grace,
            coalesce=False,
            max_instances=1,
            next_run_time=spec.next_run_time,
        )

    def _jobs(self, specs: list[JobSpec]) -> list[Job]:
        """Jobs for ``specs``: the first built (and validated) by APScheduler, the others from its state
        with their own id, kwargs, trigger and run time (APScheduler's per-job signature check, the
        slow part, once for all)."""
        template = self._job(specs[0]).__getstate__()
        jobs = []
        for spec in specs:
            state = {
                **template,
                "id": spec.id,
                "name": spec.id,
                "kwargs": self._kwargs(spec),
                "trigger": trigger_from_json(spec.trigger),
                "next_run_time": spec.next_run_time,
            }
            job = Job.__new__(Job)
            job.__setstate__(state)
            job._scheduler = self.scheduler
            jobs.append(job)
        return jobs

    @staticmethod
    def _kwargs(spec: JobSpec) -> dict[str, Any]:
        kind = "reminder" if spec.id.startswith("reminder:") else "workflow"
        return {"kind": kind, "target": spec.id, **spec.kwargs}

    async def put(self, specs: Iterable[JobSpec]) -> int:
        """Write jobs that are new or differ from what the timer holds; returns how many were written."""
        changed = [s for s in specs if self.jobs.get(s.id) != s]
        if not changed or self._store is None or self.scheduler is None:
            return 0
        store = self._store
        jobs = await asyncio.to_thread(self._jobs, changed)
        async with self._lock():
            await asyncio.to_thread(store.put_jobs, jobs)
        self.jobs.update({spec.id: spec for spec in changed})
        self.scheduler.wakeup()
        return len(changed)

    async def drop(self, ids: Iterable[str]) -> int:
        """Remove jobs (set-aside ones stay where they are); returns how many."""
        gone = [job_id for job_id in ids if job_id in self.jobs]
        if not gone or self._store is None:
            return 0
        async with self._lock():
            await asyncio.to_thread(self._store.drop_jobs, gone)
        for job_id in gone:
            del self.jobs[job_id]
        return len(gone)

    def advanced(self, job_id: str, following: datetime | None) -> None:
        """Note that APScheduler moved a job on to ``following`` (``None``: it is done and removed)."""
        spec = self.jobs.get(job_id)
        if spec is None:
            return
        if following is None:
            del self.jobs[job_id]
        else:
            self.jobs[job_id] = JobSpec(spec.id, spec.trigger, following, spec.kwargs)

    def fired(self, job_id: str, fire_time: datetime) -> None:
        """Forget a one-off job once it fired (APScheduler removed it)."""
        spec = self.jobs.get(job_id)
        if spec is not None and isinstance(trigger_from_json(spec.trigger), Once) and spec.next_run_time <= fire_time:
            del self.jobs[job_id]
