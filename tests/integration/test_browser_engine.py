"""The engine's browser pool: one per run, lazy, closed when the run ends or is cancelled; settings honoured."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from browser_support import alive, descendants, settings_for

from jobflow.browser import BrowserPool
from jobflow.browser.detect.server import LocalServer, Reply
from jobflow.engine import Engine
from jobflow.errors import BrowserCrashed, SiteChanged
from jobflow.hookspecs import hookimpl
from jobflow.plugins import build_plugins
from jobflow.spec.models import BrowserOptions, Workflow
from jobflow.steptype import StepContext, StepOutputs, StepParams, step

pytestmark = pytest.mark.browser

HELD = asyncio.Event()  # set by a lease in `test.hold`; module-level so the step can reach it
HELD_PIDS: list[int | None] = []


class HoldParams(StepParams):
    forever: bool = False


class HoldOutputs(StepOutputs):
    pid: int | None = None
    started_before: bool = False


@step("test.hold", params=HoldParams, outputs=HoldOutputs, site="board")
async def hold_step(ctx: StepContext, params: HoldParams) -> HoldOutputs:
    """Lease a page and report the browser's pid (or hold the lease until cancelled)."""
    pool: BrowserPool = ctx.extras["browser"]
    started_before = pool.started
    async with ctx.page() as page:
        await page.set_content("<p>held</p>")
        if params.forever:
            HELD_PIDS.append(pool.browser_pid)
            HELD.set()
            await asyncio.Event().wait()
    return HoldOutputs(pid=pool.browser_pid, started_before=started_before)


class LateParams(StepParams):
    url: str


@step("test.late", params=LateParams, outputs=HoldOutputs, site="board")
async def late_step(ctx: StepContext, params: LateParams) -> HoldOutputs:
    """Read a page, give it back, then find the page was not what was expected (as a parser does)."""
    async with ctx.page() as page:
        await page.goto(params.url)
        text = await page.text_content("body")
    raise SiteChanged(f"no job list in {text!r}")


class HoldPlugin:
    @hookimpl
    def register_steps(self, register: Any) -> None:
        register(hold_step)
        register(late_step)


def _engine(tmp_path: Path, **settings: object) -> Engine:
    plugins = build_plugins(disable_autoload=True, extra=[("hold", HoldPlugin())])
    return Engine(plugins, settings_for(tmp_path, **settings))


def _workflow(*steps: dict[str, Any]) -> Workflow:
    return Workflow.model_validate({"version": 1, "name": "hold", "steps": list(steps)})


async def test_one_lazy_pool_per_run_closed_at_the_end(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    quiet = await engine.run(_workflow({"uses": "core.noop"}), path=tmp_path / "w.yaml", inputs={}, secrets={})
    assert quiet.ok
    assert not (tmp_path / "sessions").exists()  # no step leased: Chromium never started

    workflow = _workflow({"id": "a", "uses": "test.hold"}, {"id": "b", "uses": "test.hold"})
    result = await engine.run(workflow, path=tmp_path / "w.yaml", inputs={}, secrets={})
    assert result.ok, result.run.error_message
    first, second = result.outputs["a"], result.outputs["b"]
    assert first["started_before"] is False
    assert second["started_before"] is True  # the run's steps share one browser
    assert first["pid"] == second["pid"]
    assert not alive(first["pid"]), "the run's browser outlived the run"


async def test_a_cancelled_run_closes_its_browser(tmp_path: Path) -> None:
    HELD.clear()
    engine = _engine(tmp_path)
    workflow = _workflow({"id": "a", "uses": "test.hold", "with": {"forever": True}})
    task = asyncio.create_task(engine.run(workflow, path=tmp_path / "w.yaml", inputs={}, secrets={}))
    await asyncio.wait_for(HELD.wait(), 60)
    pid = HELD_PIDS[-1]
    assert pid is not None
    tree = descendants(pid)
    assert alive(pid)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not any(alive(p) for p in tree), "a Chromium process outlived the cancelled run"


async def test_site_changed_after_the_lease_is_captured_by_the_engine(tmp_path: Path) -> None:
    page = "<html><body><p>we moved</p></body></html>"
    with LocalServer({"/": lambda _: Reply.html(page)}) as server:
        workflow = _workflow({"id": "parse", "uses": "test.late", "with": {"url": server.url("/")}})
        result = await _engine(tmp_path).run(workflow, path=tmp_path / "w.yaml", inputs={}, secrets={})
    (attempt,) = result.steps
    assert attempt.error_class == "SiteChanged"
    directory = tmp_path / "artifacts" / result.run.id / "parse" / "attempt-1"
    assert attempt.artifacts == [str(directory / n) for n in ("screenshot.png", "page.html", "traceback.txt")]
    assert "we moved" in (directory / "page.html").read_text()


async def test_the_executable_setting_is_honoured(tmp_path: Path) -> None:
    marker = tmp_path / "launched"
    wrapper = tmp_path / "my-chromium"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {marker}\nexec /usr/bin/chromium "$@"\n')
    wrapper.chmod(0o755)
    engine = _engine(tmp_path, jobflow_browser_executable=wrapper)
    result = await engine.run(_workflow({"uses": "test.hold"}), path=tmp_path / "w.yaml", inputs={}, secrets={})
    assert result.ok, result.run.error_message
    assert "--remote-debugging-pipe" in marker.read_text()


@pytest.mark.skipif(bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")), reason="a display exists")
async def test_the_headless_option_reaches_the_launch(tmp_path: Path) -> None:
    # Without a display a headful Chromium cannot start: the option was really passed on.
    async with BrowserPool(settings_for(tmp_path), BrowserOptions(headless=False)) as pool:
        with pytest.raises(BrowserCrashed, match="could not start the browser"):
            async with pool.page("board"):
                pass
