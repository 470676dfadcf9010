"""Scenario 5: restart within grace: every not-yet-run occurrence runs exactly once, lateness recorded."""

from __future__ import annotations

from datetime import timedelta

from rig import T0, Rig, check_invariant


async def test_overdue_within_grace_run_exactly_once_with_lateness(rig: Rig) -> None:
    due = (T0 + timedelta(seconds=2)).isoformat()
    rig.flow("dated", [{"at": due}] * 20, schedule={"overlap": "allow", "max_instances": 100})
    await rig.sync()
    await rig.advance(32)  # "killed 2 s before due, restarted 30 s after"
    await rig.tick()
    occs = await rig.occurrences()
    assert len(occs) == 20
    assert all(o.state == "succeeded" for o in occs)
    assert len(rig.steps.executions) == 20, "each ran exactly once"
    assert all(o.started_at is not None and (o.started_at - o.fire_time).total_seconds() == 30 for o in occs)
    await rig.advance(600)
    await rig.tick()
    assert len(rig.steps.executions) == 20, "nothing runs twice"
    await check_invariant(rig.store)
