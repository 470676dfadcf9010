"""Reminders on SQLite and PostgreSQL (RELIABILITY.md scenario 23): deterministic ids, adding twice is harmless,
each fire time fires exactly once even when tasks and connections race, missed times are rescheduled or
given up with one notification, and everything survives a restart."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import text
from store_support import T0, Database

from jobflow.clock import FakeClock
from jobflow.errors import NotFound
from jobflow.reminders import (
    add_reminder,
    cancel_reminder,
    fire_reminder,
    get_reminder,
    list_reminders,
    mark_missed,
)
from jobflow.store import Store
from jobflow.store.applications import ApplicationRepository
from jobflow.store.outbox import OutboxRepository
from jobflow.store.reminders import ReminderRepository

DUE = T0 + timedelta(days=7)


async def application(store: Store, title: str = "Python developer") -> int:
    row = await ApplicationRepository(store).add(title=title, company="Acme", url="https://jobs.example/1")
    return row.id


async def count(store: Store, table: str) -> int:
    async with store.engine.connect() as connection:
        return int((await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def test_ids_are_deterministic_and_adding_twice_is_harmless(store: Store) -> None:
    app = await application(store)

    first = await add_reminder(store, application_id=app, type="follow_up", due_at=DUE, note="ask")
    second = await add_reminder(store, application_id=str(app), type="follow_up", due_at=DUE + timedelta(days=1))
    other = await add_reminder(store, application_id=app, type="interview_prep", due_at=DUE, created_by="run:r9")

    assert first == second == f"reminder:{app}:follow_up"
    assert other == f"reminder:{app}:interview_prep"
    row = await get_reminder(store, first)
    assert row is not None
    assert (row.due_at, row.note, row.state, row.retry_count) == (DUE, "ask", "scheduled", 0)
    assert [r.id for r in await list_reminders(store, application_id=app)] == [first, other]
    assert await count(store, "reminder_jobs") == 2


async def test_replace_reschedules_even_a_fired_reminder(store: Store) -> None:
    app = await application(store)
    rid = await add_reminder(store, application_id=app, type="check_status", due_at=DUE)
    assert await fire_reminder(store, rid, fire_time=DUE)

    await add_reminder(store, application_id=app, type="check_status", due_at=DUE + timedelta(days=3), replace=True)

    row = await get_reminder(store, rid)
    assert row is not None
    assert (row.state, row.due_at, row.fired_at) == ("scheduled", DUE + timedelta(days=3), None)
    assert await fire_reminder(store, rid, fire_time=DUE + timedelta(days=3))


async def test_unknown_applications_and_bad_values_are_refused(store: Store) -> None:
    with pytest.raises(NotFound, match="no application has id 5"):
        await add_reminder(store, application_id=5, type="follow_up", due_at=DUE)
    with pytest.raises(NotFound, match="no application has id 'abc'"):
        await add_reminder(store, application_id="abc", type="follow_up", due_at=DUE)
    app = await application(store)
    with pytest.raises(ValueError, match="unknown reminder type 'nag'"):
        await add_reminder(store, application_id=app, type="nag", due_at=DUE)
    with pytest.raises(ValueError, match="has no time zone"):
        await add_reminder(store, application_id=app, type="follow_up", due_at=DUE.replace(tzinfo=None))
    with pytest.raises(ValueError, match="unknown reminder state 'done'"):
        await list_reminders(store, state="done")


async def test_fire_records_one_execution_and_one_notification(store: Store) -> None:
    app = await application(store)
    rid = await add_reminder(store, application_id=app, type="follow_up", due_at=DUE, note="Ask about next steps.")
    store.clock.advance(7 * 86400)  # type: ignore[attr-defined]

    assert await fire_reminder(store, rid, fire_time=DUE) is True
    assert await fire_reminder(store, rid, fire_time=DUE) is False
    assert await fire_reminder(store, rid, fire_time=DUE + timedelta(seconds=1)) is False, "fired is final"

    row = await get_reminder(store, rid)
    assert row is not None
    assert (row.state, row.fired_at) == ("fired", DUE)
    executions = await ReminderRepository(store).executions(rid)
    assert [(e["fire_time"], e["outcome"]) for e in executions] == [(DUE, "fired")]
    (note,) = await OutboxRepository(store).list()
    assert note.dedupe_key == f"reminder:{rid}:{DUE.isoformat()}"
    assert (note.kind, note.title, note.body) == (
        "reminder",
        "Follow up: Python developer at Acme",
        "Ask about next steps.",
    )
    assert note.data["application_id"] == app
    assert note.data["url"] == "https://jobs.example/1"


async def test_cancelled_and_unknown_reminders_never_fire(store: Store) -> None:
    app = await application(store)
    rid = await add_reminder(store, application_id=app, type="follow_up", due_at=DUE)

    assert await cancel_reminder(store, rid) is True
    assert await cancel_reminder(store, rid) is False
    assert await fire_reminder(store, rid, fire_time=DUE) is False
    assert await fire_reminder(store, "reminder:999:follow_up", fire_time=DUE) is False
    assert await cancel_reminder(store, "reminder:999:follow_up") is False

    assert [r.state for r in await list_reminders(store, state="cancelled")] == ["cancelled"]
    assert await list_reminders(store, state=["scheduled", "missed"]) == []
    assert await count(store, "notifications") == 0


async def test_racing_tasks_fire_once(store: Store) -> None:
    app = await application(store)
    rid = await add_reminder(store, application_id=app, type="follow_up", due_at=DUE)

    results = await asyncio.gather(*(fire_reminder(store, rid, fire_time=DUE) for _ in range(12)))

    assert sorted(results) == [False] * 11 + [True]
    assert await count(store, "reminder_executions") == 1
    assert await count(store, "notifications") == 1


async def test_two_connections_racing_fire_once(database: Database) -> None:
    clock = FakeClock(T0)
    stores = [await database.open(clock=clock) for _ in range(3)]
    try:
        app = await application(stores[0])
        rids = [
            await add_reminder(stores[0], application_id=app, type=kind, due_at=DUE)
            for kind in ("follow_up", "check_status", "interview_prep")
        ]
        calls = [fire_reminder(s, rid, fire_time=DUE) for rid in rids for s in stores for _ in range(3)]

        results = await asyncio.gather(*calls)

        assert sum(results) == 3, "one success per reminder among 9 racing calls each"
        assert await count(stores[1], "reminder_executions") == 3
        assert sorted(n.dedupe_key for n in await OutboxRepository(stores[2]).list()) == sorted(
            f"reminder:{rid}:{DUE.isoformat()}" for rid in rids
        )
    finally:
        for one in stores:
            await one.close()


async def test_missed_times_are_rescheduled_then_given_up_with_one_notification(store: Store) -> None:
    clock = store.clock
    assert isinstance(clock, FakeClock)
    app = await application(store)
    rid = await add_reminder(store, application_id=app, type="interview_prep", due_at=DUE, note="read the paper")
    clock.advance(7 * 86400 + 90)

    row = await mark_missed(store, rid, fire_time=DUE, retry_in=timedelta(seconds=60))
    again = await mark_missed(store, rid, fire_time=DUE, retry_in=timedelta(seconds=60))

    assert row is not None
    assert (row.state, row.retry_count, row.due_at) == ("missed", 1, clock.now() + timedelta(seconds=60))
    assert again == row, "the same missed fire time is recorded once"
    assert [r.id for r in await list_reminders(store, state="missed")] == [rid]
    retry = row.due_at
    clock.advance(3600)
    failed = await mark_missed(store, rid, fire_time=retry, retry_in=None)
    assert failed is not None
    assert (failed.state, failed.retry_count) == ("failed", 1)
    assert await mark_missed(store, rid, fire_time=retry + timedelta(seconds=1), retry_in=None) is None
    assert await fire_reminder(store, rid, fire_time=retry) is False
    (note,) = await OutboxRepository(store).list()
    assert note.kind == "reminder_missed"
    assert note.dedupe_key == f"reminder:{rid}:failed:{retry.isoformat()}"
    assert note.title == "Missed reminder: Prepare the interview: Python developer at Acme"
    outcomes = [e["outcome"] for e in await ReminderRepository(store).executions(rid)]
    assert outcomes == ["missed", "missed"]


async def test_a_missed_reminder_fires_at_its_new_time(store: Store) -> None:
    app = await application(store)
    rid = await add_reminder(store, application_id=app, type="follow_up", due_at=DUE)
    row = await mark_missed(store, rid, fire_time=DUE, retry_in=timedelta(seconds=120))
    assert row is not None

    assert await fire_reminder(store, rid, fire_time=row.due_at) is True

    fired = await get_reminder(store, rid)
    assert fired is not None
    assert (fired.state, fired.retry_count) == ("fired", 1)


async def test_reminders_survive_a_restart_and_still_fire_once(database: Database) -> None:
    clock = FakeClock(T0)
    first = await database.open(clock=clock)
    try:
        app = await application(first)
        rid = await add_reminder(first, application_id=app, type="follow_up", due_at=DUE)
        assert await fire_reminder(first, rid, fire_time=DUE)
        other = await add_reminder(first, application_id=app, type="check_status", due_at=DUE)
    finally:
        await first.close()

    for _ in range(3):  # restarts: the record and its exactly-once guard are in the database
        again = await database.open(clock=clock)
        try:
            assert await fire_reminder(again, rid, fire_time=DUE) is False
            states = [(r.id, r.state) for r in await list_reminders(again)]
            assert states == [(other, "scheduled"), (rid, "fired")], "same due time: ordered by id"
        finally:
            await again.close()
    final = await database.open(clock=clock)
    try:
        assert await fire_reminder(final, other, fire_time=DUE) is True
        assert await count(final, "notifications") == 2
    finally:
        await final.close()
