"""Scenario 23: reminders created through the API survive ten restarts (SIGKILL and SIGTERM alternating):
each fires exactly once at its time, never duplicated, never lost; their ids are stable; the timer's jobs
and ``reminder_jobs`` are reconciled both ways on every start. A reminder missed for good is given up with
exactly one notification; an attempt that recorded a fire time (fired, or missed and rescheduled) and
died before recording its occurrence's outcome is neither repeated nor miscounted by the retry (in process,
on a fake clock). Reminders written by an older jobflow (the schema where reminders first exist,
rows inserted as that version wrote them) are migrated by the current daemon and fire exactly once.
About 30 s in all per database."""

from __future__ import annotations

import os
import random
import signal
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import command
from procs import Daemons
from rig import T0, Rig, check_invariant
from sqlalchemy.engine import Connection

from jobflow.reminders import add_reminder, fire_reminder, get_reminder, mark_missed
from jobflow.store import Store, async_url
from jobflow.store.applications import ApplicationRepository
from jobflow.store.engine import WRITE, create_engine, sqlite_path
from jobflow.store.migrate import alembic_config, head_revision
from jobflow.store.reminders import ReminderRepository
from jobflow.store.scheduling import Fire
from jobflow.store.types import JSONType, UTCDateTime
from jobflow.store.urls import parse_url

TERMINAL = ("succeeded", "failed", "missed", "skipped", "cancelled")
ROOMY = {"SCHEDULER_MISFIRE_GRACE_TIME": "30"}
"""A grace no restart on a loaded machine outlasts: every reminder fires, none is missed."""
REMINDERS_FIRST = "0003"
"""The migration that created ``applications``, ``reminder_jobs`` and ``reminder_executions``."""

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
    rng = random.Random(int(os.environ.get("JOBFLOW_REMINDER_SEED", "23")))
    for n in range(10):
        proc = daemons.start(env=ROOMY)
        daemons.wait_for(lambda p=proc: "scheduler running" in p.text() or p.code is not None)
        threading.Event().wait(rng.uniform(0.0, 0.6))
        daemons.signal(proc, signal.SIGKILL if n % 2 == 0 else signal.SIGTERM)
        daemons.wait(proc)
    daemons.start(env=ROOMY)

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


async def test_a_reminder_missed_for_good_is_given_up_with_one_notification(daemons: Daemons, db_url: str) -> None:
    store = await Store.open(db_url)
    try:
        app = await ApplicationRepository(store).add(title="Data engineer", company="Beta", status="applied")
        late = await add_reminder(
            store, application_id=app.id, type="check_status", due_at=datetime.now(UTC) - timedelta(minutes=10)
        )
    finally:
        await store.close()
    proc = daemons.start(env={"SCHEDULER_RETRY_BACKOFF": ""})  # no retries: the first miss gives it up
    daemons.wait_for(lambda: daemons.rows("SELECT id FROM reminder_jobs WHERE state = 'failed'"), timeout=30)
    daemons.wait_for(lambda: daemons.events("gave_up"))
    daemons.wait_for(lambda: daemons.rows("SELECT id FROM notifications"))
    daemons.signal(proc, signal.SIGTERM)  # owed notices are handed over on the way out at the latest
    assert daemons.wait(proc) == 0
    sent = daemons.rows("SELECT kind, dedupe_key, data FROM notifications")
    assert [r["kind"] for r in sent] == ["reminder_missed"], f"exactly one notification: {sent}"
    assert sent[0]["dedupe_key"].startswith(f"reminder:{late}:failed:")
    executions = daemons.rows("SELECT outcome, detail FROM reminder_executions")
    assert executions == [{"outcome": "missed", "detail": "gave up"}]
    occurrences = [o for o in daemons.occurrences() if o["kind"] == "reminder"]
    assert [(o["state"], o["missed_count"]) for o in occurrences] == [("missed", 1)]


