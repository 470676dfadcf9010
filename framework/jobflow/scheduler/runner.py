"""Running one claimed occurrence: a workflow run through the executor, or a reminder firing.

``claimed -> running`` and the run row are one transaction (:meth:`OccurrenceStore.start`); the outcome is
another. A retried occurrence keeps its run id, so each step's idempotency key ``run_id:attempt:step``
is the same as in the attempt that crashed. Outcomes:

- ``succeeded`` -> ``succeeded``; ``failed``/``timed_out`` (the engine spent the step retries) or a run that
  cannot start -> ``failed`` with one ``gave_up`` notification;
- cancelled while the daemon drains -> ``interrupted``: back to ``pending`` without using up an attempt.

A reminder later than its grace goes through ``jobflow.reminders.mark_missed`` (rescheduled after the
backoff, its retry count kept on the reminder; given up and notified after the last); otherwise
``fire_reminder`` records it exactly once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import structlog

from jobflow.clock import Clock
from jobflow.engine.executor import Executor, RunRequest
from jobflow.engine.ids import new_run_id
from jobflow.errors import StoreError
from jobflow.scheduler.batching import Batcher
from jobflow.scheduler.config import SchedulerConfig
from jobflow.store import Store
from jobflow.store.scheduling import ACTIVE, Change, Claimed, Decision, SchedulerDB

__all__ = ["Runner"]

_log = structlog.get_logger("jobflow.scheduler")
FINISH_RETRY = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
"""Seconds between attempts to record an outcome while the database is unavailable (the last repeats)."""


class Runner:
    """Executes claimed occurrences for one scheduler (``owner``)."""

    def __init__(
        self,
        store: Store,
        db: SchedulerDB,
        config: SchedulerConfig,
        clock: Clock,
        owner: str,
        executor: Executor | None,
    ) -> None:
        self.store, self.db, self.config, self.clock, self.owner = store, db, config, clock, owner
        self.executor = executor
        self._starts: Batcher[tuple[str, dict[str, Any] | None], bool] = Batcher(self._start_many)
        self._ends: Batcher[Change, bool] = Batcher(db.occurrences.transition_many)
        self._prepared: dict[str, dict[str, Any]] = {}
        self.draining = False
        """Set when the daemon stops: a cancelled run is then ``interrupted`` and re-queued."""

    async def _start_many(self, starts: Sequence[tuple[str, dict[str, Any] | None]]) -> list[bool]:
        return await self.db.occurrences.start_many(starts, owner=self.owner)

    def prepare(self, claimed: Claimed) -> dict[str, Any] | None:
        """The run row a workflow occurrence starts with (``None`` for a reminder): the claim writes it
        when the occurrence starts at once."""
        occ = claimed.occ
        if occ.kind == "reminder":
            return None
        row = {
            "id": occ.run_id or new_run_id(), "workflow": claimed.workflow or occ.schedule_id,
            "path": claimed.path or "", "status": "queued", "trigger": f"schedule:{occ.schedule_id}",
            "attempt": occ.attempt + 1, "occurrence_id": occ.id, "inputs": {}, "owner": self.owner,
            "started_at": None, "finished_at": None, "heartbeat_at": None, "error_class": None,
            "error_message": None, "outputs": None,
        }  # fmt: skip
        self._prepared[occ.id] = row
        return row

    async def run(self, claimed: Claimed, *, started: bool = False) -> None:
        """Run ``claimed`` to its outcome (see the module docstring); ``started``: the claim already
        moved it to ``running`` with the row from :meth:`prepare`."""
        if claimed.occ.kind == "reminder":
            await self._reminder(claimed, started)
        else:
            await self._workflow(claimed, started)

    async def _workflow(self, claimed: Claimed, started: bool) -> None:
        occ = claimed.occ
        row = self._prepared.pop(occ.id, None) if started else None
        if row is None:
            row = self.prepare(claimed)
            self._prepared.pop(occ.id, None)
            if not await self._starts.submit((occ.id, row)):
                return
        assert row is not None
        run_id, attempt, trigger = row["id"], row["attempt"], row["trigger"]
        if self.executor is None or claimed.path is None:
            await self._end(claimed, "failed", "no executor for workflow runs", run_id)
            return
        request = RunRequest(claimed.path, {}, trigger, run_id, attempt, occ.id)
        try:
            result = await self.executor.submit(request)
        except asyncio.CancelledError:
            if self.draining:
                await asyncio.shield(self._interrupted(claimed, attempt))
            raise
        except Exception as exc:  # WorkflowInvalid, SecretError, ConfigError, a plugin bug
            await self._end(claimed, "failed", f"the run could not start: {type(exc).__name__}: {exc}", run_id)
            return
        status = result.run.status
        if status == "cancelled" and self.draining:
            await self._interrupted(claimed, attempt)
            return
        error = ": ".join(p for p in (result.run.error_class, result.run.error_message) if p) or None
        await self._end(claimed, "succeeded" if status == "succeeded" else "failed", error, run_id, status)

    async def _end(
        self, claimed: Claimed, state: str, error: str | None, run_id: str | None, run_status: str | None = None
    ) -> None:
        occ = claimed.occ
        decisions: list[Decision] = []
        values: dict[str, Any] = {"state": state, "finished_at": self.clock.now(), "lease_until": None, "error": error}
        if state == "failed":
            what = claimed.workflow or occ.schedule_id
            decisions.append(
                Decision(
                    "gave_up",
                    f"run of {what} {run_status or 'failed'}: no attempts left",
                    occ.schedule_id,
                    occ.id,
                    run_id,
                    data={"error": error or "", "status": run_status or "failed"},
                    notify=True,
                )
            )
        run = {"status": "failed", "error_message": error} if run_status is None and state == "failed" else None
        await self._transition(occ.id, values, decisions, run)

    async def _interrupted(self, claimed: Claimed, attempt: int) -> None:
        occ = claimed.occ
        values = {"state": "pending", "owner": None, "lease_until": None, "not_before": self.clock.now()}
        decision = Decision(
            "interrupted", "run interrupted by shutdown: re-queued", occ.schedule_id, occ.id, occ.run_id
        )
        await self._transition(
            occ.id, {**values, "attempt": attempt - 1}, [decision], {"status": "interrupted", "finished_at": None}
        )

    async def _transition(
        self, occ_id: str, values: dict[str, Any], decisions: list[Decision], run: dict[str, Any] | None
    ) -> None:
        for attempt in range(10_000):
            try:
                await self._ends.submit(Change(occ_id, ACTIVE, self.owner, values, tuple(decisions), run))
                return
            except StoreError as exc:
                delay = FINISH_RETRY[min(attempt, len(FINISH_RETRY) - 1)]
                _log.error("cannot record an outcome; retrying", occurrence_id=occ_id, error=str(exc), retry_in=delay)
                await self.clock.sleep(delay)

    async def _reminder(self, claimed: Claimed, started: bool) -> None:
        from jobflow.reminders import fire_reminder, get_reminder, mark_missed

        occ = claimed.occ
        if not started and not await self._starts.submit((occ.id, None)):
            return
        late = (self.clock.now() - occ.fire_time).total_seconds()
        if late <= occ.grace:
            fired = await fire_reminder(self.store, occ.schedule_id, fire_time=occ.fire_time)
            state = "succeeded" if fired else "skipped"
            await self._transition(
                occ.id, {"state": state, "finished_at": self.clock.now(), "lease_until": None}, [], None
            )
            return
        row = await get_reminder(self.store, occ.schedule_id)
        count = row.retry_count if row is not None else 0
        delay = self.config.backoff[count] if count < len(self.config.backoff) else None
        await mark_missed(
            self.store, occ.schedule_id, fire_time=occ.fire_time, retry_in=timedelta(seconds=delay) if delay else None
        )
        kind, text = (
            ("rescheduled", f"reminder missed: retry {count + 1} in {delay:g}s")
            if delay
            else ("gave_up", "reminder missed too often: given up")
        )
        decision = Decision(kind, text, occ.schedule_id, occ.id, data={"late_seconds": round(late, 3)})
        values = {"state": "missed", "finished_at": self.clock.now(), "lease_until": None, "missed_count": count + 1}
        await self._transition(occ.id, values, [decision], None)
