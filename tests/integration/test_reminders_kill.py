"""Scenario 23 under SIGKILL: processes firing reminders are killed at random points and restarted, two race
at the end; every reminder ends fired with exactly one execution and exactly one notification."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import textwrap
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from store_support import T0, Database

from jobflow.clock import FakeClock
from jobflow.reminders import add_reminder, list_reminders
from jobflow.store.applications import ApplicationRepository

REMINDERS = 30

FIRE_ALL = textwrap.dedent(
    """
    import asyncio, sys
    from jobflow.reminders import fire_reminder, list_reminders
    from jobflow.store import Store

    async def main(url, schema):
        args = {"server_settings": {"search_path": schema}} if schema else None
        store = await Store.open(url, connect_args=args)
        try:
            for row in await list_reminders(store, state="scheduled"):
                fired = await fire_reminder(store, row.id, fire_time=row.due_at)
                print(row.id, fired, flush=True)
        finally:
            await store.close()

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


async def _start(database: Database, home: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "JOBFLOW_HOME": str(home)}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        FIRE_ALL,
        database.url,
        database.schema or "",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )


async def _lines(process: asyncio.subprocess.Process, limit: int | None) -> list[str]:
    """Read up to ``limit`` output lines, then SIGKILL the process (``None``: read until it exits)."""
    assert process.stdout is not None
    seen: list[str] = []
    while limit is None or len(seen) < limit:
        line = await process.stdout.readline()
        if not line:
            break
        seen.append(line.decode().strip())
    if limit is not None and process.returncode is None:
        process.send_signal(signal.SIGKILL)
    await process.wait()
    return seen


@pytest.mark.slow
async def test_killed_and_racing_processes_fire_each_reminder_once(database: Database, tmp_path: Path) -> None:
    store = await database.open(clock=FakeClock(T0))
    try:
        for n in range(REMINDERS // 3):
            app = (await ApplicationRepository(store).add(title=f"job {n}")).id
            for kind in ("follow_up", "check_status", "interview_prep"):
                await add_reminder(store, application_id=app, type=kind, due_at=T0 + timedelta(minutes=n))
    finally:
        await store.close()

    rng = random.Random(23)
    printed: list[str] = []
    for _ in range(6):  # restarts, each killed after a random number of fires (0 = before the first)
        printed += await _lines(await _start(database, tmp_path), rng.randint(0, 6))
    racers = [await _start(database, tmp_path) for _ in range(2)]
    for output in await asyncio.gather(*(_lines(p, None) for p in racers)):
        printed += output
    assert all(p.returncode == 0 for p in racers)

    store = await database.open(clock=FakeClock(T0))
    try:
        rows = await list_reminders(store)
        assert len(rows) == REMINDERS
        assert {row.state for row in rows} == {"fired"}
        async with store.engine.connect() as connection:
            executions = Counter(
                (await connection.execute(text("SELECT reminder_id FROM reminder_executions"))).scalars()
            )
            notes = (await connection.execute(text("SELECT dedupe_key FROM notifications"))).scalars().all()
        assert set(executions.values()) == {1}
        assert len(executions) == REMINDERS
        assert len(notes) == len(set(notes)) == REMINDERS
        reported = Counter(line.split()[0] for line in printed if line.endswith("True"))
        assert max(reported.values()) == 1, "no reminder was reported fired twice"
    finally:
        await store.close()
