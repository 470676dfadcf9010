"""Scenario 16: killed while a failed step waits for its retry: on restart the retry happens at the time
computed before the crash (persisted with the failed attempt), not earlier, and the run keeps its id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import yaml
from procs import Daemons, as_json, as_time


def test_retry_time_survives_a_restart(daemons: Daemons) -> None:
    flow = {
        "version": 1,
        "name": "flaky",
        "triggers": [{"at": (datetime.now(UTC) + timedelta(seconds=1)).isoformat()}],
        "defaults": {"retry": {"max_attempts": 3, "backoff": ["4s"], "retry_on": ["timeout"]}},
        "steps": [
            {"id": "mark", "uses": "core.log", "with": {"message": "mark ${{ run.id }} ${{ run.attempt }} flaky"}},
            {"id": "wait", "uses": "core.wait_file", "with": {"path": "go.flag", "timeout": "300ms"}},
        ],
    }
    (daemons.flows / "flaky.yaml").write_text(yaml.safe_dump(flow, sort_keys=False))
    first = daemons.start()
    failed = daemons.wait_for(
        lambda: daemons.rows("SELECT finished_at, will_retry_in FROM step_runs WHERE will_retry_in IS NOT NULL")
    )
    daemons.signal(first)
    daemons.wait(first)
    (daemons.flows / "go.flag").write_text("go")
    due = as_time(failed[0]["finished_at"]) + timedelta(seconds=failed[0]["will_retry_in"])
    daemons.start()
    (occ,) = daemons.wait_for(lambda: [o for o in daemons.occurrences() if o["state"] == "succeeded"])
    rescheduled = daemons.events("rescheduled")
    assert rescheduled, "the crash was recorded and the retry rescheduled"
    retry_at = datetime.fromisoformat(as_json(rescheduled[0]["data"])["not_before"])
    assert abs((retry_at - due).total_seconds()) < 1, "at the originally computed time (+-1 s)"
    marks = [m for m in daemons.marks()]
    assert len(marks) == 2
    assert {m["event"].split()[1] for m in marks} == {occ["run_id"]}
