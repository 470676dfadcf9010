"""Scenario 2 (and 3): SIGKILL at random points of the run lifecycle, many times, then check the invariant.

Each cycle starts a daemon and kills it one of three ways, chosen at random:

- at a random moment (0-0.8 s after start: start-up, re-sync, catch-up, hand-off, claim, run, result);
- while a run is inside a step (its hold file removed, the kill as soon as the step logged);
- at an exact crash point (``forker.POINTS``: after the claim commit, after the run row commit, after a
  step result, before and after the outcome commit, after recording fire times, before the run record).

Then a last daemon runs to quiescence and the checks are: every occurrence has exactly one terminal state;
every one-off fire time has its occurrence (nothing lost); each (run, attempt) executed at most once, so
an occurrence ran at most once more than the kills that hit it; one run row per occurrence.
``JOBFLOW_FUZZ_KILLS`` sets the kills per database (default 100: 200 with PostgreSQL on, about two minutes;
the 1,000-kill benchmark is ``JOBFLOW_FUZZ_KILLS=500`` with PostgreSQL on).
"""

from __future__ import annotations

import contextlib
import os
import random
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from flows import at, write_flow
from forker import POINTS
from procs import Daemons

KILLS = int(os.environ.get("JOBFLOW_FUZZ_KILLS", "100"))
TERMINAL = {"succeeded", "failed", "missed", "skipped", "cancelled"}
RETRY = {"max_attempts": 100, "backoff": ["100ms"]}


def pause(seconds: float) -> None:
    """The random moment of a kill (not a wait for readiness)."""
    threading.Event().wait(seconds)


@pytest.mark.slow
@pytest.mark.timeout(max(300, KILLS * 3))
def test_kill_fuzz_keeps_the_invariant(daemons: Daemons) -> None:
    rng = random.Random(int(os.environ.get("JOBFLOW_FUZZ_SEED", "4")))
    go = daemons.flows / "go.flag"
    go.write_text("go")
    start = datetime.now(UTC) + timedelta(seconds=1)
    dated = [at(start + timedelta(seconds=0.4 * n)) for n in range(KILLS // 2)]
    write_flow(daemons.flows, "dated", dated, hold="go.flag", schedule={"overlap": "allow", "max_instances": 10},
               defaults={"retry": RETRY})  # fmt: skip
    write_flow(daemons.flows, "tick", [{"every": "1s"}], hold="go.flag", defaults={"retry": RETRY})
    env = {"SCHEDULER_RETRY_BACKOFF": "100ms,100ms,100ms", "SCHEDULER_MISFIRE_GRACE_TIME": "30"}
    modes: Counter[str] = Counter()
    for _ in range(KILLS):
        mode = rng.choice(["time", "time", "step", "point"])
        modes[mode] += 1
        extra = dict(env)
        if mode == "point":
            extra["JOBFLOW_CRASH_POINT"] = f"{rng.choice(sorted(POINTS))}:{rng.randint(1, 3)}"
        seen = len(daemons.marks())
        proc = daemons.start(env=extra)
        if mode == "time":
            pause(rng.uniform(0.0, 0.8))
        elif mode == "step":
            go.unlink(missing_ok=True)
            with contextlib.suppress(AssertionError):  # nothing due just now: killed wherever it is
                daemons.wait_for(lambda n=seen: len(daemons.marks()) > n, timeout=2, poll=0.02)
        else:
            with contextlib.suppress(AssertionError):  # the point was not reached in time: a random kill
                daemons.wait_for(lambda p=proc: "scheduler stopped" in p.text(), timeout=1.5, poll=0.05)
        daemons.signal(proc)
        daemons.wait(proc)
        go.write_text("go")
    (daemons.flows / "tick.yaml").unlink()
    final = daemons.start(env=env)
    daemons.wait_for(lambda: "scheduler running" in final.text(), timeout=60)

    def settled() -> bool:
        occs = daemons.occurrences()
        fired = [o for o in occs if o["schedule_id"].startswith("workflow:dated:")]
        return len(fired) == len(dated) and all(o["state"] in TERMINAL for o in occs)

    daemons.wait_for(settled, timeout=120, poll=0.2)
    daemons.signal(final, 15)
    assert daemons.wait(final) == 0

    occs = daemons.occurrences()
    assert all(o["state"] in TERMINAL for o in occs), "every occurrence has one terminal state"
    fired = Counter(o["schedule_id"] for o in occs if o["schedule_id"].startswith("workflow:dated:"))
    assert len(fired) == len(dated), "every one-off fire time has its occurrence"
    assert set(fired.values()) == {1}, "every one-off fire time has its occurrence"
    executions = Counter(tuple(m["event"].split()[1:3]) for m in daemons.marks())
    assert max(executions.values()) == 1, "no run attempt executed twice"
    runs = daemons.rows("SELECT id, occurrence_id, attempt, status FROM workflow_runs")
    per_occurrence = Counter(r["occurrence_id"] for r in runs)
    assert max(per_occurrence.values()) == 1, "one run row per occurrence"
    by_run = {r["id"]: r for r in runs}
    for occ in occs:
        if occ["run_id"]:
            attempts = {int(a) for (rid, a) in executions if rid == occ["run_id"]}
            assert attempts <= set(range(1, occ["attempt"] + 1)), occ
            assert by_run[occ["run_id"]]["attempt"] == occ["attempt"]
    kills = sum(1 for p in daemons.procs[:-1] if p.code is not None and p.code < 0)
    assert kills == KILLS, f"{kills} kills (modes: {dict(modes)})"
    succeeded = sum(o["state"] == "succeeded" for o in occs)
    assert succeeded >= len(dated) // 2, f"most work got done: {Counter(o['state'] for o in occs)}"
