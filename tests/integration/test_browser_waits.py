"""Every wait strategy against pages whose content arrives late, by XHR, in real headless Chromium."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import pytest
import pytest_asyncio
from browser_support import settings_for

from jobflow.browser import BrowserPool, goto, wait_until
from jobflow.browser.detect.server import LocalServer, Reply
from jobflow.errors import NetworkError, RateLimited, StepTimeout
from jobflow.spec.models import BrowserOptions, WaitSpec

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

# Jobs arrive by XHR 400 ms after load, then two more batches 250 ms apart (3 + 3 + 3 items).
LATE_PAGE = """<!doctype html><html><body><ul id=jobs></ul><script>
function add(n) { for (let i = 0; i < n; i++) { const li = document.createElement('li');
  li.className = 'job'; li.textContent = 'job'; document.getElementById('jobs').appendChild(li); } }
window.addEventListener('load', () => setTimeout(() => fetch('/api/jobs').then(r => r.json()).then(d => {
  add(d.count); setTimeout(() => add(d.count), 250); setTimeout(() => add(d.count), 500); }), 400));
</script></body></html>"""
# The XHR starts right after DOMContentLoaded, so networkidle (no request for 500 ms) comes after it.
XHR_PAGE = """<!doctype html><html><body><p id=msg>loading</p><script>
setTimeout(() => fetch('/api/jobs').then(r => r.json()).then(d => {
  document.getElementById('msg').textContent = 'jobs: ' + d.count; }), 100);
</script></body></html>"""


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    routes = {
        "/late": lambda _: Reply.html(LATE_PAGE),
        "/slow": lambda _: Reply.html(LATE_PAGE.replace("250", "4000").replace("500", "8000")),
        "/xhr": lambda _: Reply.html(XHR_PAGE),
        "/api/jobs": lambda _: Reply.json({"count": 3}),
        "/busy": lambda _: Reply(b"slow down", 429, "text/html", {"Retry-After": "120"}),
        "/broken": lambda _: Reply.html("oops", status=503),
    }
    with LocalServer(routes) as srv:
        yield srv


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def pool(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BrowserPool]:
    async with BrowserPool(settings_for(tmp_path_factory.mktemp("waits")), BrowserOptions(contexts=2)) as shared:
        yield shared


def spec(until: str, **extra: object) -> WaitSpec:
    return WaitSpec.model_validate({"until": until, "timeout": "10s", **extra})


async def test_load_and_domcontentloaded_return_before_late_content(pool: BrowserPool, server: LocalServer) -> None:
    async with pool.page("waits") as page:
        for until in ("domcontentloaded", "load"):
            response = await goto(page, server.url("/late"), spec(until))
            assert response is not None
            assert response.status == 200
            assert await page.locator(".job").count() == 0  # the XHR has not answered yet


async def test_networkidle_waits_for_the_xhr(pool: BrowserPool, server: LocalServer) -> None:
    async with pool.page("waits") as page:
        await goto(page, server.url("/xhr"), spec("networkidle"))
        assert await page.text_content("#msg") == "jobs: 3"


async def test_selector_waits_for_the_first_visible_match(pool: BrowserPool, server: LocalServer) -> None:
    async with pool.page("waits") as page:
        await goto(page, server.url("/slow"), spec("selector", selector=".job"))
        assert await page.locator(".job").count() == 3  # ready at the first batch, 4 s before the next


async def test_stable_count_waits_until_the_list_stops_growing(pool: BrowserPool, server: LocalServer) -> None:
    async with pool.page("waits") as page:
        await goto(page, server.url("/late"), spec("selector", selector=".job", stable_count=True))
        assert await page.locator(".job").count() == 9


async def test_wait_until_on_the_current_page_with_settle(pool: BrowserPool, server: LocalServer) -> None:
    async with pool.page("waits") as page:
        await page.goto(server.url("/xhr"), wait_until="commit")
        started = time.monotonic()
        await wait_until(page, spec("selector", selector="text=jobs: 3", settle="300ms"))
        assert time.monotonic() - started >= 0.3
        assert await page.text_content("#msg") == "jobs: 3"


async def test_a_wait_that_never_holds_is_a_step_timeout(pool: BrowserPool, server: LocalServer) -> None:
    async with pool.page("waits") as page:
        with pytest.raises(StepTimeout, match=r"not ready until selector '#never' within 0.5s"):
            await goto(
                page, server.url("/late"), WaitSpec(until="selector", selector="#never", timeout=timedelta(seconds=0.5))
            )
        quick = WaitSpec(until="selector", selector=".job", stable_count=True, timeout=timedelta(seconds=0.3))
        with pytest.raises(StepTimeout, match="stable count"):
            await goto(page, server.url("/late"), quick)


async def test_http_errors_become_typed_step_errors(pool: BrowserPool, server: LocalServer) -> None:
    async with pool.page("waits") as page:
        with pytest.raises(RateLimited) as limited:
            await goto(page, server.url("/busy"), spec("load"))
        assert limited.value.retry_after == timedelta(seconds=120)
        with pytest.raises(NetworkError, match="HTTP 503"):
            await goto(page, server.url("/broken"), spec("load"))
        response = await goto(page, server.url("/broken"), spec("load"), check_status=False)
        assert response is not None
        assert response.status == 503
        with pytest.raises(NetworkError, match="ERR_CONNECTION_REFUSED"):
            await goto(page, f"http://127.0.0.1:{_closed_port()}/", spec("load"))


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
