"""Scenario 3: a crash between writes of the run record. Recording a fire time, claiming (with the run row,
when a run slot is free) and each state change are single transactions: killed right after the fire time
is recorded, right after the claim commits, or after a step's result is written but before the run's
outcome is, the occurrence is never lost, and a started one is re-run with the same run id, hence the same
idempotency key ``run_id:attempt:step`` for its steps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flows import SLOW_START, at, write_flow
from procs import Daemons


@pytest.mark.parametrize("point", ["after_record", "after_claim", "after_step", "before_run_finished"])
def test_a_crash_between_writes_loses_nothing_and_reruns_with_the_same_run_id(daemons: Daemons, point: str) -> None:
    write_flow(daemons.flows, "once", [at(datetime.now(UTC) + timedelta(seconds=1))], defaults=SLOW_START)
    crashed = daemons.start(env={"JOBFLOW_CRASH_POINT": f"{point}:1"})
    assert daemons.wait(crashed) == -9, "killed itself at the crash point"
    daemons.start()
    (occ,) = daemons.wait_for(lambda: [o for o in daemons.occurrences() if o["state"] == "succeeded"])
    runs = daemons.rows("SELECT id, attempt, status FROM workflow_runs")
    assert len(runs) == 1, "one run row: the crashed attempt's row was taken over"
    assert runs[0]["id"] == occ["run_id"]
    assert runs[0]["status"] == "succeeded"
    marks = [tuple(m["event"].split()[1:3]) for m in daemons.marks()]
    if point == "after_record":
        assert occ["attempt"] == 1, "recorded but never started: no attempt used"
        assert marks == [(occ["run_id"], "1")]
    else:
        assert occ["attempt"] == 2, "started, then crashed: attempt 2"
        assert {rid for rid, _ in marks} == {occ["run_id"]}, "the same run id (same idempotency keys)"
        assert len(marks) == (1 if point == "after_claim" else 2), "a completed step re-runs once"
