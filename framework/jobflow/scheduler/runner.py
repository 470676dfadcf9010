"""Running one claimed occurrence: a workflow run through the executor, or a reminder firing.

``claimed -> running`` and the run row are one transaction (:meth:`OccurrenceStore.start`); the outcome is
another. A retried occurrence keeps its run id, so each step's idempotency key ``run_id:attempt:step``
is the same as in the attempt that crashed. Outcomes:

- ``succeeded`` -> ``succeeded``; ``failed``/``timed_out`` (the engine spent the step retries) or a run that
  cannot start -> ``failed`` with one ``gave_up`` notification;
- cancelled while the daemon drains -> ``interrupted``: back to ``pending`` without using up an attempt;
- its record could not be written (disk full, database gone: the recorder is critical, so the run stopped)
  -> never reported done: settled as a crash (retried with the same run id after the delay, or ``failed``
  and notified once the attempts are spent).

A reminder later than its grace goes through ``jobflow.reminders.mark_missed`` (rescheduled after the
backoff, its retry count kept on the reminder; given up and notified after the last: that notification is
the only one); otherwise ``fire_reminder`` records it exactly once. What an attempt that died before
recording its outcome already recorded for the fire time (fired, missed) is taken as the outcome.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

import structlog

from jobflow.clock import Clock
from jobflow.engine.executor import Executor, RunRequest
from jobflow.engine.ids import new_run_id
from jobflow.errors import StoreError
from jobflow.scheduler.batching import Batcher
from jobflow.scheduler.config import SchedulerConfig
from jobflow.scheduler.recovery import crash_policy
from jobflow.store import Store
from jobflow.store.scheduling import ACTIVE, Change, Claimed, Decision, SchedulerDB

__all__ = ["Runner"]

_log = structlog.get_logger("jobflow.scheduler")
FINISH_RETRY = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
"""Seconds between attempts to record an outcome while the database is unavailable (the last repeats)."""
_RNG = random.Random()


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

    def unstarted(self, claimed: Claimed) -> Claimed:
        """``claimed``, started by its claim but put back to ``claimed`` before it ran (the dispatcher had no
        run slot for it, or stops): its run row's id kept, so the start that follows reuses that row."""
        row = self._prepared.pop(claimed.occ.id, None)
        if row is None or row["id"] == claimed.occ.run_id:
            return claimed
        return replace(claimed, occ=replace(claimed.occ, run_id=row["id"]))

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
        except StoreError as exc:  # its record could not be written: the disk is full, the database went away
            await self._unrecorded(claimed, attempt, run_id, exc)
            return
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

    async def _unrecorded(self, claimed: Claimed, attempt: int, run_id: str, exc: StoreError) -> None:
        """The run's record could not be written (the recorder is critical, so the run stopped): it never
        counts as done. Settled as a crash: retried with the same run id after the policy's delay (by when
        the store may have room again), or failed and notified once its attempts are spent."""
        occ = claimed.occ
        most, delay = crash_policy(claimed.retry, attempt, self.config.backoff, _RNG)
        now = self.clock.now()
        _log.error("run not recorded: settled as a crash", occurrence_id=occ.id, run_id=run_id, error=str(exc))
        run = {"status": "crashed", "finished_at": now, "error_class": type(exc).__name__, "error_message": str(exc)}
        data: dict[str, Any] = {"error": str(exc), "attempt": attempt}
        if attempt < most:
            when = now + timedelta(seconds=delay)
            text = f"unrecorded run retried as attempt {attempt + 1} of {most}"
            decision = Decision(
                "rescheduled", text, occ.schedule_id, occ.id, run_id, data={**data, "not_before": when.isoformat()}
            )
            values: dict[str, Any] = {"state": "pending", "owner": None, "lease_until": None, "not_before": when}
        else:
            text = f"run could not be recorded on its last attempt ({attempt} of {most})"
            decision = Decision("gave_up", text, occ.schedule_id, occ.id, run_id, data=data, notify=True)
            values = {"state": "failed", "finished_at": now, "lease_until": None, "error": f"not recorded: {exc}"}
        await self._transition(occ.id, values, [decision], run)

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
        from jobflow.store.reminders import ReminderRepository

        occ = claimed.occ
        if not started and not await self._starts.submit((occ.id, None)):
            return
        repo = ReminderRepository(self.store)
        late = (self.clock.now() - occ.fire_time).total_seconds()
        if late <= occ.grace and await fire_reminder(self.store, occ.schedule_id, fire_time=occ.fire_time):
            outcome: str | None = "fired"
        else:  # an earlier attempt of this occurrence may have recorded this fire time, then died
            outcome = await repo.outcome(occ.schedule_id, occ.fire_time)
        if outcome is None and late > occ.grace:
            row = await get_reminder(self.store, occ.schedule_id)
            count = row.retry_count if row is not None else 0
            delay = self.config.backoff[count] if count < len(self.config.backoff) else None
            retry_in = timedelta(seconds=delay) if delay is not None else None
            await mark_missed(self.store, occ.schedule_id, fire_time=occ.fire_time, retry_in=retry_in)
            outcome = await repo.outcome(occ.schedule_id, occ.fire_time)
        done: dict[str, Any] = {"finished_at": self.clock.now(), "lease_until": None}
        if outcome != "missed":  # fired now or before a crash; or the reminder is no longer pending
            await self._transition(occ.id, {**done, "state": "succeeded" if outcome else "skipped"}, [], None)
            return
        # what the reminder became decides, not a retry count read before: a crashed attempt may have
        # recorded this miss already (and counted it)
        after = await get_reminder(self.store, occ.schedule_id)
        decisions = []
        if after is not None and after.pending:
            text = f"reminder missed: retry {after.retry_count} at {after.due_at.isoformat(timespec='seconds')}"
            decisions.append(
                Decision("rescheduled", text, occ.schedule_id, occ.id, data={"late_seconds": round(late, 3)})
            )
        elif after is not None and after.state == "failed":  # its one notification: mark_missed enqueued it
            text = "reminder missed too often: given up"
            decisions.append(Decision("gave_up", text, occ.schedule_id, occ.id, data={"late_seconds": round(late, 3)}))
        missed = (after.retry_count + (after.state == "failed")) if after is not None else occ.missed_count + 1
        await self._transition(occ.id, {**done, "state": "missed", "missed_count": missed}, decisions, None)
