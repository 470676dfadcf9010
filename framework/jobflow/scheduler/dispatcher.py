"""The claim loop: due occurrences claimed in batches, then run at most ``SCHEDULER_MAX_RUNS`` at a time.

The loop wakes when the timer hands over a fire time (:meth:`Dispatcher.poke`), when the next pending
occurrence falls due, or after :data:`IDLE` seconds at the latest (occurrences written by another
process: a retry, a ``jobflow`` command). Claimed occurrences wait for a run slot in due order; their
lease is renewed by the daemon while they wait or run.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from jobflow.clock import Clock
from jobflow.errors import StoreError
from jobflow.scheduler.config import LEASE_NAME, SchedulerConfig
from jobflow.scheduler.runner import Runner
from jobflow.store.scheduling import Claimed, ClaimRequest, ClaimResult, SchedulerDB

__all__ = ["IDLE", "Dispatcher", "wait_any"]

_log = structlog.get_logger("jobflow.scheduler")
IDLE = 1.0
"""Seconds the loop waits at most before looking for due occurrences again."""
STORE_RETRY = (0.5, 1.0, 2.0, 5.0)
"""Seconds between claim attempts while the database is unavailable (the last repeats)."""


async def wait_any(events: list[asyncio.Event], seconds: float | None) -> None:
    """Return when any of ``events`` is set, or after ``seconds``."""
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


class Dispatcher:
    """Claims due occurrences for ``owner`` and hands them to the runner."""

    def __init__(self, db: SchedulerDB, config: SchedulerConfig, clock: Clock, owner: str, runner: Runner) -> None:
        self.db, self.config, self.clock, self.owner, self.runner = db, config, clock, owner, runner
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.lease_lost = False
        self.closing = False
        """Set when the daemon stops: nothing more is claimed, also not by the timer's fast path."""
        self._slots = asyncio.Semaphore(config.max_runs)
        self._wake = asyncio.Event()

    def poke(self) -> None:
        """Look for due occurrences now."""
        self._wake.set()

    def cancel(self, occurrence_id: str) -> bool:
        """Cancel the task of an occurrence this process runs (a stuck run); ``False`` if there is none."""
        task = self.tasks.get(occurrence_id)
        if task is None:
            return False
        task.cancel()
        return True

    def request(self) -> ClaimRequest | None:
        """This pass's claim: as many as there is room for, those with a free run slot started at once."""
        room = min(self.config.claim_batch, self.config.claim_ahead - len(self.tasks))
        if room <= 0 or self.closing or self.lease_lost:
            return None
        return ClaimRequest(
            owner=self.owner,
            lease_name=LEASE_NAME,
            lease_seconds=self.config.lease_seconds,
            backoff=self.config.backoff,
            limit=room,
            start=max(0, self.config.max_runs - len(self.tasks)),
            make_run=self.runner.prepare,
        )

    def accept(self, result: ClaimResult) -> None:
        """Start a task for each occurrence ``result`` claimed."""
        self.lease_lost = self.lease_lost or result.lease_lost
        for claimed in result.claimed:
            started = claimed.occ.id in result.started
            task = asyncio.create_task(self._run(claimed, started), name=f"jobflow-run-{claimed.occ.id}")
            self.tasks[claimed.occ.id] = task

    async def claim_once(self) -> ClaimResult:
        """One claim transaction (up to ``claim_batch`` occurrences); starts a task per claimed one."""
        request = self.request()
        if request is None:
            return ClaimResult()
        result = await self.db.claims.claim(request)
        self.accept(result)
        return result

    async def _run(self, claimed: Claimed, started: bool) -> None:
        try:
            async with self._slots:
                await self.runner.run(claimed, started=started)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug: the occurrence stays in flight and zombie detection settles it
            _log.exception("running an occurrence failed", occurrence_id=claimed.occ.id, error=str(exc))
        finally:
            self.tasks.pop(claimed.occ.id, None)

    async def loop(self, stop: asyncio.Event) -> None:
        """Claim until ``stop`` is set or the lease is lost."""
        failures = 0
        while not stop.is_set() and not self.lease_lost:
            self._wake.clear()
            try:
                result = await self.claim_once()
                failures = 0
            except StoreError as exc:
                delay = STORE_RETRY[min(failures, len(STORE_RETRY) - 1)]
                failures += 1
                _log.error("cannot claim due occurrences; retrying", error=str(exc), retry_in=delay)
                await wait_any([stop], delay)
                continue
            if len(result.claimed) + result.missed >= self.config.claim_batch:
                continue  # more may be due right now
            await wait_any([self._wake, stop], await self._idle_for())

    async def _idle_for(self) -> float:
        with contextlib.suppress(StoreError):
            due = await self.db.occurrences.next_due()
            if due is not None:
                return max(0.0, min(IDLE, (due - self.clock.now()).total_seconds()))
        return IDLE

    async def drain(self, seconds: float) -> int:
        """Let running tasks finish for up to ``seconds``, then cancel the rest (each re-queued
        ``interrupted``); returns how many were cancelled."""
        self.runner.draining = True
        pending = [task for task in self.tasks.values() if not task.done()]
        if not pending:
            return 0
        _, left = await asyncio.wait(pending, timeout=seconds)
        for task in left:
            task.cancel()
        if left:
            await asyncio.wait(left)
        return len(left)
