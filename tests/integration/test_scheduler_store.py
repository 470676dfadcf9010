"""The scheduler's tables on SQLite and PostgreSQL: re-sync, recording fire times, claims, the lease."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from store_support import T0, Database

from jobflow.clock import FakeClock
from jobflow.store import Store
from jobflow.store.scheduling import ClaimRequest, Fire, SchedulerDB, ScheduleSpec

LEASE = "scheduler"
ME = "host:1:boot:aaaa"
OTHER = "host:2:boot:bbbb"


def spec(n: int = 0, *, trigger: str = "0 8 * * *", **changes: object) -> ScheduleSpec:
    values: dict[str, object] = {
        "id": f"workflow:berlin:{n}",
        "workflow": "berlin",
        "path": "/flows/berlin.yaml",
        "position": n,
        "trigger": {"cron": trigger},
        "trigger_hash": trigger,
        "next_fire_time": T0 + timedelta(hours=1),
        "misfire_grace": 60.0,
    }
    return ScheduleSpec(**{**values, **changes})  # type: ignore[arg-type]


def fire(schedule: str, minutes: float, **changes: object) -> Fire:
    at = T0 + timedelta(minutes=minutes)
    values: dict[str, object] = {"schedule_id": schedule, "fire_time": at, "not_before": at, "grace": 60.0}
    return Fire(**{**values, **changes})  # type: ignore[arg-type]


def clock_of(store: Store) -> FakeClock:
    assert isinstance(store.clock, FakeClock)
    return store.clock


async def claim(db: SchedulerDB, owner: str = ME, limit: int = 100):  # type: ignore[no-untyped-def]
    request = ClaimRequest(owner=owner, lease_name=LEASE, lease_seconds=30, backoff=[60, 120, 300], limit=limit)
    return await db.claims.claim(request)


async def test_sync_adds_keeps_changes_and_removes(store: Store) -> None:
    db = SchedulerDB(store)
    first = await db.schedules.sync([spec(0), spec(1)])
    assert sorted(first.added) == ["workflow:berlin:0", "workflow:berlin:1"]
    again = await db.schedules.sync([spec(0, next_fire_time=T0 + timedelta(days=9)), spec(1)])
    assert sorted(again.unchanged) == ["workflow:berlin:0", "workflow:berlin:1"]
    kept = await db.schedules.get("workflow:berlin:0")
    assert kept is not None, "unchanged keeps its next fire time"
    assert kept.next_fire_time == T0 + timedelta(hours=1), "unchanged keeps its next fire time"
    changed = await db.schedules.sync([spec(0, trigger="0 9 * * *", next_fire_time=T0 + timedelta(hours=2))])
    assert changed.changed == ["workflow:berlin:0"]
    assert changed.removed == ["workflow:berlin:1"]
    row = await db.schedules.get("workflow:berlin:0")
    assert row is not None
    assert row.next_fire_time == T0 + timedelta(hours=2)
    assert await db.schedules.get("workflow:berlin:1") is None


async def test_removing_a_schedule_cancels_its_pending_occurrences_only(store: Store) -> None:
    db = SchedulerDB(store)
    await db.schedules.sync([spec(0), spec(1)])
    await db.occurrences.record([fire("workflow:berlin:1", 0), fire("workflow:berlin:0", 0)])
    await db.schedules.sync([spec(0)])
    states = {o.schedule_id: o.state for o in await db.occurrences.list()}
    assert states == {"workflow:berlin:0": "pending", "workflow:berlin:1": "cancelled"}


async def test_recording_the_same_fire_twice_is_harmless(store: Store) -> None:
    db = SchedulerDB(store)
    await db.schedules.sync([spec(0)])
    assert len(await db.occurrences.record([fire("workflow:berlin:0", 0)])) == 1
    assert await db.occurrences.record([fire("workflow:berlin:0", 0), fire("workflow:berlin:0", 0)]) == []
    assert len(await db.occurrences.list()) == 1


async def test_record_advances_the_schedule_only_forward(store: Store) -> None:
    db = SchedulerDB(store)
    await db.schedules.sync([spec(0, next_fire_time=T0)])
    later = T0 + timedelta(days=1)
    await db.occurrences.record([fire("workflow:berlin:0", 0)], [("workflow:berlin:0", T0, later)])
    await db.occurrences.record([], [("workflow:berlin:0", T0, T0 + timedelta(minutes=5))])
    row = await db.schedules.get("workflow:berlin:0")
    assert row is not None
    assert row.next_fire_time == later


async def test_claim_needs_the_lease(store: Store) -> None:
    db = SchedulerDB(store)
    await db.schedules.sync([spec(0)])
    await db.occurrences.record([fire("workflow:berlin:0", 0)])
    assert (await claim(db)).lease_lost
    assert (await db.lease.acquire(LEASE, ME, 30))[0]
    assert not (await db.lease.acquire(LEASE, OTHER, 30))[0]
    assert (await claim(db, OTHER)).lease_lost, "a scheduler without the lease claims nothing"
    result = await claim(db)
    assert [c.occ.id for c in result.claimed] == [fire("workflow:berlin:0", 0).id]
    assert (await claim(db)).claimed == [], "claimed once only"


async def test_an_expired_or_dead_lease_is_taken_over(store: Store) -> None:
    db = SchedulerDB(store)
    assert (await db.lease.acquire(LEASE, OTHER, 30))[0]
    clock_of(store).advance(31)
    taken, lease = await db.lease.acquire(LEASE, ME, 30)
    assert taken
    assert lease is not None
    assert lease.owner == ME
    assert not await db.lease.renew(LEASE, OTHER, 30)
    assert (await db.lease.acquire(LEASE, OTHER, 30, is_dead=lambda owner: owner == ME))[0]


async def test_claim_respects_due_time_and_one_run_per_schedule(store: Store) -> None:
    db = SchedulerDB(store)
    await db.schedules.sync([spec(0), spec(1)])
    await db.lease.acquire(LEASE, ME, 3600)
    await db.occurrences.record(
        [
            fire("workflow:berlin:0", 0),
            fire("workflow:berlin:0", 0.5, check_overlap=False),
            fire("workflow:berlin:1", 5),
        ]
    )
    first = await claim(db)
    assert [c.occ.fire_time for c in first.claimed] == [T0], "the second one of schedule 0 waits; schedule 1 not due"
    clock_of(store).advance(300)
    second = await claim(db)
    assert [c.occ.schedule_id for c in second.claimed] == ["workflow:berlin:1"]
    running = first.claimed[0].occ
    assert await db.occurrences.start(running.id, owner=ME, run=None)
    assert await db.occurrences.transition(running.id, expect=("running",), owner=ME, values={"state": "succeeded"})
    third = await claim(db)
    assert [c.occ.fire_time for c in third.claimed] == [T0 + timedelta(seconds=30)]
    assert third.missed == 0, "a queued occurrence's wait does not count as missing its window"


async def test_a_late_occurrence_is_missed_rescheduled_then_failed(store: Store) -> None:
    db = SchedulerDB(store)
    await db.schedules.sync([spec(0)])
    await db.lease.acquire(LEASE, ME, 10**6)
    await db.occurrences.record([fire("workflow:berlin:0", 0)])
    clock = clock_of(store)
    clock.advance(61)
    delays = []
    for _ in range(3):
        result = await claim(db)
        assert result.missed == 1
        assert result.claimed == []
        (occ,) = await db.occurrences.list()
        assert occ.state == "pending"
        delays.append((occ.not_before - clock.now()).total_seconds())
        clock.advance(delays[-1] + 61)
    assert delays == [60, 120, 300]
    result = await claim(db)
    assert result.gave_up == 1
    (occ,) = await db.occurrences.list()
    assert occ.state == "failed"
    assert occ.missed_count == 4
    notices = await db.events.notices()
    assert [n.kind for n in notices] == ["missed", "gave_up"], "notified once when missed, once when given up"


async def test_overlap_skip_queue_and_allow(store: Store) -> None:
    db = SchedulerDB(store)
    await db.schedules.sync(
        [spec(0, overlap="skip"), spec(1, overlap="queue"), spec(2, overlap="allow", max_instances=2)]
    )
    await db.lease.acquire(LEASE, ME, 10**6)
    await db.occurrences.record([fire(f"workflow:berlin:{n}", 0) for n in range(3)])
    assert len((await claim(db)).claimed) == 3
    later = [fire(f"workflow:berlin:{n}", m) for n in range(3) for m in (1, 2)]
    await db.occurrences.record(later)
    states = {(o.schedule_id[-1], o.fire_time.minute): o.state for o in await db.occurrences.list()}
    assert states == {
        ("0", 0): "claimed", ("0", 1): "skipped", ("0", 2): "skipped",
        ("1", 0): "claimed", ("1", 1): "pending", ("1", 2): "skipped",
        ("2", 0): "claimed", ("2", 1): "pending", ("2", 2): "pending",
    }  # fmt: skip
    skipped = await db.events.list(kinds=["skipped"])
    assert len(skipped) == 3
    assert all(e.data["reason"] == "overlap" for e in skipped)


async def test_start_creates_or_reuses_the_run_row_in_the_claim_transaction(store: Store) -> None:
    db = SchedulerDB(store)
    await db.schedules.sync([spec(0)])
    await db.lease.acquire(LEASE, ME, 10**6)
    await db.occurrences.record([fire("workflow:berlin:0", 0)])
    (claimed,) = (await claim(db)).claimed
    run = {
        "id": "run-1", "workflow": "berlin", "path": "/flows/berlin.yaml", "status": "queued", "trigger": "schedule",
        "attempt": 1, "occurrence_id": claimed.occ.id, "inputs": {}, "owner": ME,
    }  # fmt: skip
    assert await db.occurrences.start(claimed.occ.id, owner=ME, run=run)
    assert not await db.occurrences.start(claimed.occ.id, owner=ME, run=run), "started once"
    detail = await store.runs.get("run-1")
    assert detail is not None
    assert detail.run.status == "queued"
    assert detail.run.occurrence_id == claimed.occ.id
    assert await db.occurrences.transition(
        claimed.occ.id, expect=("running",), owner=ME, values={"state": "pending", "owner": None},
        run={"status": "crashed"},
    )  # fmt: skip
    (again,) = (await claim(db)).claimed
    assert await db.occurrences.start(again.occ.id, owner=ME, run={**run, "attempt": 2})
    detail = await store.runs.get("run-1")
    occ = await db.occurrences.get(claimed.occ.id)
    assert detail is not None
    assert detail.run.attempt == 2
    assert detail.run.status == "queued"
    assert occ is not None
    assert occ.attempt == 2
    assert occ.run_id == "run-1"


async def test_two_schedulers_claiming_at_once_never_share_an_occurrence(database: Database) -> None:
    stores = [await database.open(clock=FakeClock(T0)) for _ in range(2)]
    try:
        db = [SchedulerDB(s) for s in stores]
        await db[0].schedules.sync([spec(n) for n in range(40)])
        await db[0].occurrences.record([fire(f"workflow:berlin:{n}", 0) for n in range(40)])
        await db[0].lease.acquire(LEASE, ME, 10**6)
        results = await asyncio.gather(*(claim(db[i % 2], limit=7) for i in range(10)))
        ids = [c.occ.id for r in results for c in r.claimed]
        assert len(ids) == len(set(ids)) == 40
    finally:
        for s in stores:
            await s.close()
