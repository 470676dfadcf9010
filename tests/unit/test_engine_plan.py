"""Dry-run plans (effective settings in words) and the in-process executor behind the executor seam."""

from __future__ import annotations

import json
import random
import textwrap
from pathlib import Path

import pytest
from engine_support import Recorder, StepsPlugin, make_plugins, workflow

from jobflow.clock import FakeClock
from jobflow.config import Settings
from jobflow.engine import Engine, build_plan
from jobflow.engine.executor import Executor, InProcessExecutor, RunRequest
from jobflow.errors import WorkflowInvalid
from jobflow.plugins import build_plugins


def sample_plan_workflow() -> dict[str, object]:
    return {
        "description": "demo search",
        "triggers": [
            {"cron": "0 8 * * mon-fri", "timezone": "Europe/Berlin", "jitter": "10m"},
            {"every": "6h"},
            {"at": "2026-12-01T09:00:00+01:00"},
        ],
        "inputs": {"keywords": {"default": "python developer"}, "limit": {"type": "integer", "default": 50}},
        "secrets": {"demo_password": {"env": "DEMO_PASSWORD"}},
        "defaults": {
            "timeout": "5m",
            "retry": {"max_attempts": 3, "backoff": ["60s", "120s", "300s"], "retry_on": ["timeout", "network"]},
            "wait": {"until": "load", "timeout": "20s"},
        },
        "sites": {"demo": {"rate": "5/min"}},
    }


def test_plan_lists_effective_settings() -> None:
    plugins = make_plugins(StepsPlugin(), Recorder())
    flow = workflow(
        [
            {"id": "search", "uses": "t.sited", "timeout": "90s"},
            {
                "id": "apply",
                "uses": "t.echo",
                "for_each": "${{ steps.search.value }}",
                "as": "job",
                "concurrency": 2,
                "if": "steps.search.value",
                "site": "demo",
                "wait": {"until": "selector", "selector": "#apply", "settle": "300ms"},
                "continue_on_error": True,
            },
            {"uses": "core.noop"},
            {"id": "once", "uses": "core.noop", "retry": {"max_attempts": 1}},
        ],
        **sample_plan_workflow(),
    )
    plan = build_plan(flow, plugins, {"limit": 10})
    data = plan.as_dict()
    json.dumps(data)  # JSON-serialisable
    assert data["inputs"] == {"keywords": "python developer", "limit": 10}
    assert data["secrets"] == ["demo_password"]
    assert data["triggers"] == [
        "cron '0 8 * * mon-fri' (Europe/Berlin), jitter 10m",
        "every 6h",
        "at 2026-12-01T09:00:00+01:00",
    ]
    search, apply, noop, once = data["steps"]
    assert search == {
        "id": "search",
        "uses": "t.sited",
        "plugin": "t",
        "name": None,
        "for_each": None,
        "concurrency": None,
        "site": "demo",
        "timeout": "90s",
        "wait": "load, timeout 20s",  # defaults beat the site plugin's registered wait
        "retry": "2 attempts, backoff 7s, retry on retryable errors",  # the site plugin's policy
        "continue_on_error": False,
        "if": None,
        "as": None,
    }
    assert (apply["for_each"], apply["as"], apply["concurrency"], apply["if"]) == (
        "${{ steps.search.value }}",
        "job",
        2,
        "steps.search.value",
    )
    assert apply["wait"] == "selector '#apply', timeout 30s, settle 300ms"
    assert apply["timeout"] == "5m"
    assert (noop["id"], noop["plugin"], noop["site"]) == ("step3", "jobflow.steps.core", None)
    assert noop["retry"] == "3 attempts, backoff 1m, 2m, 5m, retry on timeout, network"  # the workflow's defaults
    assert once["retry"] == "1 attempt (no retry)"
    assert data["sites"] == [
        {"name": "demo", "base_url": "https://demo.example", "rate": "5/min", "wait": "load, timeout 20s"}
    ]

    text = plan.as_text()
    assert text.splitlines()[0] == "workflow test-flow: demo search"
    assert "  demo: https://demo.example, rate 5/min, wait load, timeout 20s" in text
    assert "  1. search: t.sited (plugin t)" in text
    assert "     for each job in ${{ steps.search.value }}, 2 at a time" in text
    assert "     retry: 3 attempts, backoff 1m, 2m, 5m, retry on timeout, network" in text
    assert "  limit = 10" in text
    assert "     continue on error" in text


def test_plan_shows_missing_plugin_and_runs_nothing() -> None:
    steps = StepsPlugin()
    plugins = make_plugins(steps, Recorder())
    plan = build_plan(workflow([{"id": "x", "uses": "nope.thing"}, {"id": "y", "uses": "t.flaky"}]), plugins, {})
    assert "  1. x: nope.thing (not installed)" in plan.as_text()
    assert plan.triggers == []
    assert "triggers: none (run by hand)" in plan.as_text()
    assert dict(steps.calls) == {}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "flow.yaml"
    path.write_text(textwrap.dedent(text).lstrip())
    return path


async def test_in_process_executor_loads_resolves_and_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOW_TOKEN", "tok-0123456789abcdef")
    path = write(
        tmp_path,
        """
        version: 1
        name: exec-flow
        inputs:
          who: {default: ann}
        secrets:
          token: {env: FLOW_TOKEN}
        steps:
          - id: a
            uses: core.set
            with: {values: {greeting: "hi ${{ inputs.who }}", auth: "${{ secrets.token }}"}}
        """,
    )
    plugins = build_plugins(disable_autoload=True)
    clock = FakeClock()
    executor: Executor = InProcessExecutor(lambda: Engine(plugins, Settings(), clock=clock, rng=random.Random(1)))
    request = RunRequest.from_json(
        json.loads(json.dumps(RunRequest(str(path), {"who": "bob"}, "schedule", "rid-1", 2, "occ-9").to_json()))
    )
    result = await executor.submit(request)
    assert result.ok
    assert (result.run.id, result.run.trigger, result.run.attempt, result.run.occurrence_id) == (
        "rid-1",
        "schedule",
        2,
        "occ-9",
    )
    assert result.outputs["a"]["values"] == {"greeting": "hi bob", "auth": "tok-0123456789abcdef"}
    assert result.steps[0].outputs == {"values": {"greeting": "hi bob", "auth": "***"}}


async def test_in_process_executor_refuses_an_invalid_workflow(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nname: bad\nsteps:\n  - uses: core.nothing\n")
    plugins = build_plugins(disable_autoload=True)
    executor = InProcessExecutor(lambda: Engine(plugins, Settings(), clock=FakeClock()))
    with pytest.raises(WorkflowInvalid, match=r"core\.nothing"):
        await executor.submit(RunRequest(str(path)))
