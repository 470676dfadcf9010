"""Scenario 22: the daemon is suspended (SIGSTOP, a stand-in for a laptop sleeping or a VM paused) past the
grace while work falls due: on resume a one-off fire time from the gap is recorded *missed*, rescheduled
and notified; a recurring one catches up once with its coalesced fire times counted; nothing is lost or
run twice; a run in flight during the pause just continues."""

from __future__ import annotations

import signal
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from flows import at, write_flow
from procs import Daemons, as_json


def done(daemons: Daemons, schedule_id: str) -> list[dict[str, object]]:
    return [o for o in daemons.occurrences() if o["schedule_id"] == schedule_id and o["state"] == "succeeded"]


def test_fire_times_during_a_suspend_are_handled_by_policy(daemons: Daemons) -> None:
    now = datetime.now(UTC)
    write_flow(daemons.flows, "dated", [at(now + timedelta(seconds=4))])
    write_flow(daemons.flows, "tick", [{"every": "1s"}])
    write_flow(daemons.flows, "inflight", [at(now + timedelta(seconds=2))], hold="go.flag")
    env = {"SCHEDULER_MISFIRE_GRACE_TIME": "2", "SCHEDULER_RETRY_BACKOFF": "1s", "SCHEDULER_LEASE_SECONDS": "60"}
    proc = daemons.start(env=env)
    daemons.wait_for(lambda: any("inflight" in m["event"] for m in daemons.marks()))
    daemons.signal(proc, signal.SIGSTOP)
    threading.Event().wait(6)  # suspended: the dated fire time and several ticks pass, beyond the grace
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
    coalesced = daemons.events("coalesced")
    assert coalesced, "the ticks of the gap were counted, not silently dropped"
    assert as_json(coalesced[0]["data"])["count"] >= 2
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
