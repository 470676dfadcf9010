"""Scenario 12: the database is unreachable at start-up: the daemon retries with backoff, says so in one
clear line each time, and exits non-zero (1) after ``--db-timeout`` seconds; a SIGTERM while it waits
exits cleanly. The disk fills up while a run is in flight (SQLite's real ``database or disk is full``, see
:mod:`dbfull`): the run's record cannot be written, so it is never reported done; its outcome waits for
space (one clear log line per retry, nothing crashes), and once space returns the occurrence is retried,
not lost: checked on the scheduler on a fake clock (a second or two), then on a real daemon whose disk
stays full for three seconds while ticks fall due and a run is in flight (about 15 s)."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import POSTGRES_ENV
from dbfull import FullDisk, fill_file, free_file, small_pages
from flows import at, write_flow
from pgfull import full_tablespace
from procs import Daemons, as_time
from rig import T0, Rig, build_rig, check_invariant
from structlog.testing import capture_logs

from jobflow.clock import FakeClock
from jobflow.store import Store

TERMINAL = {"succeeded", "failed", "missed", "skipped", "cancelled"}


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unreachable_database_is_retried_then_reported(tmp_path: Path) -> None:
    url = f"postgresql+asyncpg://nobody:secret-pw@127.0.0.1:{closed_port()}/jobflow"
    daemons = Daemons(tmp_path, url)
    try:
        proc = daemons.start("daemon", "--db-timeout", "2", str(daemons.flows))
        assert daemons.wait(proc, timeout=30) == 1
        text = proc.text()
        assert "database unavailable at start-up; retrying" in text
        assert "error: cannot open database postgresql+asyncpg://nobody:***@127.0.0.1" in text
        assert "connection refused" in text
        assert "secret-pw" not in text, "the password never shows"
        waiting = daemons.start("daemon", "--db-timeout", "60", str(daemons.flows))
        daemons.wait_for(lambda: "retrying" in waiting.text())
        daemons.signal(waiting, signal.SIGTERM)
        assert daemons.wait(waiting, timeout=30) == 0
    finally:
        daemons.close()


class GatedClock(FakeClock):
    """The store's fake clock; while ``gate`` is clear, a retry's wait waits for it (space to return)."""

    def __init__(self, start: datetime) -> None:
        super().__init__(start)
        self.gate = asyncio.Event()
        self.gate.set()
        self.waits: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        await self.gate.wait()
        await super().sleep(seconds)


async def hold_a_big_run(rig: Rig, values: dict[str, str]) -> None:
    """A one-off run in flight, held before its step that outputs ``values`` (a run record needing space)."""
    steps = [
        {"id": "mark", "uses": "rt.mark", "with": {"key": "big", "hold": True}},
        {"id": "big", "uses": "core.set", "with": {"values": values}},
    ]
    rig.flow("big", [{"at": (T0 + timedelta(minutes=1)).isoformat()}], steps)
    await rig.sync()
    await rig.move_to(T0 + timedelta(minutes=1))
    await rig.scheduler.catch_up()
    await rig.scheduler.dispatcher.claim_once()
    assert await rig.until_held() == 1


async def finish_while_full(rig: Rig, clock: GatedClock) -> asyncio.Task[Any]:
    """Let the held run finish while the disk is full; returns its task once its outcome is retried (or,
    where the crash itself could be recorded, settled)."""
    clock.gate.clear()  # while the disk is full, retries wait for space
    rig.steps.release.set()
    (task,) = rig.scheduler.dispatcher.tasks.values()
    for _ in range(200):
        if clock.waits or task.done():
            break
        await rig.db.occurrences.list()
    return task


async def check_retried_after_space_returned(rig: Rig, store: Store, logs: list[dict[str, Any]], full: str) -> None:
    errors = [line for line in logs if line["log_level"] == "error"]
    assert [e for e in errors if full in str(e.get("error", ""))], errors
    assert all("\n" not in str(e.get("error", "")) for e in errors), "one line each"
    events = [(e["event"], str(e.get("error"))[:300]) for e in errors]
    assert any(e["event"] == "run not recorded: settled as a crash" for e in errors), events
    (occ,) = await rig.occurrences()
    assert (occ.state, occ.attempt) == ("pending", 1), "not lost: retried after the backoff"
    assert occ.not_before > T0 + timedelta(minutes=1)
    (run,) = await store.runs.list()
    assert (run.status, run.error_class) == ("crashed", "StoreError")
    await rig.move_to(occ.not_before)
    await rig.tick()
    (occ,) = await rig.occurrences()
    assert (occ.state, occ.attempt, occ.run_id) == ("succeeded", 2, run.id), "retried, same run id"
    (run,) = await store.runs.list()
    assert (run.status, run.attempt) == ("succeeded", 2)
    assert rig.steps.by_key["big"] == 2, "the step ran again (at least once), nothing lost"
    await check_invariant(store)


@pytest.mark.timeout(60)
async def test_a_full_disk_never_reports_success_nor_loses_the_occurrence(tmp_path: Path) -> None:
    clock = GatedClock(T0)
    small_pages(tmp_path / "home" / "jobflow.db")
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'home' / 'jobflow.db'}", clock=clock)
    try:
        rig = await build_rig(store, tmp_path, backoff=(60.0,))
        disk = FullDisk(store)
        await hold_a_big_run(rig, {"blob": "x" * 200_000})
        with capture_logs() as logs:
            await disk.fill()
            task = await finish_while_full(rig, clock)
            assert clock.waits, "the outcome is retried while the disk is full"
            (occ,) = await rig.occurrences()
            assert occ.state == "running", "nothing reported while nothing can be written"
            (run,) = await store.runs.list()
            assert run.status == "running", "a failed run-record write never reports success"
            disk.free()
            clock.gate.set()  # space returns
            await task
        await check_retried_after_space_returned(rig, store, logs, "database or disk is full")
    finally:
        await store.close()


@pytest.mark.postgres
@pytest.mark.timeout(90)
async def test_a_full_postgresql_disk_never_reports_success_nor_loses_the_occurrence(tmp_path: Path) -> None:
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)")
    async with full_tablespace(base) as disk:
        clock = GatedClock(T0)
        store = await Store.open(disk.url, clock=clock)
        rig = None
        try:
            await disk.move_tables()
            rig = await build_rig(store, tmp_path, backoff=(60.0,))
            # the stored summary of these outputs is ~25 kB of random text: its TOAST pages need new blocks
            await hold_a_big_run(rig, {f"k{n}": secrets.token_hex(250) for n in range(50)})
            with capture_logs() as logs:
                disk.fill()
                task = await finish_while_full(rig, clock)
                (occ,) = await rig.occurrences()
                (run,) = await store.runs.list()
                assert occ.state != "succeeded", "nothing reported done while its record cannot be written"
                assert run.status != "succeeded", "a failed run-record write never reports success"
                disk.free()
                clock.gate.set()  # space returns
                await task
            await check_retried_after_space_returned(rig, store, logs, "No space left on device")
        finally:
            if rig is not None:  # a run left in flight by a failure must not outlive its database
                for task in rig.scheduler.dispatcher.tasks.values():
                    task.cancel()
            clock.gate.set()
            await store.close()


def done(daemons: Daemons, schedule_id: str) -> list[dict[str, Any]]:
    return [o for o in daemons.occurrences() if o["schedule_id"] == schedule_id and o["state"] == "succeeded"]


def test_a_full_disk_neither_crashes_the_daemon_nor_reports_unrecorded_runs(tmp_path: Path) -> None:
    database, control = tmp_path / "home" / "jobflow.db", tmp_path / "disk-cap"
    small_pages(database)
    daemons = Daemons(tmp_path, f"sqlite+aiosqlite:///{database}", env={"JOBFLOW_TEST_DISK_CAP": str(control)})
    try:
        write_flow(daemons.flows, "tick", [{"every": "1s"}])
        write_flow(daemons.flows, "held", [at(datetime.now(UTC) + timedelta(seconds=2))], hold="go.flag")
        proc = daemons.start()
        daemons.wait_for(lambda: any("held" in m["event"] for m in daemons.marks()))
        fill_file(database, control)
        (daemons.flows / "go.flag").write_text("go")  # the run in flight goes on, its record cannot be written
        filled = len(proc.text())
        daemons.wait_for(lambda: "database or disk is full" in proc.text()[filled:])
        threading.Event().wait(3)  # the disk stays full for a while: ticks fall due, writes keep failing
        assert proc.code is None, "the daemon keeps going"
        assert proc.text().count("scheduler running") == 1, "no restart loop"
        freed_at = datetime.now(UTC)
        free_file(database, control)
        daemons.wait_for(
            lambda: [
                o for o in daemons.occurrences() if o["state"] == "succeeded" and as_time(o["fire_time"]) > freed_at
            ]
        )
        daemons.wait_for(lambda: done(daemons, "workflow:held:0"), timeout=60)
        daemons.signal(proc, signal.SIGTERM)
        assert daemons.wait(proc) == 0
    finally:
        daemons.close()
    errors = [line for line in daemons.lines(proc) if line.get("level") == "error"]
    assert any("database or disk is full" in str(line.get("error", "")) for line in errors)
    assert all("\n" not in str(line.get("error", "")) for line in errors), "one line each"
    assert "Traceback" not in proc.text()
    runs = {r["id"]: r["status"] for r in daemons.rows("SELECT id, status FROM workflow_runs")}
    occurrences = daemons.occurrences()
    assert not [o for o in occurrences if o["state"] not in {*TERMINAL, "pending"}], "none left in flight"
    (held,) = [o for o in occurrences if o["schedule_id"] == "workflow:held:0"]
    assert held["state"] == "succeeded", "the run in flight when the disk filled up was not lost"
    unrecorded = [e for e in errors if e["event"] == "run not recorded: settled as a crash"]
    assert unrecorded, "a run's record could not be written"
    if held["id"] in {e.get("occurrence_id") for e in unrecorded}:
        assert held["attempt"] == 2, "its record failed, so it ran again once space returned"
    reported = [o for o in occurrences if o["state"] == "succeeded"]
    bad = [(o["id"], o["run_id"], runs.get(o["run_id"])) for o in reported if runs.get(o["run_id"]) != "succeeded"]
    assert not bad, f"no success without its record: {bad}"
