"""The store on the scheduler's hot path: run writes queue on the SQLite write lock, no ping per checkout
(PostgreSQL pings a connection only after it sat idle, and so survives a dropped connection), and a
re-sync hands back the stored schedules so nobody reads them again. Real SQLite and PostgreSQL; a few
seconds in all.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import text
from store_support import T0, Database, make_run

from jobflow.clock import FakeClock
from jobflow.store import Store, engine
from jobflow.store.locks import write_lock
from jobflow.store.scheduling import SchedulerDB, ScheduleSpec


async def test_run_writes_wait_for_the_scheduler_write_lock(store: Store, database: Database) -> None:
    lock = write_lock(store.engine)
    async with lock:  # what a scheduler transaction holds on SQLite
        start = asyncio.ensure_future(store.runs.start(make_run("run-lock")))
        for _ in range(30):  # thirty database round trips: plenty for the write to finish if it did not wait
            async with store.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        if database.kind == "sqlite":
            assert not start.done(), "the run write went ahead of the held write lock"
            assert await store.runs.get("run-lock") is None
        else:
            assert await start is None, "no in-process lock on PostgreSQL: row locks do the work"
    await start
    row = await store.runs.get("run-lock")
    assert row is not None
    assert row.run.status == "running"


async def test_no_ping_per_checkout(database: Database) -> None:
    opened = await database.open(clock=FakeClock(T0))
    try:
        assert opened.engine.sync_engine.pool._pre_ping is False
    finally:
        await opened.close()


async def test_an_idle_connection_dropped_by_the_server_is_replaced(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "PING_AFTER_IDLE", 0.0)  # every pooled connection counts as idle
    opened = await database.open(clock=FakeClock(T0))
    try:
        if database.kind == "sqlite":  # a local file never disconnects: nothing runs per checkout
            assert not opened.engine.sync_engine.pool.dispatch.checkout
            return
        async with opened.engine.connect() as connection:
            pid = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        admin = await database.open(clock=FakeClock(T0), migrate=False)
        try:
            async with admin.engine.connect() as connection:
                await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        finally:
            await admin.close()
        async with opened.engine.connect() as connection:  # the pooled one is dead: the ping replaces it
            again = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        assert again != pid
    finally:
        await opened.close()


async def test_resync_hands_back_the_stored_schedules(store: Store) -> None:
    db = SchedulerDB(store)

    def spec(n: int, cron: str = "0 8 * * *") -> ScheduleSpec:
        return ScheduleSpec(
            id=f"workflow:w:{n}", workflow="w", path="/w.yaml", position=n, trigger={"cron": cron},
            trigger_hash=cron, next_fire_time=T0 + timedelta(hours=n), misfire_grace=60.0, retry={"max_attempts": n},
        )  # fmt: skip

    await db.schedules.sync([spec(0), spec(1), spec(2)])
    result = await db.schedules.sync([spec(0), spec(1, "0 9 * * *"), spec(3)])
    assert result.removed == ["workflow:w:2"]
    assert result.rows == {row.id: row for row in await db.schedules.all()}
