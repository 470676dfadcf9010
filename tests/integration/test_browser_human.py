"""Human-like input and per-site politeness, measured in real headless Chromium."""

from __future__ import annotations

import base64
import itertools
import random
import statistics
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from browser_support import settings_for

from jobflow.browser import BrowserPool, PoolLimits
from jobflow.browser.artifacts import capture_failure
from jobflow.browser.detect.server import LocalServer, Reply
from jobflow.browser.driver import evaluate_in_page
from jobflow.browser.human import clear, click, type_text
from jobflow.clock import FakeClock
from jobflow.config import get_settings
from jobflow.errors import ConfigError, DailyLimitReached
from jobflow.spec.models import BrowserOptions, SiteConfig

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

FORM = """<!doctype html><html><body>
<input id=q value="old text"><div style="height: 3000px"></div><button id=go>Apply</button>
<script>
window.keys = []; window.events = [];
document.getElementById('q').addEventListener('keydown', e => keys.push([e.key, performance.now()]));
for (const type of ['mouseover', 'mousemove', 'mousedown', 'click'])
  document.getElementById('go').addEventListener(type, () => events.push([type, window.scrollY]));
</script></body></html>"""


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer({"/form": lambda _: Reply.html(FORM)}) as srv:
        yield srv


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def pool(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BrowserPool]:
    async with BrowserPool(settings_for(tmp_path_factory.mktemp("human")), BrowserOptions(contexts=1)) as shared:
        yield shared


async def test_typing_has_a_human_rhythm(
    pool: BrowserPool, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default pace (``JOBFLOW_TYPING_DELAY`` unset), the one test that types at it."""
    monkeypatch.delenv("JOBFLOW_TYPING_DELAY", raising=False)
    get_settings.cache_clear()
    async with pool.page("forms") as page:
        await page.goto(server.url("/form"))
        field = page.locator("#q")
        await clear(field)
        assert await field.input_value() == ""
        cleared = [key for key, _ in await evaluate_in_page(page, "window.keys.splice(0)")]
        assert cleared[-1] == "Backspace"
        assert "a" in cleared
        await type_text(field, "python developer", rng=random.Random(7))
        assert await field.input_value() == "python developer"
        keys = await evaluate_in_page(page, "window.keys")
    assert "".join(key for key, _ in keys) == "python developer"
    stamps = [stamp for _, stamp in keys]
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert 80 <= statistics.mean(gaps) <= 150, gaps
    assert statistics.pstdev(gaps) > 5, "no jitter between keys"
    assert min(gaps) >= 55


async def test_the_typing_delay_setting_sets_the_pace(
    pool: BrowserPool, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``JOBFLOW_TYPING_DELAY`` (what the LinkedIn plugin tests set) changes the default pace."""
    monkeypatch.setenv("JOBFLOW_TYPING_DELAY", "0.01")
    get_settings.cache_clear()
    try:
        async with pool.page("forms") as page:
            await page.goto(server.url("/form"))
            field = page.locator("#q")
            await clear(field)
            await evaluate_in_page(page, "window.keys.splice(0)")
            await type_text(field, "python developer", rng=random.Random(7))
            assert await field.input_value() == "python developer"
            stamps = [stamp for _, stamp in await evaluate_in_page(page, "window.keys")]
    finally:
        get_settings.cache_clear()
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert len(gaps) == 15
    assert statistics.mean(gaps) < 50, gaps  # 10 ms asked; 100 ms is the default


async def test_click_scrolls_and_hovers_first(pool: BrowserPool, server: LocalServer) -> None:
    async with pool.page("forms") as page:
        await page.goto(server.url("/form"))
        await click(page.locator("#go"))
        events = await evaluate_in_page(page, "window.events")
    names = [name for name, _ in events]
    assert names.index("mouseover") < names.index("mousedown") < names.index("click")
    assert all(scroll > 0 for _, scroll in events), "the button was not scrolled into view first"


async def test_rate_limit_is_shared_by_every_context_of_a_site(tmp_path_factory: pytest.TempPathFactory) -> None:
    clock = FakeClock()
    sites = {"slow": SiteConfig.model_validate({"rate": "2/min", "limits": {"applications_per_day": 2}})}
    limits = PoolLimits(context_pages=1)  # every lease opens a new context
    settings = settings_for(tmp_path_factory.mktemp("rate"))
    async with BrowserPool(settings, BrowserOptions(contexts=2), sites=sites, clock=clock, limits=limits) as pool:
        contexts = []
        for _ in range(3):
            async with pool.page("slow") as page:
                contexts.append(page.context)
        async with pool.page("free") as page:  # a site without a rate never waits
            pass
        assert len(set(map(id, contexts))) == 3
        assert clock.sleeps == [30.0, 30.0]  # one bucket across the three contexts
        assert await pool.throttle("slow") == 30.0

        assert await pool.spend("slow", "applications_per_day") == 1
        assert await pool.spend("slow", "applications_per_day") == 2
        with pytest.raises(DailyLimitReached, match="applications_per_day=2"):
            await pool.spend("slow", "applications_per_day")
        clock.advance(86400)
        assert await pool.spend("slow", "applications_per_day") == 1  # a new day
        with pytest.raises(ConfigError):
            await pool.spend("slow", "messages_per_day")


SECRET_FORM = """<!doctype html><html><body style="margin:0;background:#fff">
<input id=user value="ada" style="position:absolute;left:10px;top:10px;width:200px;height:40px">
<input id=pw type=password style="position:absolute;left:10px;top:80px;width:200px;height:40px">
</body></html>"""
PIXEL = """async ([src, x, y]) => { const img = new Image(); img.src = src; await img.decode();
  const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0); return Array.from(g.getImageData(x, y, 1, 1).data); }"""


async def test_failure_capture_masks_secrets(pool: BrowserPool, tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = tmp_path_factory.mktemp("artifacts") / "run-1" / "apply"
    with LocalServer({"/secret": lambda _: Reply.html(SECRET_FORM)}) as srv:
        async with pool.page("forms") as page:
            await page.goto(srv.url("/secret"))
            await page.fill("#pw", "hunter2")
            saved = await capture_failure(page, directory)
            assert saved.errors == []
            assert saved.screenshot is not None
            assert saved.html is not None
            src = "data:image/png;base64," + base64.b64encode(saved.screenshot.read_bytes()).decode()
            masked = await evaluate_in_page(page, PIXEL, [src, 100, 100])
            plain = await evaluate_in_page(page, PIXEL, [src, 100, 30])
    assert masked[:3] == [255, 0, 255]  # the password field is painted over
    assert plain[:3] != [255, 0, 255]  # the user name field is not
    html = saved.html.read_text()
    assert 'id="pw"' in html
    assert "hunter2" not in html
