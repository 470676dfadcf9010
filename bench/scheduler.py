"""Scheduler figures on SQLite (WAL) and PostgreSQL, as issue 4 asks for.

Run with ``.venv/bin/python bench/scheduler.py`` (PostgreSQL too when ``JOBFLOW_TEST_POSTGRES_URL`` is set;
a scratch database is created and dropped). Prints, per database:

- register: 10,000 schedules written to ``schedules`` and the timer's job store (target < 2 s on SQLite;
  none on PostgreSQL);
- overdue: start-up to all of 10,000 overdue occurrences claimed (target < 3 s);
- spread: dispatch latency p50/p99 of 1,000 occurrences due over 5 s, fire time -> handed to the executor
  (target p99 < 50 ms);
- burst: 1,000 occurrences due in the same second, fire time -> claimed p50/p99 (target p99 < 250 ms);
- the longest event-loop stall seen during each (target < 250 ms).

The spread and burst runs use the real timer (APScheduler, its job store in the same database), the
real look-ahead and claim path with the daemon's ``claim_lead`` (``--lead SECONDS`` overrides it; ``--lead 0``
measures claiming at the fire time), and a no-op executor: they measure scheduling, not workflow steps.
A negative "claimed" latency means claimed ahead of the fire time. Each figure ends with its target and
whether it was met; a table of all of them closes the output.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import structlog

from jobflow.engine.executor import RunRequest
from jobflow.engine.runner import RunResult
from jobflow.events import RunInfo
from jobflow.scheduler.config import CLAIM_LEAD, LEASE_NAME, SchedulerConfig
from jobflow.scheduler.service import Scheduler
from jobflow.scheduler.specs import Loaded
from jobflow.scheduler.timer import install_handoff
from jobflow.scheduler.timing import JobSpec, Timer
from jobflow.scheduler.triggers import Cron
from jobflow.store import Store, async_url, sync_url
from jobflow.store.scheduling import ScheduleSpec, occurrence_id
from jobflow.store.scheduling.base import write_lock

OWNER = "bench:1:boot:b"
SCHEDULES = 10_000
SPREAD = 1_000
LEAD = [CLAIM_LEAD]
"""The ``claim_lead`` of the spread and burst runs (``--lead``)."""


def _quiet() -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))
    logging.getLogger().setLevel(logging.ERROR)


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():  # cancelled meanwhile: nothing to wake
        future.set_result(None)


class StallMonitor:
    """The longest delay of a 5 ms timer on the event loop while it runs."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + 0.005
            tick = loop.create_future()
            handle = loop.call_at(due, _settle, tick)
            try:
                await tick
            finally:
                handle.cancel()
            self.worst = max(self.worst, loop.time() - due)

    def __enter__(self) -> StallMonitor:
        self._task = asyncio.ensure_future(self._watch())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


class NullExecutor:
    """Takes a run and returns at once (what a task-queue executor would do): records when it got it."""

    def __init__(self) -> None:
        self.handed: dict[str, float] = {}

    async def submit(self, request: RunRequest) -> RunResult:
        self.handed[request.occurrence_id or ""] = time.time()
        now = datetime.now(UTC)
        run = RunInfo(id=request.run_id or "", workflow="bench", path=request.workflow_path, trigger=request.trigger,
                      status="succeeded", started_at=now, finished_at=now, attempt=request.attempt)  # fmt: skip
        return RunResult(run, {}, [])


def _spec(n: int, trigger: dict[str, Any], first: datetime | None) -> ScheduleSpec:
    return ScheduleSpec(
        id=f"workflow:bench{n // 100}:{n % 100}", workflow=f"bench{n // 100}", path="/bench.yaml", position=n % 100,
        trigger=trigger, trigger_hash=str(trigger), next_fire_time=first, misfire_grace=60.0,
        overlap="allow", max_instances=1000,
    )  # fmt: skip


@asynccontextmanager
async def _scheduler(url: str, **config: Any) -> AsyncIterator[tuple[Scheduler, Timer, NullExecutor]]:
    store = await Store.open(url)
    config.setdefault("claim_lead", LEAD[0])
    cfg = SchedulerConfig(jobstore_url=sync_url(url), lease_seconds=600, max_runs=64, **config)
    executor = NullExecutor()
    loop = asyncio.get_running_loop()
    timer = Timer(cfg, lambda jobs: None, write_lock=lambda: write_lock(store.engine))
    scheduler = Scheduler(store, cfg, owner=OWNER, executor=executor, timer=timer)
    install_handoff(lambda signals: loop.call_soon_threadsafe(scheduler.take, signals))
    await scheduler.db.lease.acquire(LEASE_NAME, OWNER, cfg.lease_seconds)
    await timer.start()
    try:
        yield scheduler, timer, executor
    finally:
        await timer.stop()
        install_handoff(None)
        for task in list(scheduler.dispatcher.tasks.values()):
            task.cancel()
        await store.close()


