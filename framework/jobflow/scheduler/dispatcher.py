"""The claim loop: due occurrences claimed in batches, then run at most ``SCHEDULER_MAX_RUNS`` at a time.

The loop wakes when the timer hands over a fire time (:meth:`Dispatcher.poke`), when the next pending
occurrence falls due, or after :data:`IDLE` seconds at the latest (occurrences written by another
process: a retry, a ``jobflow`` command). Claimed occurrences wait for a run slot in due order; their
lease is renewed by the daemon while they wait or run.

With ``claim_lead`` (the daemon's default), occurrences due within that many seconds are claimed and
started already (one transaction); each waits on a loop timer and is handed to the executor exactly when
due, with no database work left in between. One still waiting when the daemon stops is released (back to
``pending``, its attempt not used); one that finds every run slot busy for long goes back to ``claimed``
and waits like any other.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import structlog

from jobflow.clock import Clock
from jobflow.errors import StoreError
from jobflow.scheduler.config import LEASE_NAME, SchedulerConfig
from jobflow.scheduler.runner import Runner
from jobflow.store.scheduling import Claimed, ClaimRequest, ClaimResult, Decision, SchedulerDB

if TYPE_CHECKING:
    from jobflow.engine.executor import Executor, RunRequest
    from jobflow.engine.runner import RunResult

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
        self.busy: Counter[str] = Counter()
        """Occurrences this process holds (claimed, waiting or running) per schedule id."""
        self._early: set[str] = set()
        self._slots = asyncio.Semaphore(config.max_runs)
        self._holding: set[str] = set()
        if runner.executor is not None:
            runner.executor = _SlotFreeing(runner.executor, self._free)
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
            start=max(0, self.config.max_runs - len(self.tasks) + len(self._early)),
            make_run=self.runner.prepare,
            ahead=self.config.claim_lead,
        )

    def accept(self, result: ClaimResult) -> None:
        """Start a task for each occurrence ``result`` claimed."""
        self.lease_lost = self.lease_lost or result.lease_lost
        for claimed in result.claimed:
            started = claimed.occ.id in result.started
            task = asyncio.create_task(self._run(claimed, started), name=f"jobflow-run-{claimed.occ.id}")
            self.tasks[claimed.occ.id] = task
            self.busy[claimed.occ.schedule_id] += 1

    async def claim_once(self) -> ClaimResult:
        """One claim transaction (up to ``claim_batch`` occurrences); starts a task per claimed one."""
        request = self.request()
        if request is None:
            return ClaimResult()
        result = await self.db.claims.claim(request)
        self.accept(result)
        return result

    async def _run(self, claimed: Claimed, started: bool) -> None:
        occ = claimed.occ
        try:
            if self._until(occ.not_before) > 0:
                await self._on_time(claimed, started)
            else:
                await self._slots.acquire()
                await self._hand_over(claimed, started)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug: the occurrence stays in flight and zombie detection settles it
            _log.exception("running an occurrence failed", occurrence_id=occ.id, error=str(exc))
        finally:
            self.tasks.pop(occ.id, None)
            self.busy[occ.schedule_id] -= 1
            if self.busy[occ.schedule_id] <= 0:
                del self.busy[occ.schedule_id]

    def _until(self, when: datetime) -> float:
        return (when - self.clock.now()).total_seconds()

    async def _on_time(self, claimed: Claimed, started: bool) -> None:
        """Hand over an occurrence claimed (and started) ahead exactly at its time; put it back to
        ``claimed`` when no run slot frees up soon after (it must not look stuck while it waits), and back
        to ``pending`` when cancelled (the daemon stops) before the hand-over or when the process woke up
        past its grace (the claim pass then records it missed, as without claiming ahead)."""
        occ = claimed.occ
        self._early.add(occ.id)
        try:
            await self.clock.sleep(self._until(occ.not_before))
            if occ.kind == "workflow" and -self._until(occ.not_before) > occ.grace:  # the process was suspended
                await self._change(
                    self.runner.unstarted(claimed), "pending", "its grace passed (a suspend): judged again"
                )
                self.poke()  # the claim pass records it missed, per the policy
                return
            if not started:
                await self._slots.acquire()
            elif not await self._slot_within(self.config.heartbeat_timeout / 4):
                claimed, started = self.runner.unstarted(claimed), False
                if not await self._change(claimed, "claimed", "no run slot free in time: waits claimed"):
                    return
                await self._slots.acquire()
            self._early.discard(occ.id)
            await self._hand_over(claimed, started)
        except asyncio.CancelledError:
            if occ.id in self._early:
                await asyncio.shield(self._change(self.runner.unstarted(claimed), "pending", "the scheduler stops"))
            raise
        finally:
            self._early.discard(occ.id)

    async def _hand_over(self, claimed: Claimed, started: bool) -> None:
        """Run ``claimed`` in the run slot just taken; the slot is freed once (see :meth:`_free`)."""
        self._holding.add(claimed.occ.id)
        try:
            await self.runner.run(claimed, started=started)
        finally:
            self._free(claimed.occ.id)

    def _free(self, occurrence_id: str | None) -> None:
        """Give the occurrence's run slot back (once): when its run left the executor, before its outcome is
        written, so slow outcome writes never hold hand-overs back."""
        if occurrence_id in self._holding:
            self._holding.discard(occurrence_id)
            self._slots.release()

    async def _slot_within(self, seconds: float) -> bool:
        """Take a run slot if one frees up within ``seconds`` (a started run may not wait longer: it would
        look stuck to zombie detection)."""
        try:
            await asyncio.wait_for(self._slots.acquire(), seconds)
        except TimeoutError:
            return False
        return True

    async def _change(self, claimed: Claimed, state: str, why: str) -> bool:
        """Put an occurrence claimed ahead, not handed over, back to ``state`` (its attempt not used)."""
        occ = claimed.occ
        values = {"state": state, "attempt": occ.attempt, "started_at": occ.started_at, "run_id": occ.run_id}
        if state == "pending":
            values.update(owner=None, lease_until=None)
        decision = Decision("released", f"occurrence claimed ahead released: {why}", occ.schedule_id, occ.id)
        try:
            return await self.db.occurrences.transition(
                occ.id,
                expect=("claimed", "running"),
                owner=self.owner,
                values=values,
                decisions=[decision] if state == "pending" else [],
            )
        except StoreError as exc:  # its lease runs out and zombie detection settles it
            _log.error("cannot release an occurrence", occurrence_id=occ.id, error=str(exc))
            return False

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
                return max(0.0, min(IDLE, self._until(due) - self.config.claim_lead))
        return IDLE

    async def drain(self, seconds: float) -> int:
        """Let running tasks finish for up to ``seconds``, then cancel the rest (each re-queued
        ``interrupted``); returns how many were cancelled."""
        self.runner.draining = True
        for occ_id in list(self._early):  # not due yet: released, not started during a stop
            early = self.tasks.get(occ_id)
            if early is not None:
                early.cancel()
        pending = [task for task in self.tasks.values() if not task.done()]
        if not pending:
            return 0
        _, left = await asyncio.wait(pending, timeout=seconds)
        for task in left:
            task.cancel()
        if left:
            await asyncio.wait(left)
        return len(left)


class _SlotFreeing:
    """The runner's executor, wrapped: a run's slot is freed as soon as the executor returns."""

    def __init__(self, executor: Executor, free: Callable[[str | None], None]) -> None:
        self._executor, self._free = executor, free

    async def submit(self, request: RunRequest) -> RunResult:
        try:
            return await self._executor.submit(request)
        finally:
            self._free(request.occurrence_id)
