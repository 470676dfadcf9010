"""A retried run (same run id, attempt n+1: after a crash, a stuck run or a shutdown) numbers its step
attempts after the ones already recorded, so the earlier attempts' ``step_runs`` rows and evidence files
stay; each step's tries, hence its idempotency keys ``run_id:try:step``, restart at 1 as before.

The real engine and recorder on a real database (SQLite, and PostgreSQL when configured); no browser,
no sleeps (a fake clock). Takes well under a second per database.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field
from rig import T0
from sqlalchemy import update

from jobflow.clock import FakeClock
from jobflow.config import Settings
from jobflow.engine import Engine
from jobflow.engine.executor import InProcessExecutor, RunRequest
from jobflow.errors import NetworkError
from jobflow.events import RunInfo, StepInfo
from jobflow.hookspecs import hookimpl
from jobflow.plugins import build_plugins
from jobflow.steptype import StepContext, StepOutputs, StepParams, step
from jobflow.store import RunRecorder, Store
from jobflow.store.models import WorkflowRun

HEARTBEAT = 3600.0


class EngineClock(FakeClock):
    """Retry backoffs pass at once; heartbeat waits never end."""

    async def sleep(self, seconds: float) -> None:
        if seconds == HEARTBEAT:
            await asyncio.Event().wait()
        await super().sleep(seconds)


class NoteParams(StepParams):
    plan: list[str] = Field(default_factory=lambda: ["ok"])
    """What the n-th execution (over all runs) does: ``ok``, ``fail`` (a network error) or ``hold``."""


class Notes:
    """``ev.note``: writes the attempt and idempotency key into its attempt's evidence folder."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.held = asyncio.Event()

    @hookimpl
    def register_steps(self, register: Any) -> None:
        @step("ev.note", params=NoteParams, outputs=StepOutputs)
        async def note(ctx: StepContext, params: NoteParams) -> None:
            self.keys.append(ctx.idempotency_key)
            ctx.artifacts_dir.mkdir(parents=True, exist_ok=True)
            written = ctx.artifacts_dir / "note.txt"
            written.write_text(f"attempt {ctx.attempt} key {ctx.idempotency_key}")
            ctx.add_artifacts([written])
            todo = params.plan[min(len(self.keys), len(params.plan)) - 1]
            if todo == "fail":
                raise NetworkError(f"planned failure {len(self.keys)}")
            if todo == "hold":
                self.held.set()
                await asyncio.Event().wait()

        register(note)


def _executor(store: Store, tmp: Path, notes: Notes) -> InProcessExecutor:
    plugins = build_plugins(disable_autoload=True, extra=[("ev", notes)])
    plugins.register(RunRecorder(store), "jobflow.recorder")
    settings = Settings(jobflow_home=tmp / "home", jobflow_heartbeat_interval=HEARTBEAT)
    clock = EngineClock(T0 + timedelta(minutes=1))
    return InProcessExecutor(lambda: Engine(plugins, settings, clock=clock, store=store))


def _flow(tmp: Path, plan: list[str]) -> str:
    document = {
        "version": 1,
        "name": "notes",
        "defaults": {"retry": {"max_attempts": 3, "backoff": ["60s"], "retry_on": ["network"]}},
        "steps": [{"id": "note", "uses": "ev.note", "with": {"plan": plan}}],
    }
    path = tmp / "notes.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return str(path)


async def _requeue(store: Store, run_id: str, attempt: int) -> None:
    """What the scheduler's claim does before a retry: the run row back to ``queued`` as attempt n."""
    async with store.engine.begin() as connection:
        table: Any = WorkflowRun.__table__
        await connection.execute(update(table).where(table.c.id == run_id).values(status="queued", attempt=attempt))


async def test_a_retried_run_keeps_the_earlier_attempts_rows_and_evidence(store: Store, tmp_path: Path) -> None:
    notes = Notes()
    executor = _executor(store, tmp_path, notes)
    path = _flow(tmp_path, ["fail", "hold", "ok"])
    first = asyncio.create_task(executor.submit(RunRequest(path, run_id="r1", attempt=1)))
    await notes.held.wait()  # attempt 1 failed, attempt 2 is stuck: the run is stopped (as a zombie is)
    first.cancel()
    await asyncio.gather(first, return_exceptions=True)
    await _requeue(store, "r1", 2)

    result = await executor.submit(RunRequest(path, run_id="r1", attempt=2))

    assert result.ok
    detail = await store.runs.get("r1")
    assert detail is not None
    assert detail.run.attempt == 2
    rows = [(s.attempt, s.status, s.error_class) for s in detail.steps]
    assert rows == [(1, "failed", "NetworkError"), (2, "cancelled", None), (3, "succeeded", None)], rows
    assert notes.keys == ["r1:1:note", "r1:2:note", "r1:1:note"], "the tries, and keys, restart per run attempt"
    for row in detail.steps:
        evidence = tmp_path / "home" / "artifacts" / "r1" / "note" / f"attempt-{row.attempt}" / "note.txt"
        assert evidence.read_text().startswith(f"attempt {row.attempt} "), "never overwritten"
        if row.status != "succeeded":
            assert str(evidence) in row.artifacts, "linked from its own attempt's row"
            assert all(Path(p).parent == evidence.parent for p in row.artifacts), row.artifacts
    assert "NetworkError: planned failure 1" in (evidence.parent.parent / "attempt-1" / "traceback.txt").read_text()


async def test_a_crashed_attempts_running_rows_are_closed_and_kept(store: Store, tmp_path: Path) -> None:
    """The dead process left attempt 2 of the step ``running``: the retry closes it, then runs attempt 3."""
    crashed = RunInfo(
        id="r2", workflow="notes", path=str(tmp_path / "notes.yaml"), trigger="schedule:workflow:notes:0",
        status="running", started_at=T0, attempt=1,
    )  # fmt: skip
    await store.runs.start(crashed)
    for attempt, status in ((1, "failed"), (2, "running")):
        started = T0 + timedelta(seconds=attempt)
        await store.runs.record_step(StepInfo("r2", "note", "ev.note", attempt, status, started))  # type: ignore[arg-type]
    await _requeue(store, "r2", 2)
    notes = Notes()

    result = await _executor(store, tmp_path, notes).submit(RunRequest(_flow(tmp_path, ["ok"]), run_id="r2", attempt=2))

    assert result.ok
    detail = await store.runs.get("r2")
    assert detail is not None
    rows = [(s.attempt, s.status, s.error_class) for s in detail.steps]
    assert rows == [(1, "failed", None), (2, "failed", "Crashed"), (3, "succeeded", None)], rows
    assert notes.keys == ["r2:1:note"]


async def test_an_explicit_base_from_the_request_wins(store: Store, tmp_path: Path) -> None:
    notes = Notes()
    request = RunRequest(_flow(tmp_path, ["ok"]), run_id="r3", attempt=1, step_attempt_base=7)
    result = await _executor(store, tmp_path, notes).submit(request)
    assert [s.attempt for s in result.steps] == [8]
    assert RunRequest.from_json(request.to_json()) == request
