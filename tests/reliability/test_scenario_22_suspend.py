"""Scenario 22: clock jumps and suspends.

- The daemon is suspended (SIGSTOP, a stand-in for a laptop sleeping or a VM paused) past the grace while
  work falls due: on resume a one-off fire time from the gap is recorded *missed*, rescheduled and
  notified; a recurring one catches up once with its coalesced fire times counted; nothing is lost or run
  twice; a run in flight during the pause just continues (real daemon, about 10 s).
- The wall clock steps back 1 h (NTP) after occurrences ran and while one is in flight: nothing runs twice
  (occurrences are keyed by schedule and fire time, never by "now"; a fire time handed over again is
  ignored), the run in flight finishes cleanly, and later fire times still fire once each.
- The wall clock steps forward 1 h: a fire time within the grace of the new "now" runs (late), one
  beyond it is *missed*, rescheduled after the backoff, notified once, and runs on its retry.

The clock jumps run the real scheduler on a fake clock (:mod:`rig`): they take a second or two.
"""

from __future__ import annotations

import asyncio
import itertools
import signal
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from flows import at, write_flow
from procs import Daemons, as_json
from rig import T0, Rig, check_invariant

from jobflow.scheduler.timer import Signal


def done(daemons: Daemons, schedule_id: str) -> list[dict[str, object]]:
    return [o for o in daemons.occurrences() if o["schedule_id"] == schedule_id and o["state"] == "succeeded"]


def test_fire_times_during_a_suspend_are_handled_by_policy(daemons: Daemons) -> None:
    write_flow(daemons.flows, "tick", [{"every": "1s"}])
    env = {"SCHEDULER_MISFIRE_GRACE_TIME": "2", "SCHEDULER_RETRY_BACKOFF": "1s", "SCHEDULER_LEASE_SECONDS": "60"}
    proc = daemons.start(env=env)
    daemons.wait_for(lambda: "scheduler running" in proc.text())
    now = datetime.now(UTC)  # times from here: a slow start-up on a loaded machine does not eat them
    write_flow(daemons.flows, "inflight", [at(now + timedelta(seconds=2))], hold="go.flag")
    write_flow(daemons.flows, "dated", [at(now + timedelta(seconds=6))])
    daemons.wait_for(lambda: any("inflight" in m["event"] for m in daemons.marks()))
    daemons.signal(proc, signal.SIGSTOP)
    assert not [m for m in daemons.marks() if "dated" in m["event"]], "suspended before the dated fire time"
    threading.Event().wait(8)  # suspended: the dated fire time and several ticks pass, beyond the grace
    before = max((e["id"] for e in daemons.events("coalesced")), default=0)  # a loaded start-up may coalesce too
    (daemons.flows / "go.flag").write_text("go")
    daemons.signal(proc, signal.SIGCONT)
    dated = daemons.wait_for(
        lambda: [
            o for o in daemons.occurrences() if o["schedule_id"] == "workflow:dated:0" and o["state"] == "succeeded"
        ]
    )
    assert dated[0]["missed_count"] == 1, "missed, then run on its retry"
    kinds = Counter(e["kind"] for e in daemons.rows("SELECT kind FROM scheduler_events"))
    assert kinds["missed"] >= 1
    assert kinds["rescheduled"] >= 1
    coalesced = daemons.wait_for(lambda: [e for e in daemons.events("coalesced") if e["id"] > before])
    counted = sorted((as_json(e["data"]) for e in coalesced), key=lambda d: str(d["first"]))
    assert max(d["count"] for d in counted) >= 5, "the gap caught up once, its ticks counted, not dropped"
    for earlier, later in itertools.pairwise(counted):  # a loaded machine may coalesce a late tick too
        assert str(earlier["last"]) < str(later["first"]), f"no fire time counted twice: {counted}"
    inflight = [o for o in daemons.occurrences() if o["schedule_id"] == "workflow:inflight:0"]
    daemons.wait_for(
        lambda: [
            o for o in daemons.occurrences() if o["schedule_id"] == "workflow:inflight:0" and o["state"] == "succeeded"
        ]
    )
    assert inflight[0]["attempt"] == 1, "the run in flight just continued"
    runs = Counter(tuple(m["event"].split()[1:3]) for m in daemons.marks())
    assert max(runs.values()) == 1, "nothing ran twice"
    daemons.signal(proc, signal.SIGTERM)
    assert daemons.wait(proc) == 0


MINUTE = timedelta(minutes=1)


