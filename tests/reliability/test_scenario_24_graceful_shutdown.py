"""Scenario 24: SIGTERM mid-run: nothing new is claimed, runs in flight may finish within the drain
timeout, the rest are marked ``interrupted`` and re-queued; no ``running`` rows after a clean exit."""

from __future__ import annotations

import signal
from datetime import UTC, datetime, timedelta

from flows import SLOW_START, at, write_flow
from procs import Daemons


def active(daemons: Daemons) -> list[dict[str, object]]:
    return [o for o in daemons.occurrences() if o["state"] in ("claimed", "running")]


def test_sigterm_drains_then_requeues_what_is_left(daemons: Daemons) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=1)
    write_flow(daemons.flows, "slow", [at(soon)] * 2, hold="go.flag", schedule={"overlap": "allow", "max_instances": 5})
    write_flow(daemons.flows, "later", [at(soon + timedelta(seconds=60))])
    first = daemons.start(env={"SCHEDULER_DRAIN_TIMEOUT": "1"})
    daemons.wait_for(lambda: len(daemons.marks()) == 2)
    daemons.signal(first, signal.SIGTERM)
    assert daemons.wait(first) == 0, "a clean exit"
    occs = daemons.occurrences()
    assert not active(daemons), "no running rows after a clean exit"
    slow = [o for o in occs if o["schedule_id"].startswith("workflow:slow")]
    assert [o["state"] for o in slow] == ["pending", "pending"]
    assert all(o["attempt"] == 0 for o in slow)
    assert len(daemons.events("interrupted")) == 2
    runs = daemons.rows("SELECT status FROM workflow_runs")
    assert [r["status"] for r in runs] == ["interrupted", "interrupted"]
    (daemons.flows / "go.flag").write_text("go")
    daemons.start()
    done = daemons.wait_for(
        lambda: (
            succeeded
            if len(succeeded := [o for o in daemons.occurrences() if o["state"] == "succeeded"]) == 2
            else None
        )
    )
    assert {o["attempt"] for o in done} == {1}, "an interruption does not use up an attempt"


def test_runs_finishing_within_the_drain_timeout_complete(daemons: Daemons) -> None:
    write_flow(
        daemons.flows, "slow", [at(datetime.now(UTC) + timedelta(seconds=1))], hold="go.flag", defaults=SLOW_START
    )
    first = daemons.start(env={"SCHEDULER_DRAIN_TIMEOUT": "20"})
    daemons.wait_for(lambda: daemons.marks())
    daemons.signal(first, signal.SIGTERM)
    daemons.wait_for(lambda: "SIGTERM: stopping" in first.text())
    (daemons.flows / "go.flag").write_text("go")
    assert daemons.wait(first) == 0
    (occ,) = daemons.occurrences()
    assert occ["state"] == "succeeded"
    assert not daemons.events("interrupted")
