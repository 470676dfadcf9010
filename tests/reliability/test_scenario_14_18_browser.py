"""Scenarios 14 and 18 with a real browser: workflows run by the in-process scheduler (fake clock, so the
60/120/300 s backoffs pass at once and are recorded) through the real engine, headless Chromium and local
pages on 127.0.0.1.

- 14: a selector that never appears (``SiteChanged``) is retried at 60/120/300 s and every failed attempt
  links its own screenshot, HTML and traceback; a Playwright timeout that the policy does not retry fails
  at once, ``timed_out``, with the same evidence.
- 18: a page that never answers: the step's ``timeout:`` cancels it (the hung page is still captured), its
  context is recycled, the run's single browser slot is free for the retry at once, and another workflow
  falling due meanwhile runs to its end; a browser killed mid-step is replaced and the step retried.

SQLite only (the browser side does not depend on the database). About 20 s in all, most of it Chromium
starting (once per run) and the 2 s step timeout.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from rig import T0, Rig, check_invariant

from jobflow.browser import BrowserPool
from jobflow.browser.detect.server import LocalServer, Reply, Request
from jobflow.config import Settings
from jobflow.spec.models import BrowserOptions
from jobflow.testing.sites import LocalSites

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n"
ONE_BROWSER = {"contexts": 1}


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """SQLite only here (overrides the parametrised fixture of ``conftest.py``)."""
    return f"sqlite+aiosqlite:///{tmp_path / 'home' / 'jobflow.db'}"


class Hanging:
    """``/hang``: the first request is held (the page never loads) until the test ends; later ones answer."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.gate = threading.Event()
        self.count = 0

    def __call__(self, request: Request) -> Reply:
        self.count += 1
        if self.count == 1:
            self.arrived.set()
            self.gate.wait(30)  # a server thread that never answers (bounded, so no thread outlives the test)
        return Reply.html("<html><head><title>late</title></head><body><h1>finally</h1></body></html>")


@pytest.fixture
def hanging() -> Iterator[tuple[LocalServer, Hanging]]:
    route = Hanging()
    ok = Reply.html("<html><head><title>ok</title></head><body>ok</body></html>")
    server = LocalServer({"/hang": route, "/ok": lambda _: ok}).start()
    try:
        yield server, route
    finally:
        route.gate.set()
        server.stop()


def retry_delays(rig: Rig) -> list[float]:
    """The retry backoffs the engine waited (on its fake clock; a rate-limit wait would be under 1 s)."""
    return [s for s in rig.engine_clock.sleeps if s >= 1]


async def occurrence_of(rig: Rig, name: str) -> str:
    occs = await rig.occurrences(f"workflow:{name}:0")
    assert len(occs) == 1, occs
    return occs[0].id


def assert_evidence(rig: Rig, run_id: str, step: str, attempt: int, paths: tuple[str, ...], error: str) -> None:
    """The attempt's record links a real PNG, the HTML and a traceback naming ``error``, in its own folder."""
    folder = rig.flows.parent / "home" / "artifacts" / run_id / step / f"attempt-{attempt}"
    files = {Path(p).name: Path(p) for p in paths}
    assert {"screenshot.png", "page.html", "traceback.txt"} <= set(files), paths
    assert all(p.parent == folder for p in files.values()), (folder, paths)
    assert files["screenshot.png"].read_bytes().startswith(PNG)
    trace = files["traceback.txt"].read_text()
    assert trace.startswith("Traceback (most recent call last)") or "Traceback" in trace
    assert error in trace, trace[-300:]


# ------------------------------------------------------------------------------------------- scenario 14


