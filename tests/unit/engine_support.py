"""Throwaway step types and a lifecycle recorder for the engine tests (registered as real plugins)."""

from __future__ import annotations

import asyncio
import random
import tempfile
from collections import defaultdict
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import Field

from jobflow.clock import FakeClock
from jobflow.config import Settings
from jobflow.engine import Engine, RunResult
from jobflow.errors import RateLimited, error_codes
from jobflow.events import RunInfo, StepInfo
from jobflow.hookspecs import hookimpl
from jobflow.plugins import Plugins, build_plugins
from jobflow.sites import SiteSpec
from jobflow.spec.durations import parse_rate
from jobflow.spec.models import RetryPolicy, WaitSpec, Workflow
from jobflow.steptype import StepContext, StepOutputs, StepParams, step

HEARTBEAT = 3600.0  # a distinctive interval, so heartbeat sleeps are told apart from retry delays
SECRET = "s3cr3t-hunter2"


async def yield_to_others(times: int = 3) -> None:
    """Let other tasks run (a loop turn each), without sleeping."""
    loop = asyncio.get_running_loop()
    for _ in range(times):
        future = loop.create_future()
        loop.call_soon(future.set_result, None)
        await future


class EchoParams(StepParams):
    value: Any = None
    count: int = 0


class EchoOutputs(StepOutputs):
    value: Any = None
    count: int = 0


class FlakyParams(StepParams):
    key: str = "default"
    fail_times: int = 1
    error: str = "network"
    message: str = "flaky failure"
    retry_after: float | None = None


class FlakyOutputs(StepOutputs):
    calls: int
    postings: list[str] = Field(default_factory=list)


class ListOutputs(StepOutputs):
    postings: list[str] = Field(default_factory=list)


class StepsPlugin:
    """Step types under test: echo, flaky, hang, track (concurrency), boom (a foreign error), leak."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = defaultdict(int)
        self.active = 0
        self.max_active = 0
        self.started = asyncio.Event()
        self.cancelled = 0
        self.contexts: list[StepContext] = []

    @hookimpl
    def register_steps(self, register: Any) -> None:
        @step("t.echo", params=EchoParams, outputs=EchoOutputs)
        async def echo(ctx: StepContext, params: EchoParams) -> EchoOutputs:
            self.contexts.append(ctx)
            return EchoOutputs(value=params.value, count=params.count)

        @step("t.flaky", params=FlakyParams, outputs=FlakyOutputs)
        async def flaky(ctx: StepContext, params: FlakyParams) -> FlakyOutputs:
            self.calls[params.key] += 1
            if self.calls[params.key] <= params.fail_times:
                cls = error_codes()[params.error]
                if cls is RateLimited:
                    after = timedelta(seconds=params.retry_after) if params.retry_after is not None else None
                    raise RateLimited(params.message, retry_after=after)
                raise cls(params.message)
            return FlakyOutputs(calls=self.calls[params.key], postings=["p1"])

        @step("t.hang", params=EchoParams, outputs=EchoOutputs)
        async def hang(ctx: StepContext, params: EchoParams) -> EchoOutputs:
            self.started.set()
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                self.cancelled += 1
                raise
            raise AssertionError("unreachable")

        @step("t.track", params=EchoParams, outputs=EchoOutputs)
        async def track(ctx: StepContext, params: EchoParams) -> EchoOutputs:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
            await yield_to_others(5)
            self.active -= 1
            if params.value == "fail":
                raise ValueError(f"bad item at {ctx.iteration}")
            return EchoOutputs(value=params.value, count=ctx.iteration or 0)

        @step("t.boom", params=EchoParams, outputs=EchoOutputs)
        async def boom(ctx: StepContext, params: EchoParams) -> EchoOutputs:
            raise KeyError(f"no such thing: {params.value}")

        @step("t.leak", params=EchoParams, outputs=ListOutputs)
        async def leak(ctx: StepContext, params: EchoParams) -> ListOutputs:
            ctx.log.info("logging in", password=params.value, note=f"pw={params.value}")
            return ListOutputs(postings=[f"token {params.value}"])

        @step("t.sited", params=EchoParams, outputs=EchoOutputs, site="demo")
        async def sited(ctx: StepContext, params: EchoParams) -> EchoOutputs:
            self.contexts.append(ctx)
            return EchoOutputs(value=ctx.site_name)

        for step_type in (echo, flaky, hang, track, boom, leak, sited):
            register(step_type)

    @hookimpl
    def register_sites(self, register: Any) -> None:
        register(
            SiteSpec(
                name="demo",
                base_url="https://demo.example",
                wait=WaitSpec(until="domcontentloaded"),
                rate=parse_rate("10/min"),
                retry=RetryPolicy(max_attempts=2, backoff=[timedelta(seconds=7)]),
            )
        )


class Recorder:
    """Collects copies of every lifecycle event."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []
        self.heartbeats = 0

    def named(self, name: str) -> list[Any]:
        return [payload for event, payload in self.events if event == name]

    @hookimpl
    async def run_started(self, run: RunInfo) -> None:
        self.events.append(("run_started", replace(run)))

    @hookimpl
    def step_started(self, run: RunInfo, step: StepInfo) -> None:
        self.events.append(("step_started", replace(step)))

    @hookimpl
    def step_finished(self, run: RunInfo, step: StepInfo) -> None:
        self.events.append(("step_finished", replace(step)))

    @hookimpl
    def run_heartbeat(self, run: RunInfo) -> None:
        self.heartbeats += 1

    @hookimpl
    def run_finished(self, run: RunInfo) -> None:
        self.events.append(("run_finished", replace(run)))


