"""Scenario 1: SIGKILL mid-run. On restart the run is found ``running`` with a dead owner within 5 s,
marked ``crashed`` and retried as attempt n+1 with the same run id (same idempotency keys), or failed and
notified when the retries are spent. Never silent."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from flows import SLOW_START, at, write_flow
from procs import Daemons


def running(daemons: Daemons) -> dict[str, Any] | None:
    rows = [o for o in daemons.occurrences() if o["state"] == "running"]
    return rows[0] if rows and daemons.marks() else None


def test_killed_run_is_found_crashed_and_retried_with_the_same_run_id(daemons: Daemons) -> None:
    write_flow(
        daemons.flows, "slow", [at(datetime.now(UTC) + timedelta(seconds=1))], hold="go.flag", defaults=SLOW_START
    )
    first = daemons.start()
    occ = daemons.wait_for(lambda: running(daemons))
    daemons.signal(first)
    assert daemons.wait(first) == -9
    (daemons.flows / "go.flag").write_text("go")
    restarted = time.monotonic()
    daemons.start()
    zombie = daemons.wait_for(lambda: daemons.events("zombie"))
    assert time.monotonic() - restarted < 5, "found within 5 s of the restart"
    assert zombie[0]["occurrence_id"] == occ["id"]
    assert zombie[0]["run_id"] == occ["run_id"]
    done = daemons.wait_for(lambda: [o for o in daemons.occurrences() if o["state"] == "succeeded"])
    assert done[0]["attempt"] == 2
    assert done[0]["run_id"] == occ["run_id"]
    marks = [m["event"].split()[1:3] for m in daemons.marks()]
    assert marks == [[occ["run_id"], "1"], [occ["run_id"], "2"]], "attempt n+1, same run id"
    (run,) = daemons.rows("SELECT status, attempt FROM workflow_runs")
    assert run == {"status": "succeeded", "attempt": 2}


def test_killed_run_without_attempts_left_fails_and_notifies(daemons: Daemons) -> None:
    write_flow(
        daemons.flows,
        "once",
        [at(datetime.now(UTC) + timedelta(seconds=1))],
        hold="go.flag",
        defaults={**SLOW_START, "retry": {"max_attempts": 1}},
    )
    first = daemons.start()
    daemons.wait_for(lambda: running(daemons))
    daemons.signal(first)
    daemons.wait(first)
    daemons.start()
    failed = daemons.wait_for(lambda: [o for o in daemons.occurrences() if o["state"] == "failed"])
    assert "crashed" in failed[0]["error"]
    notices = daemons.wait_for(lambda: daemons.rows("SELECT kind FROM notifications"))
    assert [n["kind"] for n in notices] == ["scheduler.gave_up"]
    (run,) = daemons.rows("SELECT status FROM workflow_runs")
    assert run["status"] == "crashed"
    assert len(daemons.marks()) == 1, "not run again"
