"""Engine semantics: outputs between steps, conditions, failures, continue_on_error, errors, lifecycle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from engine_support import Recorder, StepsPlugin, run_steps

from jobflow.clock import FakeClock
from jobflow.engine import RunResult, current_owner, new_run_id
from jobflow.errors import ConfigError, StoreError
from jobflow.events import RunInfo, StepInfo
from jobflow.hookspecs import hookimpl

PATH = Path("/flows/test.yaml")


run = run_steps


def statuses(result: RunResult) -> list[tuple[str, str]]:
    return [(s.step_id, s.status) for s in result.steps]


async def test_outputs_pass_between_steps_with_native_types(
    steps: StepsPlugin, recorder: Recorder, clock: FakeClock
) -> None:
    result = await run(
        steps,
        recorder,
        clock,
        [
            {"id": "a", "uses": "t.echo", "with": {"value": ["x", "y"], "count": "${{ inputs.limit }}"}},
            {
                "id": "b",
                "uses": "t.echo",
                "with": {"value": "${{ steps.a.value + ['z'] }}", "count": "${{ steps.a.count * 2 }}"},
            },
            {
                "id": "c",
                "uses": "t.echo",
                "with": {"value": "${{ steps.b.value | length }} items for ${{ inputs.who }}"},
            },
        ],
        extra={"inputs": {"limit": {"type": "integer", "default": 5}, "who": {"default": "ann"}}},
    )
    assert result.ok
    assert result.outputs["b"] == {"value": ["x", "y", "z"], "count": 10}
    assert result.outputs["c"]["value"] == "3 items for ann"
    assert result.run.outputs is not None
    assert result.run.outputs["b"]["count"] == 10
    assert result.run.inputs == {"limit": 5, "who": "ann"}


async def test_given_inputs_override_defaults_and_required_missing_is_refused(
    steps: StepsPlugin, recorder: Recorder, clock: FakeClock
) -> None:
    flow = [{"id": "a", "uses": "t.echo", "with": {"value": "${{ inputs.who }}"}}]
    extra = {"inputs": {"who": {"default": "ann"}}}
    result = await run(steps, recorder, clock, flow, extra=extra, inputs={"who": "bob"})
    assert result.outputs["a"]["value"] == "bob"
    with pytest.raises(ConfigError, match="'who' is required"):
        await run(steps, recorder, clock, flow, extra={"inputs": {"who": {"required": True}}})


async def test_run_context_and_step_context(steps: StepsPlugin, recorder: Recorder, clock: FakeClock) -> None:
    result = await run(
        steps,
        recorder,
        clock,
        [{"id": "a", "uses": "t.echo", "with": {"value": "${{ run.workflow }}/${{ run.trigger }}/${{ run.attempt }}"}}],
        trigger="schedule",
        attempt=2,
        run_id="run-xyz",
        occurrence_id="occ-1",
    )
    assert result.outputs["a"]["value"] == "test-flow/schedule/2"
    ctx = steps.contexts[0]
    assert (ctx.run_id, ctx.step_id, ctx.uses, ctx.attempt, ctx.workflow_dir) == (
        "run-xyz",
        "a",
        "t.echo",
        1,
        PATH.parent,
    )
    assert ctx.clock is clock
    assert (result.run.id, result.run.attempt, result.run.occurrence_id) == ("run-xyz", 2, "occ-1")
    assert result.run.path == str(PATH)


async def test_if_false_skips_with_empty_outputs(steps: StepsPlugin, recorder: Recorder, clock: FakeClock) -> None:
    result = await run(
        steps,
        recorder,
        clock,
        [
            {"id": "a", "uses": "t.echo", "with": {"value": []}},
            {"id": "b", "uses": "t.echo", "if": "steps.a.value | length > 0", "with": {"value": 1}},
            {"id": "c", "uses": "t.echo", "if": "${{ steps.b == {} }}", "with": {"value": 2}},
            {"id": "d", "uses": "t.echo", "if": False},
        ],
    )
    assert result.ok
    assert statuses(result) == [("a", "succeeded"), ("b", "skipped"), ("c", "succeeded"), ("d", "skipped")]
    assert result.outputs["b"] == {}
    assert result.outputs["d"] == {}
    assert [s.step_id for s in recorder.named("step_started")] == ["a", "c"]


async def test_failure_stops_the_run_but_always_and_failure_steps_run(
    steps: StepsPlugin, recorder: Recorder, clock: FakeClock
) -> None:
    result = await run(
        steps,
        recorder,
        clock,
        [
            {"id": "a", "uses": "t.flaky", "with": {"fail_times": 1, "error": "site_changed", "message": "no #jobs"}},
            {"id": "b", "uses": "t.echo"},
            {"id": "c", "uses": "t.echo", "if": "${{ always() }}"},
            {"id": "d", "uses": "t.echo", "if": "failure()"},
            {"id": "e", "uses": "t.echo", "if": "success()"},
        ],
    )
    assert result.run.status == "failed"
    assert (result.run.error_class, result.run.error_message) == ("SiteChanged", "no #jobs")
    assert statuses(result) == [
        ("a", "failed"),
        ("b", "skipped"),
        ("c", "succeeded"),
        ("d", "succeeded"),
        ("e", "skipped"),
    ]


async def test_continue_on_error_records_failure_and_run_succeeds(
    steps: StepsPlugin, recorder: Recorder, clock: FakeClock
) -> None:
    result = await run(
        steps,
        recorder,
        clock,
        [
            {"id": "ind", "uses": "t.flaky", "with": {"fail_times": 1}, "continue_on_error": True},
            {"id": "next", "uses": "t.echo", "with": {"value": "${{ steps.ind.postings }}"}},
            {"id": "f", "uses": "t.echo", "if": "failure()"},
        ],
    )
    assert result.ok
    assert statuses(result) == [("ind", "failed"), ("next", "succeeded"), ("f", "skipped")]
    assert result.outputs["ind"] == {"postings": []}  # the outputs model's defaults
    assert result.outputs["next"]["value"] == []


async def test_foreign_exception_wrapped_keeping_class_name(
    steps: StepsPlugin, recorder: Recorder, clock: FakeClock
) -> None:
    result = await run(steps, recorder, clock, [{"id": "x", "uses": "t.boom", "with": {"value": "key9"}}])
    failed = result.steps[0]
    assert (failed.status, failed.error_class) == ("failed", "KeyError")
    assert "no such thing: key9" in (failed.error_message or "")
    assert result.run.error_class == "KeyError"


async def test_expression_error_names_step_and_expression(
    steps: StepsPlugin, recorder: Recorder, clock: FakeClock
) -> None:
    result = await run(
        steps,
        recorder,
        clock,
        [
            {"id": "li", "uses": "t.flaky", "with": {"fail_times": 0}},
            {"id": "save", "uses": "t.echo", "with": {"value": "${{ steps.li.postingz }}"}},
        ],
    )
    assert result.run.status == "failed"
    assert result.run.error_message == (
        "step 'save': expression '${{ steps.li.postingz }}' failed: 'dict object' has no attribute 'postingz'"
    )
    assert result.steps[-1].error_class == "ExpressionError"
    assert [s.step_id for s in recorder.named("step_started")] == ["li", "save"]


async def test_expression_error_in_if(steps: StepsPlugin, recorder: Recorder, clock: FakeClock) -> None:
    result = await run(steps, recorder, clock, [{"id": "a", "uses": "t.echo", "if": "steps.nope.x > 1"}])
    assert result.run.status == "failed"
    assert result.run.error_message is not None
    assert result.run.error_message.startswith("step 'a': if expression 'steps.nope.x > 1' failed")


async def test_params_validation_error_names_step_and_field(
    steps: StepsPlugin, recorder: Recorder, clock: FakeClock
) -> None:
    result = await run(steps, recorder, clock, [{"id": "a", "uses": "t.echo", "with": {"count": "${{ 'ten' }}"}}])
    assert result.run.status == "failed"
    assert result.steps[0].error_class == "ValidationError"
    assert (result.steps[0].error_message or "").startswith("step 'a': with.count: Input should be a valid integer")


async def test_unknown_step_type_fails_the_step(steps: StepsPlugin, recorder: Recorder, clock: FakeClock) -> None:
    result = await run(steps, recorder, clock, [{"id": "a", "uses": "t.missing"}])
    assert result.run.error_message == "step 'a': unknown step type 't.missing'"


async def test_lifecycle_order_and_run_finished_once(steps: StepsPlugin, recorder: Recorder, clock: FakeClock) -> None:
    result = await run(steps, recorder, clock, [{"id": "a", "uses": "t.echo"}, {"uses": "t.echo", "if": False}])
    names = [name for name, _ in recorder.events]
    assert names == ["run_started", "step_started", "step_finished", "step_finished", "run_finished"]
    started, finished = recorder.named("run_started")[0], recorder.named("run_finished")[0]
    assert started.status == "running"
    assert finished.status == "succeeded"
    assert finished.finished_at is not None
    assert finished.finished_at >= started.started_at
    assert recorder.named("step_finished")[1].step_id == "step2"  # a step without id
    assert result.run.owner == current_owner()


async def test_heartbeat_called_on_the_injected_clock(steps: StepsPlugin, recorder: Recorder, clock: FakeClock) -> None:
    steps_list = [{"id": f"s{n}", "uses": "t.track", "with": {"value": n}} for n in range(20)]
    result = await run(steps, recorder, clock, steps_list)
    assert result.ok
    assert recorder.heartbeats >= 1
    assert 3600.0 in clock.sleeps  # the settings' interval, waited on the engine's clock


def test_run_ids_sortable_unique_short() -> None:
    ids = [new_run_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert all(len(i) == 20 and i.isalnum() and i.islower() for i in ids)


def test_owner_identifies_this_process() -> None:
    import os
    import socket

    from jobflow.engine.owner import owner_state, parse_owner

    owner = parse_owner(current_owner())
    assert owner is not None
    assert owner.pid == os.getpid()
    assert owner.host == socket.gethostname().replace(":", "_")
    assert current_owner() == current_owner()
    assert owner_state(current_owner()) == "alive"
    assert owner_state(f"{owner.host}:{owner.pid}:{owner.boot_id}:othertoken") == "dead"
    assert owner_state("elsewhere:1:boot:tok") == "unknown"


class FullDisk(Recorder):
    """A critical recorder (as the run recorder is) that cannot write the record of step ``fails``."""

    critical = True

    def __init__(self, fails: str) -> None:
        super().__init__()
        self.fails = fails

    @hookimpl
    def step_finished(self, run: RunInfo, step: StepInfo) -> None:
        super().step_finished(run, step)
        if step.step_id == self.fails:
            raise StoreError(f"cannot record step {step.step_id}: database or disk is full")


@pytest.mark.parametrize(
    "step",
    [
        {"id": "s", "uses": "t.echo", "with": {"value": "x"}, "continue_on_error": True},
        {"id": "s", "uses": "t.echo", "for_each": [1, 2, 3], "with": {"value": "${{ item }}"}},
    ],
    ids=["continue_on_error", "for_each"],
)
async def test_a_step_record_that_cannot_be_written_ends_the_run_unrecorded(
    steps: StepsPlugin, clock: FakeClock, step: dict[str, Any]
) -> None:
    recorder = FullDisk("s")
    with pytest.raises(StoreError, match="database or disk is full"):
        await run_steps(steps, recorder, clock, [step, {"id": "after", "uses": "t.echo", "with": {"value": "y"}}])
    assert not [s for s in recorder.named("step_started") if s.step_id == "after"], "the run stopped there"
    (finished,) = recorder.named("run_finished")
    assert (finished.status, finished.error_class) == ("failed", "StoreError"), "its end still recorded if it can be"
    started = [s for s in recorder.named("step_started") if s.step_id == "s"]
    assert len(started) == 1, "one attempt: not retried for its record, no further iteration"
