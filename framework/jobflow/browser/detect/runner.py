"""Serve the detection page on 127.0.0.1, open it in a pool's page, and collect its checks.

The page (``page.html`` + ``detect.js``, with ``worker.js`` as dedicated and service worker) runs every
check in the browser and POSTs ``[{name, passed, detail}]`` to ``/results``; ``/echo`` answers each
request's headers so the page can compare what it says with what it sends.
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from jobflow.browser.detect.server import LocalServer, Reply, Request
from jobflow.errors import StepTimeout

if TYPE_CHECKING:
    from jobflow.browser.pool import BrowserPool
    from jobflow.config import Settings
    from jobflow.spec.models import BrowserOptions

__all__ = ["GPU_DEPENDENT", "CheckResult", "DetectionServer", "detection_server", "run_stealth_check"]

GPU_DEPENDENT = frozenset({"webgl_renderer"})
"""Checks that fail on GPU-less hosts whatever the stealth layer does (WebGL is never faked)."""
_GPU_NOTE = "software renderer: expected on a host without a GPU (WebGL is never faked)"


@dataclass(frozen=True)
class CheckResult:
    """One check of the detection page."""

    name: str
    passed: bool
    detail: str
    gpu_dependent: bool = False

    @property
    def note(self) -> str:
        return _GPU_NOTE if self.gpu_dependent and not self.passed else ""


class DetectionServer(LocalServer):
    """The detection page's server; :meth:`results` waits for the page's POST."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._results: list[dict[str, Any]] = []
        assets = files("jobflow.browser.detect")
        page, script, worker = (assets.joinpath(n).read_text("utf-8") for n in ("page.html", "detect.js", "worker.js"))
        super().__init__(
            {
                "/": lambda _: Reply.html(page),
                "/detect.js": lambda _: Reply.js(script),
                "/worker.js": lambda _: Reply.js(worker),
                "/echo": lambda request: Reply.json(request.headers),
                "/results": self._receive,
            }
        )

    def _receive(self, request: Request) -> Reply:
        self._results = json.loads(request.body)
        self._done.set()
        return Reply.json({"ok": True})

    def reset(self) -> None:
        self._done.clear()
        self._results = []

    async def results(self, within: float = 30.0) -> list[CheckResult]:
        """The checks the page posted (waits up to ``within`` seconds)."""
        if not await asyncio.to_thread(self._done.wait, within):
            raise StepTimeout(f"the detection page posted no results within {within:g}s")
        return [
            CheckResult(str(r["name"]), bool(r["passed"]), str(r["detail"]), r["name"] in GPU_DEPENDENT)
            for r in self._results
        ]


def detection_server() -> DetectionServer:
    """A detection server, not yet started (use it as a context manager)."""
    return DetectionServer()


async def check_pool(pool: BrowserPool, server: DetectionServer, site: str = "stealth-check") -> list[CheckResult]:
    """Open the detection page in a page leased from ``pool`` and return its checks."""
    server.reset()
    async with pool.page(site) as page:
        await page.goto(server.url("/"), wait_until="load")
        return await server.results()


async def run_stealth_check(settings: Settings, options: BrowserOptions | None = None) -> list[CheckResult]:
    """Run a fresh pool (stealth per ``settings``) against the local detection page; one result per check."""
    from jobflow.browser.pool import BrowserPool
    from jobflow.spec.models import BrowserOptions

    with detection_server() as server:
        async with BrowserPool(settings, options or BrowserOptions(contexts=1)) as pool:
            results = await check_pool(pool, server)
        pool.sessions.delete("stealth-check")
        return results
