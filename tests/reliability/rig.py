"""An in-process scheduler on a fake clock (the ``rig`` fixture), and the invariant every scenario checks.

The rig runs the real :class:`~jobflow.scheduler.service.Scheduler` on a real database with a
:class:`FakeClock`; time moves only when a test says so. Runs execute through the real engine with
throwaway ``rt.*`` steps that count their executions by idempotency key. Instead of APScheduler (which
reads the wall clock), the test advances the clock and calls :meth:`Rig.tick`, which catches up the fire
times that passed, as the timer would have handed them over, and runs what is due.
"""

from __future__ import annotations

import asyncio
import textwrap
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from jobflow.clock import FakeClock
from jobflow.config import Settings
from jobflow.engine import Engine
from jobflow.engine.executor import InProcessExecutor
from jobflow.errors import error_codes
from jobflow.hookspecs import hookimpl
from jobflow.plugins import Plugins, build_plugins
from jobflow.scheduler.config import LEASE_NAME, SchedulerConfig
from jobflow.scheduler.service import Scheduler
from jobflow.scheduler.specs import discover, load_schedules
from jobflow.steptype import StepContext, StepOutputs, StepParams, step
from jobflow.store import RunRecorder, Store
from jobflow.store.scheduling import TERMINAL, Occ

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
HEARTBEAT = 987_654.0
OWNER = "rig-host:1:boot:aaaa"


class EngineClock(FakeClock):
    """The engine's clock: retry backoffs pass at once (and are recorded); heartbeat waits never end."""

    async def sleep(self, seconds: float) -> None:
        if seconds == HEARTBEAT:
            await asyncio.Event().wait()
        await super().sleep(seconds)


class MarkParams(StepParams):
    key: str = "x"
    fail: int = 0
    """Fail this many executions of this key (across runs), then succeed."""
    error: str = "network"
    hold: bool = False
    """Wait until the test releases it (``Steps.release``)."""
    turns: int = 0
    """Let other tasks run this many loop turns while counted as active (concurrency checks)."""


class MarkOutputs(StepOutputs):
    executions: int = 0


class Steps:
    """``rt.mark``: records ``ctx.idempotency_key`` per execution; can fail or hold."""

    def __init__(self) -> None:
        self.executions: list[str] = []
        self.by_key: Counter[str] = Counter()
        self.release = asyncio.Event()
        self.held = 0
        self.active = 0
        self.most_active = 0

    @hookimpl
    def register_steps(self, register: Any) -> None:
        @step("rt.mark", params=MarkParams, outputs=MarkOutputs)
        async def mark(ctx: StepContext, params: MarkParams) -> MarkOutputs:
            self.executions.append(ctx.idempotency_key)
            self.by_key[params.key] += 1
            self.active += 1
            self.most_active = max(self.most_active, self.active)
            try:
                for _ in range(params.turns):
                    await asyncio.sleep(0)  # noqa: TID251 - a loop turn, not a wait on time
                if params.hold:
                    self.held += 1
                    await self.release.wait()
            finally:
                self.active -= 1
            if self.by_key[params.key] <= params.fail:
                raise error_codes()[params.error](f"planned failure {self.by_key[params.key]} of {params.key}")
            return MarkOutputs(executions=self.by_key[params.key])

        register(mark)