def make_plugins(steps: StepsPlugin, recorder: Recorder) -> Plugins:
    return build_plugins(extra=[("t", steps), ("recorder", recorder)], disable_autoload=True)


UNIT_HOME = Path(tempfile.gettempdir()) / "jobflow-unit-tests"
"""The engine's home in unit tests (a failed attempt saves its traceback there), never the user's."""


def make_engine(plugins: Plugins, clock: FakeClock, seed: int = 7) -> Engine:
    settings = Settings(jobflow_heartbeat_interval=HEARTBEAT, jobflow_home=UNIT_HOME)
    return Engine(plugins, settings, clock=clock, rng=random.Random(seed))


def workflow(steps: list[dict[str, Any]], **extra: Any) -> Workflow:
    return Workflow.model_validate({"version": 1, "name": "test-flow", "steps": steps, **extra})


def delays(clock: FakeClock) -> list[float]:
    """The retry waits the engine asked the clock for (heartbeat waits left out)."""
    return [s for s in clock.sleeps if s != HEARTBEAT]


ENGINE_RUN_KEYS = frozenset({"run_id", "attempt", "occurrence_id", "trigger", "owner"})
"""Keyword arguments of :func:`run_steps` that go to ``Engine.run``; the others are workflow keys."""


async def run_steps(
    steps: StepsPlugin,
    recorder: Recorder,
    clock: FakeClock,
    step_list: list[dict[str, Any]],
    *,
    inputs: dict[str, Any] | None = None,
    secrets: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
    **keys: Any,
) -> RunResult:
    """Run a workflow of ``step_list`` through a fresh engine: ``keys`` named in :data:`ENGINE_RUN_KEYS` go to
    ``Engine.run``, the rest (and ``extra``) are top-level workflow keys such as ``defaults`` or ``sites``."""
    run_kw = {k: v for k, v in keys.items() if k in ENGINE_RUN_KEYS}
    top = {**(extra or {}), **{k: v for k, v in keys.items() if k not in ENGINE_RUN_KEYS}}
    engine = make_engine(make_plugins(steps, recorder), clock)
    return await engine.run(
        workflow(step_list, **top), path=Path("/flows/test.yaml"), inputs=inputs or {}, secrets=secrets or {}, **run_kw
    )