async def test_a_selector_that_never_appears_is_retried_at_the_policy_delays_with_evidence(
    rig: Rig, local_sites_session: LocalSites
) -> None:
    rig.flow(
        "drift",
        [{"cron": "0 9 * * *"}],
        [{"id": "jobs", "uses": "browser.extract", "with": {
            "url": local_sites_session.indeed.url("/jobs?q=python"), "items": "li.job-card-that-moved",
            "fields": {"title": "h2"},
        }}],
        defaults={"retry": {"max_attempts": 4, "backoff": ["60s", "120s", "300s"], "retry_on": ["site_changed"]}},
        browser=ONE_BROWSER,
    )  # fmt: skip
    await rig.sync()
    await rig.advance(3600)
    await rig.tick()
    (occ,) = await rig.occurrences()
    assert occ.state == "failed", "exhausted after 4 attempts"
    assert retry_delays(rig) == [60.0, 120.0, 300.0]
    detail = await rig.store.runs.get(occ.run_id or "")
    assert detail is not None
    assert (detail.run.status, detail.run.error_class) == ("failed", "SiteChanged")
    assert "no element matches items 'li.job-card-that-moved'" in (detail.run.error_message or "")
    assert [(s.attempt, s.status, s.error_class, s.will_retry_in) for s in detail.steps] == [
        (1, "failed", "SiteChanged", 60.0), (2, "failed", "SiteChanged", 120.0),
        (3, "failed", "SiteChanged", 300.0), (4, "failed", "SiteChanged", None),
    ]  # fmt: skip
    for attempt in detail.steps:
        assert_evidence(rig, detail.run.id, "jobs", attempt.attempt, attempt.artifacts, "SiteChanged: no element")
    await check_invariant(rig.store)


async def test_a_playwright_timeout_the_policy_does_not_retry_fails_at_once(
    rig: Rig, local_sites_session: LocalSites
) -> None:
    rig.flow(
        "slowpage",
        [{"cron": "0 9 * * *"}],
        [{"id": "open", "uses": "browser.open", "with": {
            "url": local_sites_session.indeed.url("/jobs?q=python"),
            "wait": {"until": "selector", "selector": "#never-rendered", "timeout": "400ms"},
        }}],
        defaults={"retry": {"max_attempts": 4, "backoff": ["60s"], "retry_on": ["network"]}},
        browser=ONE_BROWSER,
    )  # fmt: skip
    await rig.sync()
    await rig.advance(3600)
    await rig.tick()
    (occ,) = await rig.occurrences()
    assert occ.state == "failed"
    assert retry_delays(rig) == [], "not retried"
    detail = await rig.store.runs.get(occ.run_id or "")
    assert detail is not None
    assert (detail.run.status, detail.run.error_class) == ("timed_out", "StepTimeout")
    (attempt,) = detail.steps
    assert (attempt.status, attempt.error_class, attempt.will_retry_in) == ("timed_out", "StepTimeout", None)
    assert_evidence(rig, detail.run.id, "open", 1, attempt.artifacts, "TimeoutError")


# ------------------------------------------------------------------------------------------- scenario 18


async def test_a_page_that_never_loads_times_out_frees_its_slot_and_blocks_no_one(
    rig: Rig, hanging: tuple[LocalServer, Hanging]
) -> None:
    server, route = hanging
    rig.flow(
        "stuck",
        [{"at": (T0 + timedelta(seconds=1)).isoformat()}],
        [{"id": "warm", "uses": "browser.open", "with": {"url": server.url("/ok")}},  # Chromium started
         {"id": "open", "uses": "browser.open", "timeout": "2s",
          "with": {"url": server.url("/hang"), "wait": {"until": "load", "timeout": "60s"}}}],
        defaults={"retry": {"max_attempts": 2, "backoff": ["60s"], "retry_on": ["timeout"]}},
        browser=ONE_BROWSER,
    )  # fmt: skip
    rig.flow("other", [{"at": (T0 + timedelta(seconds=3)).isoformat()}])
    await rig.sync()
    await rig.advance(2)
    await rig.scheduler.catch_up()
    started = time.monotonic()
    await rig.scheduler.dispatcher.claim_once()
    stuck = await occurrence_of(rig, "stuck")
    stuck_task = rig.scheduler.dispatcher.tasks[stuck]
    assert await asyncio.to_thread(route.arrived.wait, 30), "the stuck run's page is loading"

    await rig.advance(2)  # the other workflow falls due while the page hangs
    await rig.scheduler.catch_up()
    other = await occurrence_of(rig, "other")
    due_at = time.monotonic()
    claimed = await rig.scheduler.dispatcher.claim_once()
    assert [c.occ.id for c in claimed.claimed] == [other]
    await asyncio.wait_for(rig.scheduler.dispatcher.tasks[other], 30)
    other_took = time.monotonic() - due_at
    assert not stuck_task.done(), "the other run ended while the page hung"
    assert (await rig.db.occurrences.get(other)).state == "succeeded"  # type: ignore[union-attr]
    assert other_took < 5, f"the other workflow took {other_took:.2f}s from claim to outcome"

    await asyncio.wait_for(stuck_task, 60)
    stuck_took = time.monotonic() - started
    occ = await rig.db.occurrences.get(stuck)
    assert occ is not None
    assert occ.state == "succeeded"
    detail = await rig.store.runs.get(occ.run_id or "")
    assert detail is not None
    warm, first, second = detail.steps
    assert (warm.step_id, warm.status) == ("warm", "succeeded")
    assert (first.attempt, first.status, first.error_class) == (1, "timed_out", "StepTimeout")
    assert first.will_retry_in == 60.0
    assert "timed out after 2s" in (first.error_message or "")
    assert_evidence(rig, detail.run.id, "open", 1, first.artifacts, "TimeoutError")  # the hung page, captured
    assert (second.attempt, second.status) == (2, "succeeded"), "the single browser slot was free for the retry"
    assert second.outputs is not None
    assert second.outputs["title"] == "late"
    assert route.count == 2, "the retry's request reached the server"
    assert retry_delays(rig) == [60.0]
    assert stuck_took < 30, f"the stuck run took {stuck_took:.2f}s (2 s timeout, then one retry)"
    await check_invariant(rig.store)


