"""APScheduler as the timer, and nothing more: it says *when*; the occurrence tables say *what happened*.

- One job per schedule (``workflow:<name>:<n>``) or reminder (``reminder:<application>:<type>``); the job
  function is always :func:`fire` (a stable module-level reference) and its kwargs are plain ids.
- Every job gets ``misfire_grace_time`` = ``SCHEDULER_MISFIRE_GRACE_TIME`` (APScheduler's implicit 1 s is
  never used) and ``coalesce=False``: every fire time reaches jobflow, which coalesces and counts.
- Job stores are sync; :class:`ThreadedScheduler` runs APScheduler's job processing in a worker thread,
  so the event loop never waits on the job store's database.
- The listeners for executed, error, missed and max-instances events are small synchronous functions
  that hand a :class:`Signal` to the event loop (``call_soon_threadsafe``); nothing is awaited there.
- What one job's run times give (those within the grace fired, the late ones as missed events) is handed
  over as one batch, so the scheduler sees a backlog whole and coalesces it once.
"""

from __future__ import annotations

import asyncio
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog
from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.executors.base import BaseExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_STOPPED

__all__ = ["Signal", "ThreadedScheduler", "fire", "install_handoff", "kind_of"]

_log = structlog.get_logger("jobflow.scheduler")


@dataclass(frozen=True, slots=True)
class Signal:
    """What the timer tells the event loop: a fire time was reached (``late`` past its grace), or a job
    failed to fire or was refused (``problem``)."""

    kind: str
    target: str
    fire_time: datetime
    late: bool = False
    problem: str | None = None


Handoff = Callable[[list[Signal]], None]
_handoff: Handoff | None = None
_held = threading.local()
"""The signals of the job being submitted in this thread (``signals``: a list while batching)."""


def install_handoff(handoff: Handoff | None) -> None:
    """Where :func:`fire` and the listeners send signals, in batches (the daemon installs one; ``None``
    removes it)."""
    global _handoff
    _handoff = handoff


def _send(signal: Signal) -> None:
    held: list[Signal] | None = getattr(_held, "signals", None)
    if held is not None:
        held.append(signal)
    elif _handoff is not None:
        _handoff([signal])


def kind_of(job_id: str) -> str:
    """``reminder`` or ``workflow``, from a job id's prefix (an id, not data: the reminder's application
    is always read from the database)."""
    return "reminder" if job_id.startswith("reminder:") else "workflow"


def fire(kind: str, target: str, fire_time: datetime | None = None, **data: object) -> None:
    """The job function of every jobflow job: hand the fire time to the event loop and return at once.

    ``data`` holds plain values kept with the job (a reminder's ``due_at``, for reconciling); unused here.
    """
    if _handoff is None:
        raise RuntimeError(f"no jobflow scheduler is running to take fire time of {target}")
    _send(Signal(kind, target, fire_time or datetime.now(UTC)))


class HandOffExecutor(BaseExecutor):  # type: ignore[misc]  # apscheduler ships no type hints
    """Runs :func:`fire` inline for each run time within the grace; a later one becomes EVENT_JOB_MISSED."""

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
        _held.signals = []
        try:
            self._submit(job, run_times)
        finally:
            signals, _held.signals = _held.signals, None
            if signals and _handoff is not None:
                _handoff(signals)

    def _submit(self, job: Any, run_times: list[datetime]) -> None:
        events = []
        now = datetime.now(UTC)
        for run_time in run_times:
            grace = job.misfire_grace_time
            if grace is not None and (now - run_time).total_seconds() > grace:
                events.append(JobExecutionEvent(EVENT_JOB_MISSED, job.id, job._jobstore_alias, run_time))
                continue
            try:
                job.func(*job.args, **job.kwargs, fire_time=run_time)
            except Exception as exc:
                events.append(
                    JobExecutionEvent(
                        EVENT_JOB_ERROR,
                        job.id,
                        job._jobstore_alias,
                        run_time,
                        exception=exc,
                        traceback=traceback.format_exc(),
                    )
                )
            else:
                events.append(JobExecutionEvent(EVENT_JOB_EXECUTED, job.id, job._jobstore_alias, run_time))
        self._run_job_success(job.id, events)


def on_missed(event: Any) -> None:
    """EVENT_JOB_MISSED: the timer was later than the grace (suspend, clock jump, a stalled process)."""
    _send(Signal(kind_of(event.job_id), event.job_id, event.scheduled_run_time, late=True))


def on_error(event: Any) -> None:
    """EVENT_JOB_ERROR: handing a fire time over failed; recorded so the fire time is not silently lost."""
    problem = f"{type(event.exception).__name__}: {event.exception}"
    _send(Signal(kind_of(event.job_id), event.job_id, event.scheduled_run_time, problem=problem))


def on_executed(event: Any) -> None:
    """EVENT_JOB_EXECUTED: the fire time is in the event loop's hands (a debug line)."""
    _log.debug("fire time handed over", job_id=event.job_id, fire_time=event.scheduled_run_time.isoformat())


def on_max_instances(event: Any) -> None:
    """EVENT_JOB_MAX_INSTANCES: cannot happen with :class:`HandOffExecutor`; recorded if it ever does."""
    for run_time in event.scheduled_run_times:
        _send(Signal(kind_of(event.job_id), event.job_id, run_time, problem="maximum instances reached"))


LISTENERS: tuple[tuple[Callable[[Any], None], int], ...] = (
    (on_missed, EVENT_JOB_MISSED),
    (on_error, EVENT_JOB_ERROR),
    (on_executed, EVENT_JOB_EXECUTED),
    (on_max_instances, EVENT_JOB_MAX_INSTANCES),
)


class ThreadedScheduler(AsyncIOScheduler):  # type: ignore[misc]  # apscheduler ships no type hints
    """``AsyncIOScheduler`` whose job processing (sync job-store I/O) runs in a worker thread.

    Wake-ups are coalesced: one processing pass at a time, another right after when woken meanwhile.
    """

    _busy = False
    _again = False
    _pass: asyncio.Future[Any] | None = None

    def wakeup(self) -> None:
        loop = self._eventloop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._request)

    def _request(self) -> None:
        if self.state == STATE_STOPPED or self._eventloop is None:
            return
        if self._busy:
            self._again = True
            return
        self._stop_timer()
        self._busy = True
        self._pass = self._eventloop.run_in_executor(None, self._process_jobs)
        self._pass.add_done_callback(self._processed)

    def _processed(self, future: asyncio.Future[Any]) -> None:
        self._busy = False
        try:
            wait = future.result()
        except Exception as exc:  # a job-store failure: try again soon
            _log.error("scheduler timer pass failed", error=f"{type(exc).__name__}: {exc}")
            wait = self.jobstore_retry_interval
        if self._again:
            self._again = False
            self._request()
        elif self.state != STATE_STOPPED:
            self._start_timer(wait)

    async def idle(self) -> None:
        """Wait for a processing pass in progress to end (before shutting down)."""
        if self._pass is not None:
            await asyncio.wait([self._pass])