def _at_revision(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def test_reminders_written_by_an_older_jobflow_are_migrated_and_fire_once(daemons: Daemons, db_url: str) -> None:
    url = parse_url(async_url(db_url))
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    now = datetime.now(UTC)
    apps = sa.table(
        "applications",
        *(sa.column(n) for n in ("id", "title", "company", "status", "notes", "created_by")),
        *(sa.column(n, UTCDateTime()) for n in ("status_changed_at", "created_at", "updated_at")),
        sa.column("history", JSONType),
    )
    jobs = sa.table(
        "reminder_jobs",
        *(sa.column(n) for n in ("id", "application_id", "type", "state", "retry_count", "created_by", "note")),
        *(sa.column(n, UTCDateTime()) for n in ("due_at", "created_at", "updated_at")),
    )
    due = {"follow_up": now + timedelta(seconds=3), "check_status": now + timedelta(seconds=4.5)}
    later = now + timedelta(days=5)
    try:
        async with engine.execution_options(**WRITE).begin() as connection:
            await connection.run_sync(_at_revision, REMINDERS_FIRST)
            made = {"created_by": "cli", "created_at": now, "updated_at": now}
            await connection.execute(
                sa.insert(apps).values(
                    id=7, title="Backend developer", company="Gamma", status="applied", notes="", history=[],
                    status_changed_at=now, **made,
                )
            )  # fmt: skip
            rows = [(kind, when) for kind, when in due.items()] + [("interview_prep", later)]
            await connection.execute(
                sa.insert(jobs),
                [
                    {"id": f"reminder:7:{kind}", "application_id": 7, "type": kind, "state": "scheduled",
                     "retry_count": 0, "note": "", "due_at": when, **made}
                    for kind, when in rows
                ],
            )  # fmt: skip
            revision = (await connection.execute(sa.text("SELECT version_num FROM alembic_version"))).scalar_one()
    finally:
        await engine.dispose()
    assert revision == REMINDERS_FIRST != head_revision(), "the database is at the older schema"
    ids = sorted(f"reminder:7:{kind}" for kind in (*due, "interview_prep"))

    proc = daemons.start(env=ROOMY)

    def fired() -> list[dict[str, object]] | None:
        rows = daemons.rows("SELECT reminder_id, outcome FROM reminder_executions")
        return rows if len(rows) >= len(due) else None

    executions = daemons.wait_for(fired, timeout=60)
    assert daemons.rows("SELECT version_num FROM alembic_version") == [{"version_num": head_revision()}]
    assert Counter(r["reminder_id"] for r in executions) == Counter(f"reminder:7:{k}" for k in due)
    assert {r["outcome"] for r in executions} == {"fired"}
    states = {r["id"]: r["state"] for r in daemons.rows("SELECT id, state FROM reminder_jobs")}
    assert sorted(states) == ids, "ids stable"
    assert states == {**{f"reminder:7:{k}": "fired" for k in due}, "reminder:7:interview_prep": "scheduled"}
    sent = daemons.wait_for(
        lambda: (
            (found := daemons.rows("SELECT dedupe_key FROM notifications WHERE kind = 'reminder'"))
            and len(found) >= len(due)
            and found
        )
    )
    assert len(sent) == len(due), "one notification each"
    daemons.signal(proc, signal.SIGKILL)
    daemons.wait(proc)
    again = daemons.start(env=ROOMY)
    daemons.wait_for(lambda: "scheduler running" in again.text())

    def settled() -> bool:
        occurrences = [o for o in daemons.occurrences() if o["kind"] == "reminder"]
        return len(occurrences) == len(due) and all(o["state"] in TERMINAL for o in occurrences)

    daemons.wait_for(settled)  # one killed in flight is retried, and finds its fire time recorded
    daemons.signal(again, signal.SIGTERM)
    assert daemons.wait(again) == 0
    assert len(daemons.rows("SELECT id FROM reminder_executions")) == len(due), "a restart fires nothing again"
    assert {o["state"] for o in daemons.occurrences() if o["kind"] == "reminder"} == {"succeeded"}


async def crashed_attempt(rig: Rig, kind: str) -> tuple[str, datetime]:
    """A reminder due at T0 + 1 min whose occurrence is recorded and claimable, as after an attempt that
    died before recording the occurrence's outcome (zombie recovery puts a reminder's back to pending)."""
    app = await ApplicationRepository(rig.store).add(title="SRE", company="Delta", status="applied")
    due = T0 + timedelta(minutes=1)
    rid = await add_reminder(rig.store, application_id=app.id, type=kind, due_at=due)
    await rig.db.occurrences.record([Fire(rid, due, due, rig.config.misfire_grace, kind="reminder")])
    return rid, due


async def test_a_retry_after_a_crash_takes_the_fired_time_as_the_outcome(rig: Rig) -> None:
    rid, due = await crashed_attempt(rig, "follow_up")
    await rig.move_to(due + timedelta(seconds=10))
    assert await fire_reminder(rig.store, rid, fire_time=due), "the attempt that then died fired it"
    await rig.move_to(due + timedelta(minutes=5))  # its retry comes later than the grace
    assert await rig.run_due() == 1
    (occ,) = await rig.occurrences(rid)
    assert (occ.state, occ.missed_count) == ("succeeded", 0), "fired, not missed"
    assert await rig.db.events.list(occurrence_id=occ.id) == []
    reminder = await get_reminder(rig.store, rid)
    assert reminder is not None
    assert reminder.state == "fired"
    assert [e["outcome"] for e in await ReminderRepository(rig.store).executions(rid)] == ["fired"]
    await check_invariant(rig.store)


async def test_a_retry_after_a_crash_does_not_count_a_miss_twice(rig: Rig) -> None:
    rid, due = await crashed_attempt(rig, "check_status")
    await rig.move_to(due + timedelta(minutes=5))  # later than the grace
    missed = await mark_missed(rig.store, rid, fire_time=due, retry_in=timedelta(seconds=60))
    assert missed is not None
    assert (missed.state, missed.retry_count) == ("missed", 1), "the attempt that then died recorded the miss"
    assert await rig.run_due() == 1
    (occ,) = await rig.occurrences(rid)
    assert (occ.state, occ.missed_count) == ("missed", 1)
    events = await rig.db.events.list(occurrence_id=occ.id)
    assert [e.kind for e in events] == ["rescheduled"], "rescheduled once: not given up, not counted twice"
    assert "retry 1 at" in events[0].message
    reminder = await get_reminder(rig.store, rid)
    assert reminder is not None
    assert (reminder.state, reminder.retry_count, reminder.due_at) == ("missed", 1, missed.due_at)
    assert [e["outcome"] for e in await ReminderRepository(rig.store).executions(rid)] == ["missed"]
    await check_invariant(rig.store)