def _gone(pid: int) -> bool:
    """Whether ``pid`` has exited (a zombie not yet reaped counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2 :].split()[0] == "Z"


def _browser_pids() -> list[int]:
    """Chromium main processes started below this test process (the pool's, launched by the driver)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        children.setdefault(int(stat[stat.rindex(")") + 2 :].split()[1]), []).append(int(entry))
    found, todo = [], list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"--remote-debugging-pipe" in cmdline and b"--type=" not in cmdline:
            found.append(pid)
    return found


async def test_a_browser_killed_mid_step_is_replaced_and_the_step_retried(
    rig: Rig, hanging: tuple[LocalServer, Hanging]
) -> None:
    server, route = hanging
    rig.flow(
        "crashy",
        [{"at": (T0 + timedelta(seconds=1)).isoformat()}],
        [{"id": "open", "uses": "browser.open", "timeout": "60s",
          "with": {"url": server.url("/hang"), "wait": {"until": "load", "timeout": "60s"}}}],
        defaults={"retry": {"max_attempts": 2, "backoff": ["60s"], "retry_on": ["browser_crashed", "network"]}},
        browser=ONE_BROWSER,
    )  # fmt: skip
    await rig.sync()
    await rig.advance(2)
    await rig.scheduler.catch_up()
    await rig.scheduler.dispatcher.claim_once()
    (task,) = rig.scheduler.dispatcher.tasks.values()
    assert await asyncio.to_thread(route.arrived.wait, 30), "the step is mid-navigation"
    (pid,) = _browser_pids()
    os.kill(pid, signal.SIGKILL)

    await asyncio.wait_for(task, 60)
    (occ,) = await rig.occurrences()
    assert occ.state == "succeeded"
    detail = await rig.store.runs.get(occ.run_id or "")
    assert detail is not None
    first, second = detail.steps
    assert (first.attempt, first.status, first.error_class) == (1, "failed", "BrowserCrashed"), first
    assert any(Path(p).name == "traceback.txt" for p in first.artifacts)
    assert (second.attempt, second.status) == (2, "succeeded")
    assert _gone(pid), "the killed browser is not left behind"
    assert _browser_pids() == [], "the run's replacement browser was closed with the run"
    await check_invariant(rig.store)


async def test_a_lease_cut_by_a_timeout_recycles_its_context(
    tmp_path: Path, hanging: tuple[LocalServer, Hanging]
) -> None:
    """The pool side of a step timeout: the hung page's context is closed, the slot free, the next lease
    gets a fresh context at once."""
    server, route = hanging
    settings = Settings(jobflow_home=tmp_path / "home")
    async with BrowserPool(settings, BrowserOptions(contexts=1)) as pool:
        async with pool.page("web") as page:
            await page.goto(server.url("/ok"))
            first = page.context

        async def hang() -> None:
            async with asyncio.timeout(1.5), pool.page("web") as page:
                assert page.context is first, "an idle context is reused"
                await page.goto(server.url("/hang"))

        with pytest.raises(TimeoutError):
            await hang()
        assert route.count == 1
        async with asyncio.timeout(10), pool.page("web") as page:
            assert page.context is not first, "the hung page's context was recycled"
            await page.goto(server.url("/hang"))
            assert await page.title() == "late"
