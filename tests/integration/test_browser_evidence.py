"""Failure evidence and the HTTP client lease, on real headless Chromium.

A failure inside a lease leaves a screenshot (secret inputs painted over), the HTML and, with
``browser.trace``, a Playwright trace in ``JOBFLOW_HOME/artifacts/<run>/<step>/attempt-<n>/``; a
``SiteChanged`` raised after the page went back is captured from that page. ``ctx.request()`` shares the
page's cookies, user agent and rate limiter.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import settings_for
from job_pages import job_board
from png_pixels import pixel, read_png

from jobflow.browser import BrowserPool
from jobflow.browser.detect.server import LocalServer
from jobflow.browser.driver import TIMEOUT_ERRORS
from jobflow.browser.human import type_text
from jobflow.clock import FakeClock, SystemClock
from jobflow.config import Settings
from jobflow.errors import SiteChanged
from jobflow.spec.models import BrowserOptions, SiteConfig
from jobflow.steptype import StepContext

pytestmark = pytest.mark.browser

SECRET = "hunter2-Zq81"
MAGENTA = (255, 0, 255)


@pytest.fixture(scope="module")
def board() -> Iterator[LocalServer]:
    with job_board() as server:
        yield server


def _context(
    settings: Settings, pool: BrowserPool, *, step: str = "login", iteration: int | None = None
) -> StepContext:
    ctx = StepContext(
        run_id="run1",
        step_id=step,
        uses="test.login",
        attempt=2,
        log=None,
        secrets={},
        workflow_dir=settings.home,
        settings=settings,
        clock=SystemClock(),
        iteration=iteration,
        site_name="board",
    )
    ctx.extras["browser"] = pool
    return ctx


async def test_a_failure_in_a_lease_saves_a_masked_screenshot_and_the_html(tmp_path: Path, board: LocalServer) -> None:
    settings = settings_for(tmp_path)
    async with BrowserPool(settings, BrowserOptions(contexts=1)) as pool:
        ctx = _context(settings, pool, iteration=3)

        async def sign_in() -> None:
            async with ctx.page() as page:
                await page.goto(board.url("/login"))
                await type_text(page.locator("#user"), "someone", mean=0.001)
                await type_text(page.locator("#password"), SECRET, mean=0.001)
                assert await page.input_value("#password") == SECRET
                raise SiteChanged("the sign-in button is gone")

        with pytest.raises(SiteChanged):
            await sign_in()

    directory = tmp_path / "artifacts" / "run1" / "login-3" / "attempt-2"
    assert ctx.artifacts == [str(directory / "screenshot.png"), str(directory / "page.html")]
    image = read_png(directory / "screenshot.png")
    # The password box (10,80)-(210,120) is painted over entirely; the user name box is not.
    for x, y in ((12, 82), (110, 100), (208, 118)):
        assert pixel(image, x, y) == MAGENTA, (x, y)
    assert pixel(image, 110, 30) != MAGENTA
    html = (directory / "page.html").read_text()
    assert 'id="password"' in html
    assert SECRET not in html


async def test_a_trace_is_saved_when_tracing_is_on(tmp_path: Path, board: LocalServer) -> None:
    settings = settings_for(tmp_path)
    async with BrowserPool(settings, BrowserOptions(contexts=1, trace=True)) as pool:
        ok = _context(settings, pool, step="fine")
        async with ok.page() as page:
            await page.goto(board.url("/jobs"))
        failing = _context(settings, pool, step="broken")

        async def wait_in_vain() -> None:
            async with failing.page() as page:
                await page.goto(board.url("/empty"))
                await page.locator("li.job").wait_for(timeout=200)

        with pytest.raises(TIMEOUT_ERRORS):
            await wait_in_vain()
    assert ok.artifacts == []
    trace = Path(failing.artifacts[-1])
    assert trace.name == "trace.zip"
    with zipfile.ZipFile(trace) as archive:
        events = [json.loads(line) for line in archive.read("trace.trace").splitlines()]
    gotos = [e["params"]["url"] for e in events if e.get("type") == "before" and e.get("method") == "goto"]
    assert gotos == [board.url("/empty")]  # the earlier, successful lease's part of the trace was dropped


async def test_site_changed_after_the_lease_is_captured_from_the_released_page(
    tmp_path: Path, board: LocalServer
) -> None:
    settings = settings_for(tmp_path)
    async with BrowserPool(settings, BrowserOptions(contexts=1)) as pool:
        ctx = _context(settings, pool)
        async with ctx.page() as page:
            await page.goto(board.url("/empty"))
        assert ctx.last_page is page
        saved = await pool.capture(page, ctx)
    assert [p.name for p in saved] == ["screenshot.png", "page.html"]
    assert "gone" in saved[1].read_text()


async def test_the_request_client_shares_cookies_identity_and_rate(tmp_path: Path, board: LocalServer) -> None:
    settings = settings_for(tmp_path)
    clock = FakeClock()
    sites = {"board": SiteConfig.model_validate({"rate": "60/min"})}
    async with BrowserPool(settings, BrowserOptions(contexts=1), sites=sites, clock=clock) as pool:
        ctx = _context(settings, pool)
        async with ctx.page() as page:
            await page.goto(board.url("/cookie"))
            user_agent = await page.evaluate("navigator.userAgent")
        async with ctx.request() as http:
            response = await http.get(board.url("/echo"))
            headers = await response.json()
            await pool.throttle("board")
            assert (await http.get(board.url("/echo"))).ok
    assert headers["cookie"] == "sid=s1"
    assert headers["user-agent"] == user_agent
    assert "HeadlessChrome" not in headers["user-agent"]
    assert clock.sleeps == [pytest.approx(1.0), pytest.approx(1.0)]  # the lease's token, then throttle's
