"""The run recorder as the engine sees it: a plugin behind the real plugin manager, writing every event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from store_support import T0, make_run, make_step

from jobflow.clock import FakeClock
from jobflow.errors import StoreError
from jobflow.plugins import Plugins, build_plugins
from jobflow.store import RunRecorder, Store


@pytest.fixture
def plugins(store: Store) -> Plugins:
    built = build_plugins(disable_autoload=True)
    built.register(RunRecorder(store), "jobflow.recorder")
    return built


async def test_every_lifecycle_event_is_recorded(plugins: Plugins, store: Store) -> None:
    assert isinstance(store.clock, FakeClock)
    run = make_run()
    await plugins.run_started(run)
    step = make_step()
    await plugins.step_started(run, step)
    store.clock.advance(10)
    await plugins.run_heartbeat(run)

    running = await store.runs.get(run.id)
    assert running is not None
    assert running.run.status == "running"
    assert running.run.heartbeat_at == T0 + timedelta(seconds=10)
    assert [s.status for s in running.steps] == ["running"]

    step.status, step.finished_at, step.outputs = "succeeded", T0 + timedelta(seconds=12), {"postings": 7}
    await plugins.step_finished(run, step)
    run.status, run.finished_at = "succeeded", T0 + timedelta(seconds=13)
    await plugins.run_finished(run)

    done = await store.runs.get(run.id)
    assert done is not None
    assert (done.run.status, done.run.finished_at) == ("succeeded", T0 + timedelta(seconds=13))
    assert [(s.status, s.outputs) for s in done.steps] == [("succeeded", {"postings": 7})]


async def test_a_failed_write_fails_the_hook_call(plugins: Plugins) -> None:
    ghost = make_run("run-ghost")
    with pytest.raises(StoreError, match="run-ghost"):
        await plugins.step_started(ghost, make_step(run_id="run-ghost"))  # never started: the write is refused
    with pytest.raises(StoreError, match="no such run"):
        await plugins.run_heartbeat(ghost)


def test_the_recorder_is_critical_and_listed_with_its_hooks(plugins: Plugins) -> None:
    assert RunRecorder.critical is True
    listed = {info.name: info.hooks for info in plugins.info()}
    assert set(listed["jobflow.recorder"]) == {
        "run_started",
        "step_started",
        "step_finished",
        "run_heartbeat",
        "run_finished",
    }
