"""``browser.open`` and ``browser.extract`` run by the engine (and by ``jobflow run``) against a local board."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser_support import settings_for
from job_pages import PAGES, PER_PAGE, TITLES, job_board

from jobflow.browser.detect.server import LocalServer
from jobflow.engine import Engine, RunResult
from jobflow.plugins import build_plugins
from jobflow.spec.models import Workflow

pytestmark = pytest.mark.browser

JOBFLOW = Path(sys.executable).with_name("jobflow")


@pytest.fixture(scope="module")
def board() -> Iterator[LocalServer]:
    with job_board() as server:
        yield server


async def _run(tmp_path: Path, document: dict[str, Any]) -> RunResult:
    workflow = Workflow.model_validate({"version": 1, "name": "board", **document})
    engine = Engine(build_plugins(disable_autoload=True), settings_for(tmp_path))
    return await engine.run(workflow, path=tmp_path / "board.yaml", inputs={}, secrets={})


async def test_open_then_extract_follows_next_links(tmp_path: Path, board: LocalServer) -> None:
    result = await _run(
        tmp_path,
        {
            "sites": {"web": {"base_url": board.url("/"), "rate": "600/min"}},
            "steps": [
                {"id": "open", "uses": "browser.open", "with": {"url": "/jobs"}},
                {
                    "id": "jobs",
                    "uses": "browser.extract",
                    "with": {
                        "items": "li.job",
                        "fields": {
                            "title": "h2",
                            "link": {"selector": "a.link", "attribute": "href"},
                            "company": ".co",
                            "desc": {"selector": ".desc", "html": True},
                            "missing": ".nope",
                        },
                        "next": "a[rel=next]",
                    },
                },
                {
                    "id": "first",
                    "uses": "browser.extract",
                    "with": {"url": "/jobs", "items": "h2", "fields": {"t": ""}},
                },
            ],
        },
    )
    assert result.ok, result.run.error_message
    opened = result.outputs["open"]
    assert opened == {"url": board.url("/jobs"), "status": 200, "title": "Jobs page 1"}
    jobs = result.outputs["jobs"]
    assert jobs["pages"] == PAGES
    assert jobs["url"] == board.url(f"/jobs?page={PAGES}")
    assert [r["title"] for r in jobs["records"]] == TITLES
    assert jobs["records"][0] == {
        "title": "Engineer 1",
        "link": board.url("/job/1"),
        "company": "Acme Corp",
        "desc": "<b>Remote</b>",
        "missing": None,
    }
    assert [r["t"] for r in result.outputs["first"]["records"]] == TITLES[:PER_PAGE]  # no `next`: one page


async def test_late_xhr_content_needs_a_selector_wait(tmp_path: Path, board: LocalServer) -> None:
    fields = {"title": "h2"}
    result = await _run(
        tmp_path,
        {
            "steps": [
                {
                    "id": "eager",
                    "uses": "browser.extract",
                    "with": {"url": board.url("/late"), "items": "li.job", "fields": fields, "allow_empty": True},
                },
                {
                    "id": "patient",
                    "uses": "browser.extract",
                    "wait": {"until": "selector", "selector": "li.job", "stable_count": True, "timeout": "10s"},
                    "with": {"url": board.url("/late"), "items": "li.job", "fields": fields, "limit": 2},
                },
            ]
        },
    )
    assert result.ok, result.run.error_message
    assert result.outputs["eager"]["records"] == []  # `load` came before the XHR filled the list
    assert result.outputs["patient"]["records"] == [{"title": "Late A"}, {"title": "Late B"}]


async def test_a_failing_step_leaves_evidence_and_a_trace(tmp_path: Path, board: LocalServer) -> None:
    result = await _run(
        tmp_path,
        {
            "browser": {"trace": True, "contexts": 1},
            "steps": [
                {"id": "nothing", "uses": "browser.extract", "with": {"items": "li.job", "fields": {"t": "h2"}}},
                {
                    "id": "gone",
                    "uses": "browser.extract",
                    "retry": {"max_attempts": 2, "backoff": ["0s"], "retry_on": ["SiteChanged"]},
                    "with": {"url": board.url("/empty"), "items": "li.job", "fields": {"t": "h2"}},
                    "if": "always()",
                },
            ],
        },
    )
    assert not result.ok
    nothing, first, second = result.steps
    assert nothing.error_class == "StepError"
    assert "has no page open" in (nothing.error_message or "")
    assert len(nothing.artifacts) == 4  # any error while a page is held leaves evidence (+ the traceback)
    assert first.error_class == second.error_class == "SiteChanged"
    for attempt in (first, second):
        directory = tmp_path / "artifacts" / result.run.id / "gone" / f"attempt-{attempt.attempt}"
        names = ("screenshot.png", "page.html", "trace.zip", "traceback.txt")
        assert attempt.artifacts == [str(directory / n) for n in names]
        sizes = await asyncio.gather(*(asyncio.to_thread(os.path.getsize, p) for p in attempt.artifacts))
        assert all(size > 0 for size in sizes)


def test_a_browser_workflow_through_the_cli(tmp_path: Path, board: LocalServer) -> None:
    workflow = {
        "version": 1,
        "name": "cli-board",
        "inputs": {"base": {"type": "string"}},
        "steps": [
            {"id": "open", "uses": "browser.open", "with": {"url": "${{ inputs.base }}/jobs?page=3"}},
            {"id": "list", "uses": "browser.extract", "with": {"items": "li.job", "fields": {"title": "h2"}}},
            {
                "id": "gone",
                "uses": "browser.extract",
                "with": {"url": "${{ inputs.base }}/empty", "items": "li", "fields": {"t": ""}},
            },
        ],
    }
    (tmp_path / "board.yaml").write_text(yaml.safe_dump(workflow, sort_keys=False))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOBFLOW_", "DATABASE_URL"))}
    env.update(JOBFLOW_HOME=str(tmp_path / "home"), JOBFLOW_DISABLE_PLUGIN_AUTOLOAD="1", COLUMNS="250")

    def jobflow(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(JOBFLOW), *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=90)

    run = jobflow("run", "board.yaml", "--input", f"base={board.url('').rstrip('/')}")
    assert run.returncode == 1, run.stderr
    assert "SiteChanged: no element matches items 'li'" in run.stderr
    listing = json.loads(jobflow("runs", "--json").stdout)["runs"][0]
    detail = json.loads(jobflow("runs", "show", listing["id"], "--json").stdout)
    steps = {s["step_id"]: s for s in detail["steps"]}
    assert steps["list"]["outputs"]["records"] == [{"title": t} for t in TITLES[-PER_PAGE:]]
    evidence = steps["gone"]["artifacts"]
    home = tmp_path / "home"
    assert evidence == [
        str(home / "artifacts" / listing["id"] / "gone" / "attempt-1" / n)
        for n in ("screenshot.png", "page.html", "traceback.txt")
    ]
    shown = jobflow("runs", "show", listing["id"])
    assert shown.returncode == 0, shown.stderr
    assert "gone attempt 1" in shown.stdout
    assert all(path in shown.stdout for path in evidence)
