"""Claiming ahead (``claim_lead``): fire times recorded, claimed and started before they come, handed over
exactly on time; released when the scheduler stops first; put back to ``claimed`` when no run slot frees up.

Real SQLite and PostgreSQL, the real clock (the hand-over waits on a loop timer): a test waits 1.5 s of
wall-clock time at most (fire times are that far ahead so a slow transaction on a busy machine still
claims them early); the whole file takes five to ten seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from store_support import Database

from jobflow.clock import SystemClock
from jobflow.engine.executor import RunRequest
from jobflow.engine.runner import RunResult
from jobflow.events import RunInfo
from jobflow.scheduler.config import LEASE_NAME, SchedulerConfig
from jobflow.scheduler.service import Scheduler
from jobflow.scheduler.timer import Signal
from jobflow.store import Store
from jobflow.store.scheduling import ScheduleSpec, occurrence_id

OWNER = "lookahead-host:1:boot:aaaa"


class Executor:
    """Records when each run was handed over; holds runs while ``hold`` is clear."""

    def __init__(self) -> None:
        self.handed: dict[str, float] = {}
        self.hold = asyncio.Event()
        self.hold.set()
        self.entered = asyncio.Event()

    async def submit(self, request: RunRequest) -> RunResult:
        self.handed[request.occurrence_id or ""] = time.time()
        self.entered.set()
        await self.hold.wait()
        now = datetime.now(UTC)
        run = RunInfo(id=request.run_id or "", workflow="w", path=request.workflow_path, trigger=request.trigger,
                      status="succeeded", started_at=now, finished_at=now, attempt=request.attempt)  # fmt: skip
        return RunResult(run, {}, [])


@pytest.fixture
async def live(database: Database) -> AsyncIterator[Store]:
    opened = await database.open(clock=SystemClock())
    try:
        yield opened
    finally:
        await opened.close()


def one_off(n: int, at: datetime) -> ScheduleSpec:
    trigger = {"at": at.isoformat(), "jitter": 0.0}
    return ScheduleSpec(
        id=f"workflow:w:{n}", workflow="w", path="/flows/w.yaml", position=n, trigger=trigger,
        trigger_hash=str(trigger), next_fire_time=at, misfire_grace=60.0, overlap="allow", max_instances=5,
    )  # fmt: skip


async def scheduler_on(store: Store, executor: Executor, **config: float) -> Scheduler:
    cfg = SchedulerConfig(**{"lease_seconds": 600, "claim_lead": 3.0, **config})  # type: ignore[arg-type]
    scheduler = Scheduler(store, cfg, owner=OWNER, executor=executor)
    taken, _ = await scheduler.db.lease.acquire(LEASE_NAME, OWNER, cfg.lease_seconds)
    assert taken
    return scheduler


async def wait_until(check: object, seconds: float = 5.0) -> None:
    """Let the loop run until ``check()`` holds (polling loop turns and short timer waits, bounded)."""
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.wait([asyncio.ensure_future(asyncio.Event().wait())], timeout=0.01)


async def test_occurrences_are_claimed_ahead_and_handed_over_on_time(live: Store) -> None:
    executor = Executor()
    scheduler = await scheduler_on(live, executor)
    due = datetime.now(UTC) + timedelta(seconds=1.5)  # room for a slow transaction on a busy machine
    specs = [one_off(n, due + timedelta(milliseconds=20 * n)) for n in range(5)]
    await scheduler.db.schedules.sync(specs)
    await scheduler.refresh()

    new = await scheduler.record_ahead(datetime.now(UTC) + timedelta(seconds=2))
    assert new == 5
    occs = {o.id: o for o in await scheduler.db.occurrences.list()}
    assert {o.state for o in occs.values()} == {"running"}, "claimed and started ahead, in one transaction"
    assert not executor.handed, "nothing handed over before its time"
    assert all(s.next_fire_time is None for s in scheduler.schedules.values()), "the schedules moved on"

    signal = Signal("workflow", specs[0].id, due)  # the timer hands the same fire time over later
    scheduler.take([signal])
    assert await scheduler.flush() == 0, "a fire time recorded ahead costs the timer nothing"

    await wait_until(lambda: len(executor.handed) == 5 and not scheduler.dispatcher.tasks)
    for s in specs:
        assert s.next_fire_time is not None
        late = executor.handed[occurrence_id(s.id, s.next_fire_time)] - s.next_fire_time.timestamp()
        assert late >= 0, "never handed over early"
        assert late < 0.5, f"handed over {late:.3f} s late (a sanity bound; bench/scheduler.py measures it)"
    states = {o.state for o in await scheduler.db.occurrences.list()}
    assert states == {"succeeded"}
    runs = await live.runs.list(limit=100)
    assert sorted(r.occurrence_id or "" for r in runs) == sorted(occs), "one run row per occurrence"


async def test_stopping_before_the_time_releases_without_using_an_attempt(live: Store) -> None:
    executor = Executor()
    scheduler = await scheduler_on(live, executor)
    due = datetime.now(UTC) + timedelta(seconds=2)
    await scheduler.db.schedules.sync([one_off(0, due)])
    await scheduler.refresh()
    await scheduler.record_ahead(datetime.now(UTC) + timedelta(seconds=2.5))
    [occ] = await scheduler.db.occurrences.list()
    assert occ.state == "running"
    assert occ.attempt == 1

    assert await scheduler.dispatcher.drain(5.0) == 0, "nothing was running: nothing interrupted"
    [occ] = await scheduler.db.occurrences.list()
    assert (occ.state, occ.owner, occ.attempt) == ("pending", None, 0), "back to pending, attempt not used"
    assert occ.run_id is not None, "its run row is kept for the next start"
    assert not executor.handed
    events = await scheduler.db.events.list(limit=50)
    assert any(e.kind == "released" and e.occurrence_id == occ.id for e in events)


async def test_no_free_slot_puts_a_started_occurrence_back_to_claimed(live: Store) -> None:
    executor = Executor()
    scheduler = await scheduler_on(live, executor, max_runs=1, heartbeat_timeout=0.2)
    now = datetime.now(UTC)
    await scheduler.db.schedules.sync([one_off(0, now), one_off(1, now + timedelta(seconds=1.5))])
    await scheduler.refresh()
    executor.hold.clear()
    await scheduler.record_ahead(now + timedelta(seconds=2))
    await wait_until(executor.entered.is_set)  # the first takes the only run slot and holds it
    later = occurrence_id("workflow:w:1", now + timedelta(seconds=1.5))

    async def parked() -> bool:
        occ = await scheduler.db.occurrences.get(later)
        return occ is not None and occ.state == "claimed"

    deadline = time.monotonic() + 5
    while not await parked():
        assert time.monotonic() < deadline, "the second occurrence was never put back to claimed"
    occ = await scheduler.db.occurrences.get(later)
    assert occ is not None
    assert occ.attempt == 0, "its attempt is not used while it waits"
    executor.hold.set()
    await wait_until(lambda: len(executor.handed) == 2 and not scheduler.dispatcher.tasks)
    occs = await scheduler.db.occurrences.list()
    assert {o.state for o in occs} == {"succeeded"}
    runs = await live.runs.list(limit=100)
    assert len(runs) == 2, "the run row written ahead is reused, none is left behind"
