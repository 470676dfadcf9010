"""APScheduler's job stores, made safe and cheap.

**Set aside, never deleted.** ``SQLAlchemyJobStore`` deletes every row it fails to unpickle (a renamed
function, a changed class, garbage bytes, a trigger state from a newer jobflow). :class:`SetAsideJobStore`
keeps such a row in its table, skips it when loading and when computing the next wake-up, and reports it
once to ``on_unloadable`` (the daemon records a ``set_aside`` decision; ``jobflow status`` lists it).

**Write-behind.** While APScheduler processes due jobs (in the timer's thread), each job it advances or
removes is kept in an in-memory overlay that every read takes into account; :meth:`flush` writes the
overlay in one transaction, called by the daemon on the event loop's side under its SQLite write lock.
So the timer never waits for the database's write lock, and 1,000 jobs due at once cost one commit. A
crash before a flush only makes those fire times come again, which recording ignores (occurrence ids are
deterministic), and the daemon re-aligns every job with the ``schedules`` table on start.

Both stores add ``put_jobs``/``drop_jobs`` for bulk work and ``run_times`` (id -> next run time).
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Callable, Collection, Iterable
from datetime import datetime

from apscheduler.job import Job
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.util import datetime_to_utc_timestamp, utc_timestamp_to_datetime

from jobflow.store.scheduling import jobstore as sql

__all__ = ["MemoryStore", "SetAsideJobStore"]

Report = Callable[[list[tuple[str, str]]], None]


class SetAsideJobStore(SQLAlchemyJobStore):  # type: ignore[misc]  # apscheduler ships no type hints
    """A ``SQLAlchemyJobStore`` that sets unloadable rows aside and writes the timer's changes behind."""

    def __init__(self, url: str, tablename: str, on_unloadable: Report) -> None:
        super().__init__(engine=sql.sync_engine(url), tablename=tablename, pickle_protocol=4)
        self.set_aside: dict[str, str] = {}
        self._report = on_unloadable
        self._overlay: dict[str, Job | None] = {}
        self._guard = threading.Lock()

    # ------------------------------------------------------------------------------ reads (merged)

    def _hidden(self) -> set[str]:
        with self._guard:
            return set(self.set_aside) | set(self._overlay)

    def _overlay_jobs(self) -> list[Job]:
        with self._guard:
            return [job for job in self._overlay.values() if job is not None]

    def get_due_jobs(self, now: datetime) -> list[Job]:
        due = [job for job in self._overlay_jobs() if job.next_run_time is not None and job.next_run_time <= now]
        return sorted(self._load(datetime_to_utc_timestamp(now)) + due, key=lambda job: job.next_run_time)

    def get_all_jobs(self) -> list[Job]:
        jobs = self._load(None) + self._overlay_jobs()
        self._fix_paused_jobs_sorting(jobs)
        return jobs

    def _load(self, due: float | None) -> list[Job]:
        jobs = []
        fresh: list[tuple[str, str]] = []
        for job_id, _, state in sql.job_rows(self.engine, self.jobs_t, due=due, exclude=self._hidden()):
            try:
                jobs.append(self._reconstitute_job(state))
            except Exception as exc:
                reason = f"{type(exc).__name__}: {exc}"
                with self._guard:
                    self.set_aside[job_id] = reason
                fresh.append((job_id, reason))
                self._logger.error("stored job %r cannot be loaded; set aside, not deleted: %s", job_id, reason)
        if fresh:
            self._report(fresh)
        return jobs

    def get_next_run_time(self) -> datetime | None:
        found = sql.next_run_time(self.engine, self.jobs_t, self._hidden())
        times = [job.next_run_time for job in self._overlay_jobs() if job.next_run_time is not None]
        if found is not None:
            times.append(utc_timestamp_to_datetime(found))
        return min(times) if times else None

    # ---------------------------------------------------------------------------- timer's changes

    def update_job(self, job: Job) -> None:
        with self._guard:
            self._overlay[job.id] = job

    def remove_job(self, job_id: str) -> None:
        with self._guard:
            if job_id not in self.set_aside:  # never delete a set-aside row
                self._overlay[job_id] = None

    def flush(self) -> int:
        """Write the timer's pending changes in one transaction; returns how many."""
        with self._guard:
            pending = dict(self._overlay)
        if not pending:
            return 0
        self._write([job for job in pending.values() if job is not None])
        sql.delete_rows(self.engine, self.jobs_t, [j for j, job in pending.items() if job is None], keep=self.set_aside)
        with self._guard:
            for job_id, job in pending.items():
                if self._overlay.get(job_id, job) is job:
                    self._overlay.pop(job_id, None)
        return len(pending)

    # --------------------------------------------------------------------------------- bulk work

    def run_times(self) -> dict[str, float | None]:
        """Every stored job id (set-aside ones included) with its next run time as a timestamp."""
        return sql.run_times(self.engine, self.jobs_t)

    def _write(self, jobs: list[Job]) -> None:
        if not jobs:
            return
        known = self.run_times()
        rows = [
            {
                "id": job.id,
                "next_run_time": datetime_to_utc_timestamp(job.next_run_time),
                "job_state": pickle.dumps(job.__getstate__(), self.pickle_protocol),
            }
            for job in jobs
            if job.id not in self.set_aside
        ]
        sql.insert_rows(self.engine, self.jobs_t, [row for row in rows if row["id"] not in known])
        sql.update_rows(self.engine, self.jobs_t, [row for row in rows if row["id"] in known])

    def put_jobs(self, jobs: Iterable[Job]) -> None:
        """Insert new jobs and replace existing ones (two transactions whatever their number)."""
        jobs = list(jobs)
        with self._guard:
            for job in jobs:
                self._overlay.pop(job.id, None)
        self._write(jobs)

    def drop_jobs(self, ids: Collection[str]) -> None:
        """Delete jobs (set-aside ones are kept) in one transaction."""
        with self._guard:
            for job_id in ids:
                self._overlay.pop(job_id, None)
        sql.delete_rows(self.engine, self.jobs_t, ids, keep=self.set_aside)


class MemoryStore(MemoryJobStore):  # type: ignore[misc]  # apscheduler ships no type hints
    """The in-memory job store (``SCHEDULER_PERSISTENCE_ENABLED=false``) with the same bulk methods."""

    def __init__(self) -> None:
        super().__init__()
        self.set_aside: dict[str, str] = {}

    def flush(self) -> int:
        """Nothing to write: memory is the store."""
        return 0

    def run_times(self) -> dict[str, float | None]:
        """Every job id with its next run time as a timestamp."""
        return {job.id: datetime_to_utc_timestamp(job.next_run_time) for job in self.get_all_jobs()}

    def put_jobs(self, jobs: Iterable[Job]) -> None:
        """Insert or replace jobs."""
        known = self.run_times()
        for job in jobs:
            if job.id in known:
                self.update_job(job)
            else:
                self.add_job(job)

    def drop_jobs(self, ids: Collection[str]) -> None:
        """Delete jobs."""
        known = self.run_times()
        for job_id in ids:
            if job_id in known:
                self.remove_job(job_id)