async def settle(rig: Rig, when: datetime, *, keep: str | None = None) -> int:
    """Set the clock to ``when``, record what fell due, claim it and let every run but ``keep``'s finish;
    returns how many occurrences were claimed."""
    await rig.move_to(when)
    await rig.scheduler.catch_up()
    result = await rig.scheduler.dispatcher.claim_once()
    tasks = [t for occ_id, t in rig.scheduler.dispatcher.tasks.items() if keep is None or not occ_id.startswith(keep)]
    await asyncio.gather(*tasks)
    return len(result.claimed)


@pytest.mark.timeout(60)
async def test_a_backward_clock_jump_runs_nothing_twice(rig: Rig) -> None:
    rig.flow("tick", [{"every": "10m"}])
    inflight_steps = [{"uses": "rt.mark", "with": {"key": "inflight", "hold": True}}]
    rig.flow("inflight", [at(T0 + 5 * MINUTE)], inflight_steps)
    await rig.sync()
    assert await settle(rig, T0 + 5 * MINUTE, keep="workflow:inflight") == 1
    assert await rig.until_held() == 1, "the in-flight run holds"
    for minutes in (10, 20, 30):
        assert await settle(rig, T0 + minutes * MINUTE, keep="workflow:inflight") == 1
    ran = Counter(rig.steps.by_key)
    assert ran == Counter(tick=3, inflight=1)
    before = {o.id: o.state for o in await rig.occurrences()}

    # NTP steps the clock back one hour: everything that ran lies "in the future" now
    assert await settle(rig, T0 + 30 * MINUTE - timedelta(hours=1), keep="workflow:inflight") == 0
    assert await rig.scheduler.catch_up() == 0, "no fire time is due again"
    rig.scheduler.take([Signal("workflow", "workflow:tick:0", T0 + 30 * MINUTE)])  # the timer hands one over again
    assert await rig.scheduler.flush() == 0, "a fire time already recorded is not recorded twice"
    assert (await rig.scheduler.dispatcher.claim_once()).claimed == []
    assert await rig.scheduler.recovery.sweep() == 0, "the run in flight is no zombie: its clock went back"
    assert {o.id: o.state for o in await rig.occurrences()} == before

    rig.steps.release.set()  # the run in flight finishes cleanly
    await asyncio.gather(*rig.scheduler.dispatcher.tasks.values())
    inflight = await rig.occurrences("workflow:inflight:0")
    assert [(o.state, o.attempt) for o in inflight] == [("succeeded", 1)]

    # time catches up again: the hour already lived through fires nothing; the next fire time fires once
    for minutes in (0, 20, 30, 35):
        assert await settle(rig, T0 + minutes * MINUTE) == 0, f"nothing due again at +{minutes} min"
    assert await settle(rig, T0 + 40 * MINUTE) == 1
    assert await settle(rig, T0 + 45 * MINUTE) == 0
    assert Counter(rig.steps.by_key) == Counter(tick=4, inflight=1)
    assert max(Counter(rig.steps.executions).values()) == 1, "no run attempt executed twice"
    ticks = await rig.occurrences("workflow:tick:0")
    assert [o.fire_time for o in ticks] == [T0 + m * MINUTE for m in (10, 20, 30, 40)]
    assert {o.state for o in ticks} == {"succeeded"}
    await check_invariant(rig.store)


@pytest.mark.timeout(60)
async def test_a_forward_clock_jump_runs_within_grace_and_misses_beyond(rig: Rig) -> None:
    jump = T0 + timedelta(hours=1)
    rig.flow("far", [at(T0 + 10 * MINUTE)])
    rig.flow("near", [at(jump - timedelta(seconds=30))])
    await rig.sync()
    await rig.move_to(jump)  # NTP steps the clock forward one hour
    await rig.tick()
    (near,) = await rig.occurrences("workflow:near:0")
    assert (near.state, near.missed_count) == ("succeeded", 0), "within the grace: it runs, late"
    assert near.started_at == jump, "its lateness (30 s) is on record"
    (far,) = await rig.occurrences("workflow:far:0")
    assert (far.state, far.missed_count) == ("pending", 1), "beyond the grace: missed, rescheduled"
    assert far.not_before == jump + MINUTE, "retry 1 after the first backoff (60 s)"
    assert [e.kind for e in reversed(await rig.db.events.list(occurrence_id=far.id))] == ["missed", "rescheduled"]
    assert await rig.scheduler.notify() == 1, "the user is told once"
    assert await rig.scheduler.notify() == 0
    await rig.move_to(jump + MINUTE)
    await rig.tick()
    (far,) = await rig.occurrences("workflow:far:0")
    assert (far.state, far.missed_count) == ("succeeded", 1)
    assert Counter(rig.steps.by_key) == Counter(near=1, far=1)
    await check_invariant(rig.store)
