"""Engine execution: for_each, timeouts, retries with exact delays, policy resolution, cancellation."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from engine_support import Recorder, StepsPlugin, delays, make_engine, make_plugins, run_steps, workflow

from jobflow.clock import FakeClock

PATH = Path("/flows/test.yaml")


run = run_steps

# ------------------------------------------------------------------------------------------ for_each


@pytest.mark.parametrize("bound", [1, 3, 8])
async def test_for_each_respects_concurrency_and_keeps_order(
    steps: StepsPlugin, recorder: Recorder, clock: FakeClock, bound: int
) -> None:
    items = [f"job{n}" for n in range(20)]
    result = await run(
        steps,
        recorder,
        clock,
        [
            {
                "id": "apply",
                "uses": "t.track",
                "for_each": items,
                "as": "job",
                "concurrency": bound,
                "with": {"value": "${{ job }}"},
            }
        ],
    )
    assert result.ok
    assert steps.max_active == bound
    assert result.outputs["apply"]["failed"] == 0
    assert [r["value"] for r in result.outputs["apply"]["results"]] == items
    assert [r["count"] for r in result.outputs["apply"]["results"]] == list(range(20))
    assert sorted(s.iteration for s in result.steps if s.iteration is not None) == list(range(20))


async def test_for_each_from_an_expression_with_default_item(
    steps: StepsPlugin, recorder: Recorder, clock: FakeClock
) -> None:
    result = await run(
        steps,
        recorder,
        clock,
        [
            {"id": "src", "uses": "t.echo", "with": {"value": [{"t": "a"}, {"t": "b"}]}},
            {"id": "each", "uses": "t.echo", "for_each": "${{ steps.src.value }}", "with": {"value": "${{ item.t }}!"}},
            {
                "id": "after",
                "uses": "t.echo",
                "with": {"value": "${{ steps.each.results | map(attribute='value') | list }}"},
            },
        ],
    )
    assert result.outputs["after"]["value"] == ["a!", "b!"]


async def test_for_each_iteration_failure_fails_the_step(
    steps: StepsPlugin, recorder: Recorder, clock: FakeClock
) -> None:
    result = await run(
        steps,
        recorder,
        clock,
        [
            {
                "id": "each",
                "uses": "t.track",
                "for_each": ["ok", "fail", "ok2", "fail"],
                "concurrency": 2,
                "with": {"value": "${{ item }}"},
            },
            {"id": "later", "uses": "t.echo"},
        ],
    )
    assert result.run.status == "failed"
    assert result.outputs["each"]["failed"] == 2
    assert [r and r["value"] for r in result.outputs["each"]["results"]] == ["ok", None, "ok2", None]
    assert result.run.error_message == "step 'each': 2 of 4 iterations failed; first (iteration 1): bad item at 1"
    assert result.run.error_class == "ValueError"
    assert ("later", "skipped") in [(s.step_id, s.status) for s in result.steps]


async def test_for_each_continue_on_error_keeps_results(
    steps: StepsPlugin, recorder: Recorder, clock: FakeClock
) -> None:
    result = await run(
        steps,
        recorder,
        clock,
        [
            {
                "id": "each",
                "uses": "t.track",
                "for_each": ["fail", "b"],
                "with": {"value": "${{ item }}"},
                "continue_on_error": True,
            },
            {"id": "n", "uses": "t.echo", "with": {"value": "${{ steps.each.failed }}"}},
        ],
    )
    assert result.ok
    assert result.outputs["n"]["value"] == 1


async def test_for_each_not_a_list(steps: StepsPlugin, recorder: Recorder, clock: FakeClock) -> None:
    result = await run(steps, recorder, clock, [{"id": "e", "uses": "t.echo", "for_each": "${{ {'a': 1} }}"}])
    assert result.run.error_message == "step 'e': for_each must be a list, got dict"


async def test_each_iteration_retried_on_its_own(steps: StepsPlugin, recorder: Recorder, clock: FakeClock) -> None:
    result = await run(
        steps,
        recorder,
        clock,
        [
            {
                "id": "each",
                "uses": "t.flaky",
                "for_each": ["a", "b", "c"],
                "with": {"key": "${{ item }}", "fail_times": "${{ 1 if item == 'b' else 0 }}"},
                "retry": {"max_attempts": 2, "backoff": ["30s"]},
            }
        ],
    )
    assert result.ok
    assert dict(steps.calls) == {"a": 1, "b": 2, "c": 1}
    assert [(s.iteration, s.attempt, s.status, s.will_retry_in) for s in result.steps] == [
        (0, 1, "succeeded", None),
        (1, 1, "failed", 30.0),
        (1, 2, "succeeded", None),
        (2, 1, "succeeded", None),
    ]
    assert delays(clock) == [30.0]


# ------------------------------------------------------------------------------------------- timeouts


async def test_step_timeout_surfaces_step_timeout(steps: StepsPlugin, recorder: Recorder, clock: FakeClock) -> None:
    result = await run(steps, recorder, clock, [{"id": "slow", "uses": "t.hang", "timeout": "50ms"}])
    assert result.run.status == "timed_out"
    info = result.steps[0]
    assert (info.status, info.error_class, info.error_message) == (
        "timed_out",
        "StepTimeout",
        "step 'slow' timed out after 50ms",
    )
    assert steps.cancelled == 1


async def test_timeout_precedence_step_site_defaults(steps: StepsPlugin, recorder: Recorder, clock: FakeClock) -> None:
    flow = [
        {"id": "by_site", "uses": "t.hang", "site": "demo", "continue_on_error": True},
        {"id": "by_step", "uses": "t.hang", "site": "demo", "timeout": "20ms", "continue_on_error": True},
        {"id": "by_default", "uses": "t.hang", "continue_on_error": True},
    ]
    result = await run(
        steps,
        recorder,
        clock,
        flow,
        sites={"demo": {"timeout": "30ms", "retry": {"max_attempts": 1}}},
        defaults={"timeout": "40ms"},
    )
    messages = [s.error_message for s in result.steps]
    assert messages == [
        "step 'by_site' timed out after 30ms",
        "step 'by_step' timed out after 20ms",
        "step 'by_default' timed out after 40ms",
    ]


async def test_timeout_is_retried_per_policy(steps: StepsPlugin, recorder: Recorder, clock: FakeClock) -> None:
    result = await run(
        steps,
        recorder,
        clock,
        [{"id": "slow", "uses": "t.hang", "timeout": "10ms", "retry": {"max_attempts": 3, "backoff": ["60s", "120s"]}}],
    )
    assert [(s.attempt, s.status, s.will_retry_in) for s in result.steps] == [
        (1, "timed_out", 60.0),
        (2, "timed_out", 120.0),
        (3, "timed_out", None),
    ]
    assert delays(clock) == [60.0, 120.0]


# ---------------------------------------------------------------------------------------------- retry


async def test_retry_list_backoff_exact_delays_and_records(
    steps: StepsPlugin, recorder: Recorder, clock: FakeClock
) -> None:
    result = await run(
        steps,
        recorder,
        clock,
        [{"id": "li", "uses": "t.flaky", "with": {"fail_times": 3}}],
        defaults={"retry": {"max_attempts": 4, "backoff": ["60s", "120s", "300s"], "retry_on": ["network"]}},
    )
    assert result.ok
    assert delays(clock) == [60.0, 120.0, 300.0]
    assert result.outputs["li"]["calls"] == 4
    assert [(s.attempt, s.status, s.error_class) for s in result.steps] == [
        (1, "failed", "NetworkError"),
        (2, "failed", "NetworkError"),
        (3, "failed", "NetworkError"),
        (4, "succeeded", None),
    ]
    assert [s.attempt for s in recorder.named("step_started")] == [1, 2, 3, 4]


async def test_retry_exponential_backoff_and_exhaustion(
    steps: StepsPlugin, recorder: Recorder, clock: FakeClock
) -> None:
    result = await run(
        steps,
        recorder,
        clock,
        [{"id": "li", "uses": "t.flaky", "with": {"fail_times": 10, "error": "network"}}],
        defaults={"retry": {"max_attempts": 5, "backoff": {"initial": "5s", "factor": 3, "max": "60s"}}},
    )
    assert result.run.status == "failed"
    assert delays(clock) == [5.0, 15.0, 45.0, 60.0]
    assert steps.calls["default"] == 5


async def test_never_retry_on_and_non_retryable(steps: StepsPlugin, recorder: Recorder, clock: FakeClock) -> None:
    retry = {"max_attempts": 3, "backoff": ["1s"], "retry_on": ["network", "auth"], "never_retry_on": ["auth"]}
    result = await run(
        steps,
        recorder,
        clock,
        [
            {
                "id": "a",
                "uses": "t.flaky",
                "with": {"key": "a", "error": "auth"},
                "retry": retry,
                "continue_on_error": True,
            },
            {
                "id": "b",
                "uses": "t.flaky",
                "with": {"key": "b", "error": "site_changed"},
                "retry": retry,
                "continue_on_error": True,
            },
        ],
    )
    assert (steps.calls["a"], steps.calls["b"]) == (1, 1)
    assert delays(clock) == []
    assert result.ok


async def test_checkpoint_never_retried(steps: StepsPlugin, recorder: Recorder, clock: FakeClock) -> None:
    result = await run(
        steps,
        recorder,
        clock,
        [
            {
                "id": "a",
                "uses": "t.flaky",
                "with": {"error": "captcha"},
                "retry": {"max_attempts": 5, "retry_on": ["StepError"]},
            }
        ],
    )
    assert steps.calls["default"] == 1
    assert result.steps[0].error_class == "Checkpoint"
    assert result.steps[0].will_retry_in is None


async def test_rate_limited_retry_after_honoured(steps: StepsPlugin, recorder: Recorder, clock: FakeClock) -> None:
    result = await run(
        steps,
        recorder,
        clock,
        [{"id": "a", "uses": "t.flaky", "with": {"error": "rate_limited", "fail_times": 2, "retry_after": 500}}],
        defaults={"retry": {"max_attempts": 3, "backoff": ["60s", "900s"]}},
    )
    assert result.ok
    assert delays(clock) == [500.0, 900.0]


async def test_wrapped_errors_retried_only_when_listed(
    steps: StepsPlugin, recorder: Recorder, clock: FakeClock
) -> None:
    result = await run(
        steps,
        recorder,
        clock,
        [{"id": "x", "uses": "t.boom", "retry": {"max_attempts": 2, "backoff": ["3s"], "retry_on": ["error"]}}],
    )
    assert [(s.attempt, s.error_class) for s in result.steps] == [(1, "KeyError"), (2, "KeyError")]
    assert delays(clock) == [3.0]


async def test_site_policy_and_config_reach_the_step(steps: StepsPlugin, recorder: Recorder, clock: FakeClock) -> None:
    result = await run(steps, recorder, clock, [{"id": "s", "uses": "t.sited"}], sites={"demo": {"rate": "5/min"}})
    assert result.outputs["s"]["value"] == "demo"
    ctx = steps.contexts[0]
    assert ctx.site is not None
    assert ctx.site.base_url == "https://demo.example"
    assert str(ctx.site.rate) == "5/min"  # the workflow's override wins
    assert ctx.site.wait is not None
    assert ctx.site.wait.until == "domcontentloaded"
    assert ctx.extras["wait"] == ctx.site.wait
    failing = await run(
        steps, recorder, clock, [{"id": "f", "uses": "t.flaky", "site": "demo", "with": {"fail_times": 5}}]
    )
    assert [s.will_retry_in for s in failing.steps] == [7.0, None]  # the site plugin's registered policy


# ------------------------------------------------------------------------------------------ cancellation


async def test_cancellation_records_cancelled_and_leaves_no_tasks(
    steps: StepsPlugin, recorder: Recorder, clock: FakeClock
) -> None:
    engine = make_engine(make_plugins(steps, recorder), clock)
    flow = workflow(
        [{"id": "a", "uses": "t.echo"}, {"id": "wait", "uses": "t.hang"}, {"id": "never", "uses": "t.echo"}]
    )
    before = asyncio.all_tasks()
    task = asyncio.create_task(engine.run(flow, path=PATH, inputs={}, secrets={}))
    await steps.started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert steps.cancelled == 1
    finished = recorder.named("run_finished")
    assert len(finished) == 1
    assert finished[0].status == "cancelled"
    assert [(s.step_id, s.status) for s in recorder.named("step_finished")] == [
        ("a", "succeeded"),
        ("wait", "cancelled"),
    ]
    assert asyncio.all_tasks() == before


async def test_cancellation_inside_for_each(steps: StepsPlugin, recorder: Recorder, clock: FakeClock) -> None:
    engine = make_engine(make_plugins(steps, recorder), clock)
    flow = workflow([{"id": "each", "uses": "t.hang", "for_each": [1, 2, 3, 4], "concurrency": 3}])
    before = asyncio.all_tasks()
    task = asyncio.create_task(engine.run(flow, path=PATH, inputs={}, secrets={}))
    await steps.started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    cancelled = [s for s in recorder.named("step_finished") if s.status == "cancelled"]
    assert sorted(s.iteration for s in cancelled) == [0, 1, 2]
    assert recorder.named("run_finished")[0].status == "cancelled"
    assert asyncio.all_tasks() == before