def _specs_for(triggers: list[dict[str, Any]], now: datetime) -> list[ScheduleSpec]:
    return [_spec(n, trigger, Cron(trigger).next_after(now)) for n, trigger in enumerate(triggers)]


async def bench_register(url: str) -> tuple[float, float]:
    """Seconds to store 10,000 new schedules and their timer jobs; the longest loop stall."""
    now = datetime.now(UTC)
    triggers = [{"cron": f"{n % 60} {n % 24} * * *", "timezone": "UTC", "jitter": 0.0} for n in range(SCHEDULES)]
    async with _scheduler(url) as (scheduler, timer, _):
        with StallMonitor() as stall:
            start = time.perf_counter()
            specs = await asyncio.to_thread(
                lambda: [_spec(n, t, Cron(t).next_after(now)) for n, t in enumerate(triggers)]
            )
            result = await scheduler.resync(Loaded(specs))
            elapsed = time.perf_counter() - start
        assert len(result.added) == SCHEDULES
        assert len(timer.jobs) == SCHEDULES
    return elapsed, stall.worst


async def bench_overdue(url: str) -> tuple[float, float]:
    """Seconds from start-up to 10,000 overdue occurrences claimed; the longest loop stall."""
    past = datetime.now(UTC) - timedelta(seconds=10)
    specs = [_spec(n, {"at": past.isoformat(), "jitter": 0.0}, past) for n in range(SCHEDULES)]
    async with _scheduler(url) as (scheduler, _, _):
        await scheduler.db.schedules.sync(specs)
        scheduler.runner.run = _noop  # type: ignore[method-assign]  # measure claiming, not running
        with StallMonitor() as stall:
            start = time.perf_counter()
            await scheduler.catch_up()
            claimed = 0
            while claimed < SCHEDULES:
                claimed += len((await scheduler.dispatcher.claim_once()).claimed)
            elapsed = time.perf_counter() - start
    return elapsed, stall.worst


async def _noop(_: object, *, started: bool = False) -> None:
    return None


async def _timed(url: str, fire_times: list[datetime]) -> tuple[list[float], list[float], float]:
    """Run the timer and the dispatcher over ``fire_times``: (claim latencies, hand-off latencies, stall)."""
    claimed: dict[str, float] = {}
    async with _scheduler(url) as (scheduler, timer, executor):
        specs = [_spec(n, {"at": t.isoformat(), "jitter": 0.0}, t) for n, t in enumerate(fire_times)]
        await scheduler.db.schedules.sync(specs)
        await scheduler.refresh()
        await timer.put(JobSpec(s.id, s.trigger, s.next_fire_time) for s in specs if s.next_fire_time)
        original = scheduler.dispatcher.accept

        def accept(result: Any) -> None:
            now = time.time()
            for item in result.claimed:
                claimed[item.occ.id] = now - item.occ.fire_time.timestamp()
            original(result)

        scheduler.dispatcher.accept = accept  # type: ignore[method-assign]
        stop = asyncio.Event()
        gc.freeze()  # as the daemon does once started
        timer.resume()
        with StallMonitor() as stall:
            loop_task = asyncio.ensure_future(scheduler.dispatcher.loop(stop))
            ahead_task = asyncio.ensure_future(scheduler.look_ahead(stop))
            deadline = time.time() + (fire_times[-1] - datetime.now(UTC)).total_seconds() + 30
            while len(executor.handed) < len(fire_times) and time.time() < deadline:
                await _wait(0.05)
            stop.set()
            await loop_task
            await ahead_task
        fires = {occurrence_id(s.id, s.next_fire_time): s.next_fire_time for s in specs if s.next_fire_time}
        handed = [t - fires[o].timestamp() for o, t in executor.handed.items() if o in fires]
    return list(claimed.values()), handed, stall.worst


async def _wait(seconds: float) -> None:
    loop = asyncio.get_running_loop()
    tick = loop.create_future()
    loop.call_later(seconds, _settle, tick)
    await tick


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


_resets: list[Callable[[], Awaitable[None]]] = []


async def _reset() -> None:
    for reset in _resets:
        await reset()


