"""Scenario 23: reminders created through the API survive ten restarts (SIGKILL and SIGTERM alternating):
each fires exactly once at its time, never duplicated, never lost; their ids are stable; the timer's jobs
and ``reminder_jobs`` are reconciled both ways on every start."""

from __future__ import annotations

import random
import signal
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from procs import Daemons

from jobflow.reminders import add_reminder
from jobflow.store import Store
from jobflow.store.applications import ApplicationRepository

TYPES = ("follow_up", "check_status", "interview_prep")


async def test_reminders_fire_exactly_once_across_restarts(daemons: Daemons, db_url: str) -> None:
    store = await Store.open(db_url)
    try:
        app = await ApplicationRepository(store).add(title="Python developer", company="Acme", status="applied")
        now = datetime.now(UTC)
        ids = [
            await add_reminder(store, application_id=app.id, type=kind, due_at=now + timedelta(seconds=2 + 1.5 * n))
            for n, kind in enumerate(TYPES)
        ]
        again = await add_reminder(store, application_id=app.id, type="follow_up", due_at=now + timedelta(days=9))
    finally:
        await store.close()
    assert ids == [f"reminder:{app.id}:{kind}" for kind in TYPES]
    assert again == ids[0], "adding twice is harmless: same id"
    rng = random.Random(23)
    for n in range(10):
        proc = daemons.start()
        daemons.wait_for(lambda p=proc: "scheduler running" in p.text() or p.code is not None)
        threading.Event().wait(rng.uniform(0.0, 0.6))
        daemons.signal(proc, signal.SIGKILL if n % 2 == 0 else signal.SIGTERM)
        daemons.wait(proc)
    daemons.start()

    def fired() -> list[dict[str, object]] | None:
        rows = daemons.rows("SELECT reminder_id, outcome FROM reminder_executions")
        return rows if len(rows) >= len(TYPES) else None

    executions = daemons.wait_for(fired, timeout=60)
    assert Counter(r["reminder_id"] for r in executions) == Counter(ids), "each fired exactly once"
    assert {r["outcome"] for r in executions} == {"fired"}
    states = {r["id"]: r["state"] for r in daemons.rows("SELECT id, state FROM reminder_jobs")}
    assert states == dict.fromkeys(ids, "fired")
    sent = daemons.wait_for(lambda: daemons.rows("SELECT kind, dedupe_key FROM notifications WHERE kind = 'reminder'"))
    assert len(sent) == len(TYPES), "one notification each"
    reminder_occurrences = [o for o in daemons.occurrences() if o["kind"] == "reminder"]
    assert all(o["state"] in ("succeeded", "skipped") for o in reminder_occurrences)
    assert Counter(o["schedule_id"] for o in reminder_occurrences if o["state"] == "succeeded") == Counter(ids)
