"""Scenario 13: stored jobs that cannot be loaded (a renamed function, garbage bytes, a trigger state from a
newer jobflow) are set aside: kept in the job store, flagged, reported (a decision with a notification,
``jobflow status``), and every other job keeps firing. Nothing is deleted automatically."""

from __future__ import annotations

import asyncio
import pickle
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from jobflow.scheduler import triggers
from jobflow.scheduler.config import SchedulerConfig
from jobflow.scheduler.status import gather, probe_jobstore
from jobflow.scheduler.timer import Signal, install_handoff
from jobflow.scheduler.timing import JobSpec, Timer
from jobflow.store import Store, sync_url
from jobflow.store.scheduling import SchedulerDB


def job_rows(url: str) -> dict[str, bytes]:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as connection:
            return dict(connection.execute(text("SELECT id, job_state FROM apscheduler_jobs")).all())
    finally:
        engine.dispose()


def put_row(url: str, job_id: str, state: bytes) -> None:
    engine = create_engine(sync_url(url))
    try:
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO apscheduler_jobs (id, next_run_time, job_state) VALUES (:id, 0, :state)"),
                {"id": job_id, "state": state},
            )
    finally:
        engine.dispose()


async def test_unloadable_jobs_are_set_aside_not_deleted(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = await Store.open(db_url)
    config = SchedulerConfig(jobstore_url=sync_url(db_url), misfire_grace=60)
    reported: list[tuple[str, str]] = []
    soon = datetime.now(UTC) + timedelta(seconds=1)
    try:
        first = Timer(config, reported.extend)
        await first.start()
        await first.put([JobSpec("workflow:good:0", {"at": soon.isoformat(), "jitter": 0.0}, soon)])
        await first.put([JobSpec("workflow:renamed:0", {"at": soon.isoformat(), "jitter": 0.0}, soon)])
        with monkeypatch.context() as patch:  # a jobflow from the future wrote this one
            patch.setattr(triggers, "STATE_VERSION", 99)
            await first.put([JobSpec("workflow:newer:0", {"at": soon.isoformat(), "jitter": 0.0}, soon)])
        await first.stop()
        rows = job_rows(db_url)
        state = pickle.loads(rows["workflow:renamed:0"])
        state["func"] = "jobflow.scheduler.gone:fire"  # a renamed job function
        engine = create_engine(sync_url(db_url))
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE apscheduler_jobs SET job_state = :s WHERE id = 'workflow:renamed:0'"),
                {"s": pickle.dumps(state)},
            )
        engine.dispose()
        put_row(db_url, "workflow:garbage:0", b"\x00not a pickle\xff")

        fired: list[Signal] = []
        loop = asyncio.get_running_loop()
        arrived = asyncio.Event()

        def take(signals: list[Signal]) -> None:
            fired.extend(signals)
            arrived.set()

        install_handoff(lambda signals: loop.call_soon_threadsafe(take, signals))
        second = Timer(config, reported.extend)
        await second.start()
        assert sorted(job for job, _ in reported) == ["workflow:garbage:0", "workflow:newer:0", "workflow:renamed:0"]
        assert "version 99" in dict(reported)["workflow:newer:0"]
        second.resume()
        await asyncio.wait_for(arrived.wait(), timeout=30)
        await second.stop()
        assert [s.target for s in fired] == ["workflow:good:0"], "the other jobs keep firing"
        assert set(job_rows(db_url)) >= {"workflow:garbage:0", "workflow:newer:0", "workflow:renamed:0"}, (
            "kept, never deleted"
        )
        db = SchedulerDB(store)
        assert len(await db.events.set_aside(config.jobstore_table, reported)) == 3
        assert await db.events.set_aside(config.jobstore_table, reported) == [], "reported once"
        status = await gather(store)
        assert sorted(j["job_id"] for j in status["set_aside"]) == sorted(job for job, _ in reported)
        notices = await db.events.notices()
        assert [n.kind for n in notices] == ["set_aside"] * 3
        count, bad = await asyncio.to_thread(probe_jobstore, sync_url(db_url), config.jobstore_table)
        assert count == 3, "what `jobflow doctor` reports (the good one fired and is done)"
        assert sorted(job for job, _ in bad) == sorted(job for job, _ in reported)
    finally:
        install_handoff(None)
        await store.close()