@dataclass
class Rig:
    """A scheduler, its store and fake clock, the workflow directory and the executions seen."""

    store: Store
    clock: FakeClock
    engine_clock: EngineClock
    scheduler: Scheduler
    plugins: Plugins
    steps: Steps
    flows: Path
    config: SchedulerConfig
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def db(self) -> Any:
        return self.scheduler.db

    def write(self, name: str, body: str) -> Path:
        """Write ``flows/<name>.yaml`` (``body`` is dedented)."""
        path = self.flows / f"{name}.yaml"
        path.write_text(textwrap.dedent(body))
        return path

    def flow(
        self, name: str, triggers: list[dict[str, Any]], steps: list[dict[str, Any]] | None = None, **top: Any
    ) -> Path:
        """Write a workflow ``name`` with these triggers (default step: one ``rt.mark``)."""
        document = {"version": 1, "name": name, "triggers": triggers, **top}
        document["steps"] = steps or [{"uses": "rt.mark", "with": {"key": name}}]
        path = self.flows / f"{name}.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False))
        return path

    async def sync(self) -> Any:
        """Re-sync the workflow files, as the daemon does on start and on change."""
        loaded = load_schedules(discover([self.flows]), self.plugins, self.clock.now(), self.config.misfire_grace)
        assert not loaded.failed, loaded.failed
        return await self.scheduler.resync(loaded)

    async def tick(self) -> None:
        """Record fire times that passed, claim what is due, and run it to the end."""
        await self.scheduler.catch_up()
        await self.run_due()

    async def run_due(self) -> int:
        """Claim due occurrences (repeatedly) and wait for their runs; returns how many were claimed."""
        total = 0
        while True:
            result = await self.scheduler.dispatcher.claim_once()
            total += len(result.claimed)
            tasks = list(self.scheduler.dispatcher.tasks.values())
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
            if not result.claimed and not result.missed and not tasks:
                return total

    async def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    async def move_to(self, when: datetime) -> None:
        """Set the fake clock to ``when`` (keeping the lease)."""
        self.clock._now = when
        await self.db.lease.acquire(LEASE_NAME, OWNER, self.config.lease_seconds)

    async def until_held(self, count: int = 1, turns: int = 100) -> int:
        """Let claimed runs reach their held ``rt.mark`` step (database round trips, not time) until ``count``
        hold or ``turns`` are spent; returns how many hold."""
        for _ in range(turns):
            if self.steps.held >= count:
                break
            await self.db.occurrences.list()
        return self.steps.held

    async def occurrences(self, schedule_id: str | None = None) -> list[Occ]:
        return list(await self.db.occurrences.list(schedule_id=schedule_id))

    async def states(self) -> Counter[str]:
        return Counter(o.state for o in await self.occurrences())


async def build_rig(store: Store, tmp: Path, **config: Any) -> Rig:
    """A rig on ``store`` (whose clock must be a ``FakeClock``) holding the lease."""
    assert isinstance(store.clock, FakeClock)
    flows = tmp / "flows"
    flows.mkdir(exist_ok=True)
    steps = Steps()
    plugins = build_plugins(disable_autoload=True, extra=[("rt", steps)])
    plugins.register(RunRecorder(store), "jobflow.recorder")
    settings = Settings(jobflow_home=tmp / "home", jobflow_heartbeat_interval=HEARTBEAT)
    engine_clock = EngineClock(T0)
    executor = InProcessExecutor(lambda: Engine(plugins, settings, clock=engine_clock, store=store))
    cfg = SchedulerConfig(**{"lease_seconds": 10**7, **config})
    scheduler = Scheduler(store, cfg, owner=OWNER, executor=executor)
    taken, _ = await scheduler.db.lease.acquire(LEASE_NAME, OWNER, cfg.lease_seconds)
    assert taken
    return Rig(store, store.clock, engine_clock, scheduler, plugins, steps, flows, cfg)


async def check_invariant(store: Store, *, allow_open: bool = False) -> None:
    """Every occurrence has exactly one terminal state (unless ``allow_open``), and each run row belongs to
    one occurrence with attempts matching it."""
    from jobflow.store.scheduling import SchedulerDB

    db = SchedulerDB(store)
    occs = await db.occurrences.list()
    if not allow_open:
        open_ = [o.id + ":" + o.state for o in occs if o.state not in TERMINAL]
        assert not open_, f"occurrences without a terminal state: {open_[:5]}"
    runs = await store.runs.list(limit=100_000)
    per_occurrence: dict[str | None, list[str]] = defaultdict(list)
    for run in runs:
        per_occurrence[run.occurrence_id].append(run.id)
    by_id = {o.id: o for o in occs}
    for occ_id, ids in per_occurrence.items():
        if occ_id is None:
            continue
        assert len(ids) == 1, f"occurrence {occ_id} has {len(ids)} run rows"
        assert occ_id in by_id, f"run of unknown occurrence {occ_id}"
