"""Scenario 4: restart after downtime longer than the grace: one-off occurrences are recorded missed,
rescheduled after 60 s (retry 1 of 3), notified once each; after the third missed retry: failed, notified."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from rig import T0, Rig, check_invariant
from sqlalchemy import text

from jobflow.store import Store


async def outbox(store: Store) -> Counter[str]:
    async with store.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT kind FROM notifications"))).scalars().all()
    return Counter(rows)


async def test_missed_one_off_runs_are_rescheduled_then_run(rig: Rig) -> None:
    due = (T0 + timedelta(seconds=2)).isoformat()
    rig.flow("dated", [{"at": due}] * 100, schedule={"overlap": "allow", "max_instances": 100})
    await rig.sync()
    await rig.advance(92)  # killed 2 s before due, back 90 s after: past the 60 s grace
    await rig.tick()
    occs = await rig.occurrences()
    assert len(occs) == 100
    assert rig.steps.executions == []
    assert all(o.state == "pending" and o.missed_count == 1 for o in occs)
    assert all(o.not_before == rig.clock.now() + timedelta(seconds=60) for o in occs), "retry 1 of 3 at +60 s"
    missed = await rig.db.events.list(kinds=["missed"], limit=1000)
    assert len(missed) == 100
    assert all(e.notify for e in missed)
    assert len(await rig.db.events.list(kinds=["rescheduled"], limit=1000)) == 100
    assert await rig.scheduler.notify() == 100
    assert await rig.scheduler.notify() == 0
    assert (await outbox(rig.store))["scheduler.missed"] == 100, "notified once per occurrence"
    await rig.advance(60)
    await rig.tick()
    assert await rig.states() == Counter(succeeded=100)
    assert len(rig.steps.executions) == 100
    await check_invariant(rig.store)


async def test_after_three_missed_retries_the_occurrence_fails_and_is_notified(rig: Rig) -> None:
    due = (T0 + timedelta(seconds=2)).isoformat()
    rig.flow("dated", [{"at": due}] * 3, schedule={"overlap": "allow", "max_instances": 100})
    await rig.sync()
    await rig.advance(92)
    await rig.tick()
    for delay in (60, 120, 300):  # down again each time a retry falls due, back after its grace
        (occ, *_) = await rig.occurrences()
        assert (occ.not_before - rig.clock.now()).total_seconds() == delay
        await rig.advance(delay + 61)
        await rig.tick()
    assert await rig.states() == Counter(failed=3)
    assert rig.steps.executions == []
    assert all(o.missed_count == 4 for o in await rig.occurrences())
    await rig.scheduler.notify()
    assert await outbox(rig.store) == Counter({"scheduler.missed": 3, "scheduler.gave_up": 3})
    await check_invariant(rig.store)
