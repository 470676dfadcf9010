"""Scenario 19: a fire time due while the previous run is still in flight follows the workflow's overlap
policy (skip / queue one / allow N); a skip is recorded as ``skipped(overlap)`` with a decision event."""

from __future__ import annotations

from collections import Counter

import pytest
from rig import Rig, check_invariant


async def run_held(rig: Rig, policy: dict[str, object], fires: int) -> Counter[str]:
    rig.flow(
        "slow", [{"cron": "* * * * *"}], [{"uses": "rt.mark", "with": {"key": "slow", "hold": True}}], schedule=policy
    )
    await rig.sync()
    await rig.scheduler.catch_up()
    await rig.scheduler.dispatcher.claim_once()  # the 08:00 run starts and holds
    for _ in range(fires):
        await rig.advance(60)
        await rig.scheduler.catch_up()
        await rig.scheduler.dispatcher.claim_once()
    await rig.until_held(len(rig.scheduler.dispatcher.tasks))  # let the claimed runs reach their step
    states = await rig.states()
    rig.steps.release.set()
    await rig.run_due()
    await check_invariant(rig.store)
    return states


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ({"overlap": "skip"}, Counter(running=1, skipped=3)),
        ({"overlap": "queue"}, Counter(running=1, pending=1, skipped=2)),
        ({"overlap": "allow", "max_instances": 2}, Counter(running=2, skipped=2)),
    ],
)
async def test_overlap_policy(rig: Rig, policy: dict[str, object], expected: Counter[str]) -> None:
    states = await run_held(rig, policy, fires=3)
    assert states == expected
    skipped = await rig.db.events.list(kinds=["skipped"])
    assert len(skipped) == expected["skipped"]
    assert all(e.data["reason"] == "overlap" for e in skipped)
    assert len(rig.steps.executions) == expected["running"] + expected["pending"], "queued one runs after"
