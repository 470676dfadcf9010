"""Scenario 16: killed while a failed step waits for its retry: on restart the retry happens at the time
computed before the crash (persisted with the failed attempt), not earlier, and the run keeps its id; it
is attempt 2 (one retry: no extra, none skipped), and the crashed attempt's step rows survive beside the
retry's (numbered after them), as ``jobflow runs show`` prints. A real daemon, SIGKILLed: about 10 s."""

from __future__ import annotations

import json
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
    # (a slow start under load may first miss the fire time and reschedule it: not the retry looked at here)
    rescheduled = [e for e in daemons.events("rescheduled") if "crashed" in e["message"]]
    assert rescheduled, "the crash was recorded and the retry rescheduled"
    retry_at = datetime.fromisoformat(as_json(rescheduled[0]["data"])["not_before"])
    assert abs((retry_at - due).total_seconds()) < 1, "at the originally computed time (+-1 s)"
    assert len(rescheduled) == 1, "one retry: no extra, none skipped"
    assert as_json(rescheduled[0]["data"])["attempt"] == 2
    marks = [tuple(m["event"].split()[1:3]) for m in daemons.marks()]
    assert marks == [(occ["run_id"], "1"), (occ["run_id"], "2")], "the same run, attempt 1 then attempt 2"
    assert occ["attempt"] == 2, "the attempt counter survived the restart"
    (run,) = daemons.rows("SELECT status, attempt FROM workflow_runs")
    assert run == {"status": "succeeded", "attempt": 2}
    steps = daemons.rows("SELECT step_id, attempt, status, will_retry_in, started_at FROM step_runs ORDER BY id")
    assert [(s["step_id"], s["attempt"], s["status"], s["will_retry_in"]) for s in steps] == [
        ("mark", 1, "succeeded", None), ("wait", 1, "timed_out", 4.0),
        ("mark", 2, "succeeded", None), ("wait", 2, "succeeded", None),
    ], "the crashed attempt's step rows survive; the retry's are numbered after them"  # fmt: skip
    lateness = (as_time(steps[2]["started_at"]) - due).total_seconds()
    assert -0.05 <= lateness < 2, f"the retry started {lateness:.3f}s after its planned time"
    shown = daemons.start("runs", "show", occ["run_id"], "--json")
    assert daemons.wait(shown) == 0
    document = json.loads(shown.text()[shown.text().index("{") :])
    shown_steps = [(s["step_id"], s["attempt"]) for s in document["steps"]]
    assert shown_steps == [("mark", 1), ("wait", 1), ("mark", 2), ("wait", 2)], "both attempts shown"
