"""Scenarios 6 and 7: recurring schedules overdue at restart.

6 (coalesce): exactly one catch-up run per schedule; the coalesced fire times are counted with their
range, recorded as a decision and shown by ``jobflow status``.
7 (no coalescing): at most ``catch_up_max`` catch-up runs, one after another, older ones recorded missed.
"""

from __future__ import annotations

import itertools
from collections import Counter

from rig import Rig, check_invariant

from jobflow.scheduler.status import gather


async def test_coalesce_runs_one_catch_up_and_counts_the_rest(rig: Rig) -> None:
    for n in range(5):
        rig.flow(f"minutely{n}", [{"cron": "* * * * *"}])
    await rig.sync()
    await rig.advance(60 * 60 + 5)  # down one hour
    await rig.tick()
    occs = await rig.occurrences()
    assert len(occs) == 5
    assert all(o.state == "succeeded" for o in occs)
    assert len(rig.steps.executions) == 5, "exactly one catch-up run per schedule"
    assert all(o.coalesced_count == 60 for o in occs)
    assert all(o.coalesced_first is not None and o.coalesced_last is not None for o in occs)
    coalesced = await rig.db.events.list(kinds=["coalesced"])
    assert len(coalesced) == 5
    assert all(e.data["count"] == 60 for e in coalesced)
    status = await gather(rig.store)
    assert len(status["coalesced"]) == 5
    assert status["coalesced"][0]["data"]["count"] == 60
    for row in await rig.db.schedules.all():
        assert row.next_fire_time is not None
        assert row.next_fire_time > rig.clock.now()
    await check_invariant(rig.store)


async def test_without_coalescing_catch_up_is_bounded_sequential_and_older_are_missed(rig: Rig) -> None:
    rig.flow("minutely", [{"cron": "* * * * *"}], schedule={"catch_up": "all", "catch_up_max": 3})
    await rig.sync()
    await rig.advance(10 * 60 + 5)
    await rig.scheduler.catch_up()
    assert await rig.states() == Counter(pending=3, missed=8)
    first = await rig.scheduler.dispatcher.claim_once()
    assert len(first.claimed) == 1, "catch-up runs never overlap"
    await rig.run_due()
    occs = await rig.occurrences()
    ran = sorted((o for o in occs if o.state == "succeeded"), key=lambda o: o.fire_time)
    assert [o.fire_time.minute for o in ran] == [8, 9, 10], "the newest three, oldest first"
    assert all(a.finished_at is not None and b.started_at >= a.finished_at for a, b in itertools.pairwise(ran))
    missed = await rig.db.events.list(kinds=["missed"])
    assert missed[0].data["count"] == 8
    assert missed[0].notify
    await check_invariant(rig.store)
