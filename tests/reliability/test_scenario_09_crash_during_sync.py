"""Scenario 9: killed while registering thousands of schedules: re-sync is one transaction, so after the
next start the stored set is exactly the files' set (no partial set, no duplicates), in the schedules
table and in the timer's job store."""

from __future__ import annotations

import random
import threading

from flows import write_flow
from procs import Daemons

SCHEDULES = 3000


def test_a_crash_mid_registration_converges_to_the_files(daemons: Daemons) -> None:
    for n in range(SCHEDULES // 100):
        triggers = [{"cron": f"{m % 60} {(m + n) % 24} * * *"} for m in range(100)]
        write_flow(daemons.flows, f"bulk{n:02d}", triggers)
    rng = random.Random(9)
    for _ in range(4):
        proc = daemons.start()
        threading.Event().wait(rng.uniform(0.3, 1.5))
        daemons.signal(proc)
        daemons.wait(proc)
    proc = daemons.start()
    daemons.wait_for(lambda: "scheduler running" in proc.text(), timeout=120)
    ids = [r["id"] for r in daemons.rows("SELECT id FROM schedules")]
    assert len(ids) == len(set(ids)) == SCHEDULES
    jobs = [r["id"] for r in daemons.rows("SELECT id FROM apscheduler_jobs")]
    assert sorted(jobs) == sorted(ids), "the timer holds exactly the same set"
    (daemons.flows / "bulk00.yaml").unlink()
    daemons.wait_for(lambda: len(daemons.rows("SELECT id FROM schedules")) == SCHEDULES - 100)
    daemons.wait_for(lambda: len(daemons.rows("SELECT id FROM apscheduler_jobs")) == SCHEDULES - 100)
