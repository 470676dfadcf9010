"""The scheduler's core, one method per duty, each usable on its own (tests drive it with a fake clock):

- :meth:`Scheduler.resync`: workflow files -> ``schedules`` (one transaction) -> the timer's jobs;
- :meth:`Scheduler.catch_up`: fire times that passed while no scheduler ran become occurrences;
- :meth:`Scheduler.take` / :meth:`Scheduler.flush`: fire times from the timer, recorded in batches;
- :meth:`Scheduler.look_ahead`: fire times recorded and claimed ``claim_lead`` seconds before they come;
- :meth:`Scheduler.reconcile_reminders`: pending reminders <-> the timer's reminder jobs, both ways;
- claiming and running (:attr:`dispatcher`), zombies (:attr:`recovery`), notices (:func:`hand_over`).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta

import structlog

from jobflow.clock import Clock
from jobflow.engine.executor import Executor
from jobflow.errors import StoreError
from jobflow.scheduler.config import SchedulerConfig
from jobflow.scheduler.dispatcher import IDLE, STORE_RETRY, Dispatcher, wait_any
from jobflow.scheduler.lookahead import Lookahead
from jobflow.scheduler.notices import hand_over
from jobflow.scheduler.planning import following_after, overdue_times, plan
from jobflow.scheduler.recovery import Recovery
from jobflow.scheduler.runner import Runner
from jobflow.scheduler.specs import Loaded
from jobflow.scheduler.timer import Signal
from jobflow.scheduler.timing import JobSpec, Timer
from jobflow.store import Store
from jobflow.store.scheduling import Decision, Fire, SchedulerDB, ScheduleRow, SyncResult

__all__ = ["Scheduler"]

_log = structlog.get_logger("jobflow.scheduler")
CATCH_UP_CHUNK = 1_000
"""Overdue schedules planned per worker-thread call and recorded per transaction at start-up."""
AHEAD_BATCH = 0.25
"""Seconds of fire times the look-ahead records per transaction (it records those due in
``claim_lead - AHEAD_BATCH`` to ``claim_lead`` seconds)."""


class Scheduler:
    """Everything one active scheduler (``owner``, the lease holder) does, on one store."""

    def __init__(
        self,
        store: Store,
        config: SchedulerConfig,
        *,
        owner: str,
        executor: Executor | None,
        timer: Timer | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.owner = owner
        self.clock = clock or store.clock
        self.timer = timer
        self.db = SchedulerDB(store)
        self.runner = Runner(store, self.db, config, self.clock, owner, executor)
        self.dispatcher = Dispatcher(self.db, config, self.clock, owner, self.runner)
        self.recovery = Recovery(self.db, config, self.clock, owner, cancel_local=self.dispatcher.cancel)
        self.schedules: dict[str, ScheduleRow] = {}
        self._signals: list[Signal] = []
        self._flushing: asyncio.Task[None] | None = None
        self._reminders: dict[str, datetime] = {}
        self.ahead = Lookahead()
        """The schedules' next fire times, for :meth:`look_ahead`."""
        self._ahead_wake = asyncio.Event()

    # ---------------------------------------------------------------------------------- schedules

    async def resync(self, loaded: Loaded) -> SyncResult:
        """Store the schedules ``loaded`` declares (files that failed keep theirs), then update the timer."""
        for path, reason in loaded.failed.items():
            _log.error("workflow file not loaded; its schedules are kept as they were", path=path, reason=reason)
        result = await self.db.schedules.sync(loaded.specs, keep=set(loaded.failed))
        self.ahead.forget(result.changed + result.removed)
        if result.added or result.changed or result.removed or not self.schedules:
            self._hold(result.rows)
        if self.timer is not None:
            await self.timer.drop(result.removed)
            await self.sync_timer(result.added + result.changed)
        return result

    async def refresh(self) -> None:
        """Re-read the schedules (policies, triggers, next fire times) into memory."""
        self._hold({row.id: row for row in await self.db.schedules.all()})

    def _hold(self, rows: dict[str, ScheduleRow]) -> None:
        self.schedules = rows
        self.ahead.reset(rows.values())
        self._ahead_wake.set()

    async def sync_timer(self, ids: list[str] | None = None) -> None:
        """Make the timer's workflow jobs match the schedules (``ids``: only these; ``None``: all)."""
        assert self.timer is not None
        only = set(ids) if ids is not None else None
        rows = list(self.schedules.values())
        wanted = await asyncio.to_thread(
            lambda: [
                JobSpec(row.id, row.trigger, row.next_fire_time)
                for row in rows
                if row.state == "active" and row.next_fire_time is not None and (only is None or row.id in only)
            ]
        )
        await self.timer.put(wanted)
        if ids is None:
            stale = [j for j in self.timer.jobs if j.startswith("workflow:") and j not in self.schedules]
            done = [r.id for r in self.schedules.values() if r.next_fire_time is None]
            await self.timer.drop(stale + done)

    # ----------------------------------------------------------------------------------- catch-up

    async def catch_up(self) -> int:
        """Turn every fire time that passed unrecorded (the daemon was down) into occurrences per each
        schedule's catch-up policy; returns how many occurrences were recorded."""
        now = self.clock.now()
        rows = await self.db.schedules.overdue(now)
        recorded = 0
        for start in range(0, len(rows), CATCH_UP_CHUNK):
            part = rows[start : start + CATCH_UP_CHUNK]
            fires, advances = await asyncio.to_thread(self._plan_overdue, part, now)
            recorded += len(await self.db.occurrences.record(fires, advances))
            for schedule_id, _, following in advances:
                row = self.schedules.get(schedule_id)
                if row is not None:
                    self.schedules[schedule_id] = replace(row, next_fire_time=following)
                    self.ahead.moved(schedule_id, following)
        if rows:
            self.dispatcher.poke()
        return recorded

    def _plan_overdue(
        self, rows: list[ScheduleRow], now: datetime
    ) -> tuple[list[Fire], list[tuple[str, datetime, datetime | None]]]:
        fires: list[Fire] = []
        advances: list[tuple[str, datetime, datetime | None]] = []
        for row in rows:
            keep = 1 if row.catch_up == "coalesce" else row.catch_up_max
            found = overdue_times(row, now, keep)
            if not found.tail:
                continue
            fires += plan(row, found.tail, now, self.config.backoff, counted=found.count, first=found.first)
            advances.append((row.id, found.tail[-1], found.following))
        return fires, advances

    # ------------------------------------------------------------------------------- timer intake

    def take(self, signals: list[Signal]) -> None:
        """Take a batch of signals from the timer (on the event loop): recorded together by the next
        :meth:`flush`, so a backlog handed over at once is planned (coalesced) at once."""
        self._signals.extend(signals)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.ensure_future(self._flush_soon())

    async def _flush_soon(self) -> None:
        while self._signals:
            try:
                await self.flush()
            except Exception as exc:  # the store is down: keep the signals and retry
                _log.error("cannot record fire times; retrying", error=f"{type(exc).__name__}: {exc}")
                await self.clock.sleep(1.0)

    async def flush(self) -> int:
        """Record the signals received so far (one transaction); returns how many occurrences were new."""
        batch, self._signals = self._signals, []
        if not batch:
            return 0
        try:
            return await self._record(batch)
        except BaseException:
            self._signals[:0] = batch
            raise

    async def _record(self, batch: list[Signal], *, ahead: bool = False) -> int:
        now = self.clock.now()
        times: dict[str, list[datetime]] = defaultdict(list)
        fires: list[Fire] = []
        problems: list[Decision] = []
        for sig in batch:
            if sig.problem:
                problems.append(Decision("timer_error", f"timer problem: {sig.problem}", sig.target, data={}))
            if self.timer is not None and not ahead:
                self.timer.fired(sig.target, sig.fire_time)
            if sig.kind == "reminder":
                fires.append(Fire(sig.target, sig.fire_time, sig.fire_time, self.config.misfire_grace, kind="reminder"))
            else:
                times[sig.target].append(sig.fire_time)
        advances: list[tuple[str, datetime, datetime | None]] = []
        moved: dict[str, datetime | None] = {}
        for target, fired in times.items():
            row = self.schedules.get(target) or await self.db.schedules.get(target)
            if row is None:
                _log.warning("fire time of an unknown schedule ignored", schedule_id=target)
                continue
            fired = sorted(set(fired))
            following = following_after(row, fired[-1])
            if self.timer is not None and not ahead:
                self.timer.advanced(row.id, following)
            fired = [at for at in fired if not self.ahead.recorded(row.id, at)]
            if not fired:
                continue  # recorded by the look-ahead already
            fires += plan(row, fired, now, self.config.backoff)
            advances.append((row.id, fired[-1], following))
            if row.next_fire_time is not None and row.next_fire_time <= fired[-1]:
                moved[row.id] = following
        if problems:
            await self.db.events.add(problems)
        if not fires and not advances:
            return 0
        request = self.dispatcher.request()
        if request is None:
            new = await self.db.occurrences.record(fires, advances)
        else:  # the fast path: recorded, claimed and started in one transaction
            new, result = await self.db.claims.record_and_claim(fires, advances, request)
            self.dispatcher.accept(result)
        for schedule_id, following in moved.items():
            row = self.schedules.get(schedule_id)
            if row is not None:
                self.schedules[schedule_id] = replace(row, next_fire_time=following)
            self.ahead.moved(schedule_id, following)
        if ahead:
            for target, fired in times.items():
                self.ahead.did(target, max(fired))
        self.dispatcher.poke()
        return len(new)

    # --------------------------------------------------------------------------------- look-ahead

    async def look_ahead(self, stop: asyncio.Event) -> None:
        """Record and claim the schedules' fire times ``claim_lead`` seconds before they come, until ``stop``
        is set or the lease is lost (the daemon runs it beside the claim loop; a no-op without a lead).

        A schedule with a run of its own in this process is left to the timer when its fire time comes:
        its overlap policy is then judged at the fire time, as without a lead.
        """
        lead = self.config.claim_lead
        failures = 0
        while lead > 0 and not stop.is_set() and not self.dispatcher.lease_lost:
            self._ahead_wake.clear()
            now = self.clock.now()
            earliest = self.ahead.earliest()
            wait = IDLE if earliest is None else (earliest - now).total_seconds() - (lead - AHEAD_BATCH)
            if wait > 0:
                await wait_any([stop, self._ahead_wake], min(IDLE, wait))
                continue
            try:
                await self.record_ahead(now + timedelta(seconds=lead))
                failures = 0
            except StoreError as exc:  # the timer hands those fire times over when due
                delay = STORE_RETRY[min(failures, len(STORE_RETRY) - 1)]
                failures += 1
                _log.error("cannot record fire times ahead; retrying", error=str(exc), retry_in=delay)
                await wait_any([stop], delay)

    async def record_ahead(self, horizon: datetime) -> int:
        """Record (and claim) the next fire time of every schedule due by ``horizon``; returns how many
        occurrences were new."""
        batch = []
        now = self.clock.now()
        for schedule_id, at in self.ahead.take(horizon):
            row = self.schedules.get(schedule_id)
            if row is None or row.state != "active":
                continue
            if self.dispatcher.busy.get(schedule_id) and "at" not in row.trigger:
                continue  # overlap is judged at the fire time: the timer hands this one over
            following = following_after(row, at)
            if following is not None and following <= now:
                continue  # a backlog (the process was suspended): the timer hands it over whole, to coalesce
            batch.append(Signal("workflow", schedule_id, at))
        return await self._record(batch, ahead=True) if batch else 0

    # ---------------------------------------------------------------------------------- reminders

    async def reconcile_reminders(self) -> tuple[int, int]:
        """Pending reminders get a timer job (at ``due_at``, or kept where the timer has it) and jobs
        without a pending reminder are removed; returns (jobs written, jobs removed)."""
        from jobflow.reminders import PENDING_REMINDER_STATES, list_reminders

        if self.timer is None:
            return 0, 0
        pending = {row.id: row for row in await list_reminders(self.store, state=PENDING_REMINDER_STATES)}
        held = {j: spec for j, spec in self.timer.jobs.items() if j.startswith("reminder:")}
        wanted = []
        for rid, row in pending.items():
            due = row.due_at.isoformat()
            spec = held.get(rid)
            if spec is not None and spec.kwargs.get("due_at") == due:
                continue  # the timer is authoritative for when it fires
            wanted.append(JobSpec(rid, {"at": due}, row.due_at, {"due_at": due}))
        gone = [j for j in held if j not in pending]
        written = await self.timer.put(wanted)
        removed = await self.timer.drop(gone)
        if written or removed:
            _log.info("reminders reconciled with the timer", jobs_written=written, jobs_removed=removed)
        return written, removed

    # ------------------------------------------------------------------------------------ notices

    async def notify(self) -> int:
        """Hand owed notifications to the outbox."""
        return await hand_over(self.store, self.db)
