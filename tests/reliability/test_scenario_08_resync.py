"""Scenario 8: declarative re-sync on start: unchanged schedules keep their next fire time, changed ones
are replaced, removed ones removed, overdue occurrences survive; N re-syncs give the same set."""

from __future__ import annotations

from rig import Rig, check_invariant


async def test_resync_keeps_replaces_removes_and_is_idempotent(rig: Rig) -> None:
    rig.flow("keep", [{"cron": "0 8 * * *", "timezone": "Europe/Berlin"}, {"every": "6h"}])
    rig.flow("change", [{"cron": "30 9 * * *"}])
    rig.flow("drop", [{"cron": "15 * * * *"}])
    first = await rig.sync()
    assert len(first.added) == 4
    await rig.advance(7 * 3600)  # 15:00: the hourly :15 ones and 09:30 passed, unrecorded
    await rig.scheduler.catch_up()
    before = {row.id: row for row in await rig.db.schedules.all()}
    overdue = {o.id for o in await rig.occurrences()}
    assert overdue, "there are overdue occurrences to keep"
    rig.flow("change", [{"cron": "45 9 * * *"}])
    (rig.flows / "drop.yaml").unlink()
    second = await rig.sync()
    assert sorted(second.unchanged) == ["workflow:keep:0", "workflow:keep:1"]
    assert second.changed == ["workflow:change:0"]
    assert second.removed == ["workflow:drop:0"]
    after = {row.id: row for row in await rig.db.schedules.all()}
    for sid in ("workflow:keep:0", "workflow:keep:1"):
        assert after[sid].next_fire_time == before[sid].next_fire_time, "unchanged keeps its next fire time"
        assert after[sid].trigger == before[sid].trigger
    assert after["workflow:change:0"].next_fire_time != before["workflow:change:0"].next_fire_time
    assert "workflow:drop:0" not in after
    states = {o.id: o.state for o in await rig.occurrences()}
    assert set(states) == overdue, "overdue occurrences survive the re-sync"
    assert all(state == "cancelled" for oid, state in states.items() if oid.startswith("workflow:drop:0@"))
    assert all(state == "pending" for oid, state in states.items() if not oid.startswith("workflow:drop:0@"))
    for _ in range(5):
        again = await rig.sync()
        assert again.added == again.changed == again.removed == []
        assert len(again.unchanged) == 3
    assert {row.id: row for row in await rig.db.schedules.all()} == after
    await rig.run_due()
    await check_invariant(rig.store)
