"""The browser pool against real headless Chromium: leasing, recycling, sessions, crashes, shutdown."""

from __future__ import annotations

import asyncio
import os
import signal
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import alive, descendants, settings_for, wait_for_exit

from jobflow.browser import BrowserPool, PoolLimits
from jobflow.browser.detect.server import LocalServer, Reply, Request
from jobflow.clock import SystemClock
from jobflow.errors import BrowserCrashed, PluginError
from jobflow.spec.models import BrowserOptions
from jobflow.steptype import StepContext

pytestmark = pytest.mark.browser


def _session_page(_: Request) -> Reply:
    return Reply(
        b"<html><body><p id=ok>session</p><script>localStorage.setItem('who', 'me')</script></body></html>",
        headers={"Set-Cookie": "sid=abc123; Path=/; Max-Age=3600"},
        content_type="text/html",
    )


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    routes = {
        "/": lambda _: Reply.html("<html><body><h1 id=title>hello</h1></body></html>"),
        "/login": _session_page,
        "/whoami": lambda req: Reply.json({"cookie": req.headers.get("cookie", "")}),
    }
    with LocalServer(routes) as srv:
        yield srv


async def test_pool_is_lazy_and_closes_every_process(tmp_path: Path, server: LocalServer) -> None:
    async with BrowserPool(settings_for(tmp_path), BrowserOptions(contexts=2)) as pool:
        assert not pool.started
        assert pool.browser_pid is None
        async with pool.page("site") as page:
            await page.goto(server.url("/"))
            assert await page.text_content("#title") == "hello"
        pid = pool.browser_pid
        assert pid is not None
        assert alive(pid)
        tree = descendants(pid)
        assert len(tree) >= 2  # the browser and its helpers (GPU, network, renderer)
    assert not any(alive(p) for p in tree), "a Chromium process outlived the pool"


async def test_pages_and_contexts_are_recycled(tmp_path: Path, server: LocalServer) -> None:
    limits = PoolLimits(page_uses=2, context_pages=2)
    async with BrowserPool(settings_for(tmp_path), BrowserOptions(contexts=1), limits=limits) as pool:
        pages: list[Any] = []
        contexts: list[Any] = []
        for _ in range(5):
            async with pool.page("site") as page:
                pages.append(page)
                contexts.append(page.context)
        assert pages[0] is pages[1]  # reused while under page_uses
        assert pages[2] is not pages[1]  # a fresh page after two leases
        assert contexts[2] is contexts[0]  # the context's second page
        assert contexts[4] is not contexts[0]  # retired after opening two pages
        assert pages[0].is_closed()


async def test_leases_are_bounded_and_idle_contexts_evicted(tmp_path: Path, server: LocalServer) -> None:
    async with BrowserPool(settings_for(tmp_path), BrowserOptions(contexts=2)) as pool:
        running = peak = 0
        both = asyncio.Event()

        async def work(site: str) -> None:
            nonlocal running, peak
            async with pool.page(site) as page:
                running += 1
                peak = max(peak, running)
                if running == 2:
                    both.set()
                await asyncio.wait_for(both.wait(), 20)  # hold the lease until two run at once
                await page.goto(server.url("/"))
                running -= 1

        await asyncio.gather(*(work(site) for site in ("a", "b", "c", "a", "b", "c")))
        assert peak == 2
        assert len(pool._contexts) <= 2
    assert sorted(p.name for p in pool.sessions.directory.glob("*.json")) == ["a.json", "b.json", "c.json"]


async def test_session_survives_across_pools(tmp_path: Path, server: LocalServer) -> None:
    settings = settings_for(tmp_path)
    async with BrowserPool(settings, BrowserOptions(contexts=1)) as pool, pool.page("board") as page:
        await page.goto(server.url("/login"))
    path = settings.home / "sessions" / "board.json"
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    async with BrowserPool(settings, BrowserOptions(contexts=1)) as pool:
        async with pool.page("board") as page:
            await page.goto(server.url("/whoami"))
            assert "sid=abc123" in (await page.text_content("body") or "")
            await page.goto(server.url("/"))
            assert await page.evaluate("localStorage.getItem('who')") == "me"
        async with pool.page("other") as page:  # another site identity shares nothing
            await page.goto(server.url("/whoami"))
            assert "sid=" not in (await page.text_content("body") or "")


async def test_a_killed_browser_is_replaced(tmp_path: Path, server: LocalServer) -> None:
    async with BrowserPool(settings_for(tmp_path), BrowserOptions(contexts=1)) as pool:
        async with pool.page("site") as page:
            await page.goto(server.url("/"))
        first = pool.browser_pid
        assert first is not None

        async def kill_during_lease() -> None:
            async with pool.page("site") as page:
                os.kill(first, signal.SIGKILL)
                await wait_for_exit(first)
                await page.goto(server.url("/"))

        with pytest.raises(BrowserCrashed) as caught:
            await kill_during_lease()
        assert caught.value.retryable

        async with pool.page("site") as page:  # the next lease gets a new browser
            await page.goto(server.url("/"))
            assert await page.text_content("#title") == "hello"
        second = pool.browser_pid
        assert second is not None
        assert second != first

        os.kill(second, signal.SIGKILL)  # died between leases: replaced without an error
        await wait_for_exit(second)
        async with pool.page("site") as page:
            await page.goto(server.url("/"))
        assert pool.browser_pid not in (first, second)


def _renderers(browser_pid: int) -> list[int]:
    found = []
    for pid in descendants(browser_pid):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"--type=renderer" in cmdline:
            found.append(pid)
    return found


async def test_a_crashed_renderer_replaces_the_context(tmp_path: Path, server: LocalServer) -> None:
    async with BrowserPool(settings_for(tmp_path), BrowserOptions(contexts=1)) as pool:
        crashed: list[Any] = []

        async def crash_renderer() -> None:
            async with pool.page("site") as page:
                await page.goto(server.url("/"))
                crashed.append(page.context)
                assert pool.browser_pid is not None
                for pid in _renderers(pool.browser_pid):
                    os.kill(pid, signal.SIGKILL)
                await page.evaluate("document.title")

        with pytest.raises(BrowserCrashed):
            await crash_renderer()
        browser_pid = pool.browser_pid
        async with pool.page("site") as page:
            await page.goto(server.url("/"))
            assert await page.text_content("#title") == "hello"
            assert page.context is not crashed[0]
        assert pool.browser_pid == browser_pid  # the browser itself lived on


async def test_step_context_leases_from_the_pool(tmp_path: Path, server: LocalServer) -> None:
    settings = settings_for(tmp_path)
    ctx = StepContext(
        run_id="r1",
        step_id="open",
        uses="browser.open",
        attempt=1,
        log=None,
        secrets={},
        workflow_dir=tmp_path,
        settings=settings,
        clock=SystemClock(),
        site_name="site",
    )
    with pytest.raises(PluginError, match="step 'open' needs the browser, but no browser pool is available"):
        ctx.page()
    async with BrowserPool(settings, BrowserOptions(contexts=1)) as pool:
        ctx.extras["browser"] = pool
        async with ctx.page() as page:
            await page.goto(server.url("/"))
            assert await page.text_content("#title") == "hello"
