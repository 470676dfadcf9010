"""What stealth costs: per navigation and per new context, against a plain browser (targets 5 ms, 200 ms).

    python bench/stealth.py [--navigations 60] [--contexts 20]

Two browsers, the one discovery finds, launched by the pool's own launcher, run side by side and take
turns (the cost is the median of paired differences, robust to a noisy machine): "plain" is Playwright
with its defaults (ANTI_DETECTION_ENABLED=false), "stealth" the default profile (patchright, flags and
the per-page client-hint override). A navigation is ``goto`` of a local job page until ``load``; a new
context is ``new_context`` + ``new_page`` with their preparation, as the pool does on a site's first lease.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path

from jobflow.browser.detect.server import LocalServer, Reply
from jobflow.browser.discovery import find_browser
from jobflow.browser.driver import BrowserContext, Page
from jobflow.browser.launcher import LaunchedBrowser, launch
from jobflow.browser.stealth import ChromiumStealth, NoStealth, StealthProfile
from jobflow.browser.timeouts import PoolTimeouts
from jobflow.config import Settings

JOB_PAGE = "<!doctype html><html><head><title>Job</title></head><body>" + "<p>Python developer</p>" * 200


async def _fresh_page(launched: LaunchedBrowser, profile: StealthProfile) -> tuple[BrowserContext, Page]:
    context = await launched.browser.new_context(**profile.context_options())
    await profile.prepare_context(context, launched.identity)
    page = await context.new_page()
    await profile.prepare_page(page, launched.identity)
    return context, page


async def _timed(action: Awaitable[object]) -> float:
    started = time.perf_counter()
    await action
    return (time.perf_counter() - started) * 1000


async def _new_context(launched: LaunchedBrowser, profile: StealthProfile) -> None:
    context, _ = await _fresh_page(launched, profile)
    await context.close()


async def measure(url: str, navigations: int, contexts: int) -> dict[str, list[float]]:
    """Both browsers run side by side and take turns, so machine noise hits both alike."""
    settings = Settings(jobflow_home=Path(tempfile.mkdtemp()), jobflow_browser_ws_endpoint=None)
    profiles: dict[str, StealthProfile] = {"plain": NoStealth(), "stealth": ChromiumStealth()}
    browsers = {
        name: await launch(find_browser(settings), profile, headless=True, timeouts=PoolTimeouts())
        for name, profile in profiles.items()
    }
    times: dict[str, list[float]] = {"plain_nav": [], "stealth_nav": [], "plain_ctx": [], "stealth_ctx": []}
    try:
        for _ in range(contexts + 2):
            for name, profile in profiles.items():
                times[f"{name}_ctx"].append(await _timed(_new_context(browsers[name], profile)))
        pages = {name: await _fresh_page(browsers[name], profile) for name, profile in profiles.items()}
        for _ in range(navigations + 5):
            for name, (_, page) in pages.items():
                times[f"{name}_nav"].append(await _timed(page.goto(url, wait_until="load")))
    finally:
        for launched in browsers.values():
            await launched.close(PoolTimeouts())
    return {key: values[5:] if key.endswith("nav") else values[2:] for key, values in times.items()}  # warm-up


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--navigations", type=int, default=150)
    parser.add_argument("--contexts", type=int, default=30)
    args = parser.parse_args()
    with LocalServer({"/job": lambda _: Reply.html(JOB_PAGE)}) as server:
        times = await measure(server.url("/job"), args.navigations, args.contexts)
    med = {key: statistics.median(values) for key, values in times.items()}
    nav_cost = statistics.median(s - p for p, s in zip(times["plain_nav"], times["stealth_nav"], strict=True))
    ctx_cost = statistics.median(s - p for p, s in zip(times["plain_ctx"], times["stealth_ctx"], strict=True))
    print(f"{'':10}{'navigation (ms)':>18}{'new context + page (ms)':>26}")
    print(f"{'plain':10}{med['plain_nav']:>18.2f}{med['plain_ctx']:>26.2f}")
    print(f"{'stealth':10}{med['stealth_nav']:>18.2f}{med['stealth_ctx']:>26.2f}")
    print(f"{'cost':10}{nav_cost:>18.2f}{ctx_cost:>26.2f}   (median of paired differences)")
    print(
        f"targets: navigation <= 5 ms: {'met' if nav_cost <= 5 else 'MISSED'}; "
        f"new context <= 200 ms: {'met' if ctx_cost <= 200 else 'MISSED'}"
    )


if __name__ == "__main__":
    asyncio.run(main())