class Targets:
    """Each figure against its target: a ``met``/``MISSED`` word per line, and the table at the end."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, bool]] = []

    def check(self, label: str, what: str, value_ms: float, target_ms: float) -> str:
        """Record ``value_ms`` of ``what`` against ``target_ms``; returns "target < X: met" for the line."""
        met = value_ms < target_ms
        self.rows.append((label, what, f"{value_ms:,.0f} ms", f"< {target_ms:,.0f} ms", met))
        return f"target < {_human(target_ms)}: {'met' if met else 'MISSED'}"

    def table(self) -> list[str]:
        """The closing table, one line per figure."""
        widths = [max(len(row[i]) for row in self.rows) for i in range(4)]
        lines = [
            "",
            "  ".join(h.ljust(w) for h, w in zip(("database", "figure", "measured", "target"), widths, strict=True)),
        ]
        for *cells, met in self.rows:
            lines.append(
                "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + ("  met" if met else "  MISSED")
            )
        missed = sum(not row[4] for row in self.rows)
        lines.append(f"{len(self.rows) - missed} of {len(self.rows)} targets met")
        return lines


def _human(ms: float) -> str:
    return f"{ms / 1000:g} s" if ms >= 1000 else f"{ms:g} ms"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--lead", type=float, default=CLAIM_LEAD, help=f"claim_lead in seconds (default {CLAIM_LEAD:g})"
    )
    LEAD[0] = parser.parse_args().lead
    _quiet()
    targets = Targets()

    def out(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    with tempfile.TemporaryDirectory() as tmp:
        counter = [0]

        async def fresh_sqlite() -> None:
            counter[0] += 1
            state["url"] = f"sqlite+aiosqlite:///{Path(tmp) / f'bench{counter[0]}.db'}"

        state: dict[str, str] = {}
        await fresh_sqlite()
        _resets[:] = [fresh_sqlite]
        await _run_with(state, "SQLite (WAL)", out, targets)
    base = os.environ.get("JOBFLOW_TEST_POSTGRES_URL")
    if base:
        from sqlalchemy import text
        from sqlalchemy.engine import make_url
        from sqlalchemy.ext.asyncio import create_async_engine

        admin = create_async_engine(async_url(base), isolation_level="AUTOCOMMIT")
        names: list[str] = []

        async def fresh_pg() -> None:
            name = f"jf_bench_{uuid.uuid4().hex[:10]}"
            async with admin.connect() as connection:
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
            names.append(name)
            state["url"] = make_url(async_url(base)).set(database=name).render_as_string(hide_password=False)

        state = {}
        await fresh_pg()
        _resets[:] = [fresh_pg]
        try:
            await _run_with(state, "PostgreSQL", out, targets)
        finally:
            async with admin.connect() as connection:
                for name in names:
                    await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await admin.dispose()
    for line in targets.table():
        out(line)


async def _run_with(state: dict[str, str], label: str, out: Callable[[str], None], targets: Targets) -> None:
    async def step(work: Callable[[str], Awaitable[Any]]) -> Any:
        return await work(state["url"])

    def stalled(stall: float) -> str:
        return f"loop stall max {stall * 1000:.0f} ms, {targets.check(label, 'longest loop stall', stall * 1000, 250)}"

    register, stall1 = await step(bench_register)
    met = "no target on this database"  # the register target is SQLite's
    if label.startswith("SQLite"):
        met = targets.check(label, f"register {SCHEDULES:,} schedules", register * 1000, 2000)
    out(f"{label}: register {SCHEDULES:,} schedules: {register:.2f} s, {met} ({stalled(stall1)})")
    await _reset()
    overdue, stall2 = await step(bench_overdue)
    met = targets.check(label, f"start-up -> {SCHEDULES:,} overdue claimed", overdue * 1000, 3000)
    out(f"{label}: start-up -> {SCHEDULES:,} overdue occurrences claimed: {overdue:.2f} s, {met} ({stalled(stall2)})")
    await _reset()
    base = datetime.now(UTC) + timedelta(seconds=3)
    spread = [base + timedelta(seconds=5 * n / SPREAD) for n in range(SPREAD)]
    claimed, handed, stall3 = await step(lambda url: _timed(url, spread))
    met = targets.check(label, f"{SPREAD:,} due over 5 s: dispatch p99", _pct(handed, 0.99) * 1000, 50)
    out(f"{label}: {SPREAD:,} due over 5 s: dispatch latency p50 {_pct(handed, .5) * 1000:.0f} ms, "
        f"p99 {_pct(handed, .99) * 1000:.0f} ms, {met}; claimed p99 {_pct(claimed, .99) * 1000:.0f} ms "
        f"({len(handed)} dispatched; {stalled(stall3)})")  # fmt: skip
    await _reset()
    second = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=4)
    burst = [second + timedelta(microseconds=n) for n in range(SPREAD)]
    claimed, handed, stall4 = await step(lambda url: _timed(url, burst))
    met = targets.check(label, f"{SPREAD:,} due in the same second: claimed p99", _pct(claimed, 0.99) * 1000, 250)
    out(f"{label}: {SPREAD:,} due in the same second: claimed p50 {_pct(claimed, .5) * 1000:.0f} ms, "
        f"p99 {_pct(claimed, .99) * 1000:.0f} ms, {met}; handed p50 {_pct(handed, .5) * 1000:.0f} ms, "
        f"p99 {_pct(handed, .99) * 1000:.0f} ms ({len(claimed)} claimed; {stalled(stall4)})")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
