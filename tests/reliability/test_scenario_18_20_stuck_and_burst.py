"""Scenario 18 (a live but stuck run: no heartbeat for longer than ``SCHEDULER_HEARTBEAT_TIMEOUT``) and
scenario 20 (a burst: many occurrences due in the same second with K run slots)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from rig import T0, Rig, check_invariant


async def test_a_stuck_run_is_detected_by_heartbeat_cancelled_and_retried(rig: Rig) -> None:
    rig.flow("stuck", [{"at": (T0 + timedelta(seconds=1)).isoformat()}],
             [{"uses": "rt.mark", "with": {"key": "stuck", "hold": True}}])  # fmt: skip
    await rig.sync()
    await rig.advance(2)
    await rig.scheduler.catch_up()
    await rig.scheduler.dispatcher.claim_once()
    assert await rig.until_held() == 1
    await rig.advance(rig.config.heartbeat_timeout - 3)  # its last heartbeat is not too old yet
    assert await rig.scheduler.recovery.sweep() == 0, "not caught before the heartbeat timeout"
    await rig.advance(4)  # no heartbeat for longer than the timeout
    assert await rig.scheduler.recovery.sweep() == 1, "caught once the heartbeat timeout passed"
    zombie = await rig.db.events.list(kinds=["zombie"])
    assert "stuck" in zombie[0].message
    await rig.run_due()
    assert not rig.scheduler.dispatcher.tasks, "the run slot was released"
    (occ,) = await rig.occurrences()
    assert occ.state == "pending"
    rig.steps.release.set()
    await rig.advance(61)
    await rig.tick()
    (occ,) = await rig.occurrences()
    assert occ.state == "succeeded"
    assert occ.attempt == 2
    detail = await rig.store.runs.get(occ.run_id or "")
    assert detail is not None
    assert [(s.attempt, s.status) for s in detail.steps] == [(1, "cancelled"), (2, "succeeded")], "both kept"
    assert len(rig.steps.executions) == 2
    assert len(set(rig.steps.executions)) == 1, "the retry repeats the same idempotency key"
    await check_invariant(rig.store)


async def test_a_burst_runs_at_most_k_at_a_time_in_due_order_none_missed(rig: Rig) -> None:
    dispatcher = rig.scheduler.dispatcher
    dispatcher.config = replace(dispatcher.config, max_runs=3)  # K = 3 run slots
    dispatcher._slots = asyncio.Semaphore(3)
    due = (T0 + timedelta(seconds=1)).isoformat()
    rig.flow("burst", [{"at": due}] * 60, [{"uses": "rt.mark", "with": {"key": "burst", "hold": True}}],
             schedule={"overlap": "allow", "max_instances": 100})  # fmt: skip
    await rig.sync()
    await rig.advance(1)
    await rig.scheduler.catch_up()
    first = await rig.scheduler.dispatcher.claim_once()
    assert len(first.claimed) == 60, "all claimed in one pass"
    await rig.until_held(3, turns=200)
    await rig.db.occurrences.list()
    assert rig.steps.held == 3, "K run at once, the rest wait"
    assert (await rig.states())["running"] <= 3, await rig.states()
    rig.steps.release.set()
    await rig.run_due()
    occs = await rig.occurrences()
    assert all(o.state == "succeeded" for o in occs), "none missed"
    assert rig.steps.most_active <= 3, "never more than K at a time"
    started = sorted(occs, key=lambda o: o.started_at or T0)
    assert [o.id for o in started] == sorted(o.id for o in occs), "in due order"
    await check_invariant(rig.store)
