"""Wait strategies: when a page counts as ready. The only module allowed to wait on time.

A :class:`~jobflow.spec.models.WaitSpec` names one condition, its timeout and an optional short settle:

* ``load`` / ``domcontentloaded`` / ``networkidle``: the page's load state;
* ``selector``: the first element matching ``selector`` is visible (checked on every animation frame,
  from the moment the document commits), or with ``stable_count: true``, the number of matching
  elements is above zero and has stopped growing (lists filled by late XHR);
* ``settle`` (at most 1 s): a pause after the condition, for sites that render in a last burst.

The plugin sets a site's default; workflow, site and step override it (the most specific wins). Site code
never sleeps: it waits here, or on a locator.
"""

from __future__ import annotations

import time

from jobflow.browser.driver import DRIVER_ERRORS, TIMEOUT_ERRORS, Page, Response, first_line
from jobflow.errors import NetworkError, RateLimited, StepTimeout
from jobflow.spec.durations import parse_duration
from jobflow.spec.models import WaitSpec

__all__ = ["STABLE_QUIET", "goto", "wait_until"]

STABLE_QUIET = 0.5
"""Seconds the matching count must stay unchanged for ``stable_count``."""
_POLL = 0.1
_VISIBLE = """(selector) => {
  const element = document.querySelector(selector);
  if (!element) return false;
  const box = element.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== "hidden";
}"""
_TIMEOUTS: tuple[type[BaseException], ...] = (TimeoutError, *TIMEOUT_ERRORS)


def _describe(spec: WaitSpec) -> str:
    extra = f" {spec.selector!r}" + (" (stable count)" if spec.stable_count else "") if spec.selector else ""
    return f"until {spec.until}{extra}"


async def _stable_count(page: Page, selector: str, deadline: float) -> int:
    """Wait until ``selector`` matches at least one element and the count stops changing."""
    locator = page.locator(selector)
    last, since = -1, time.monotonic()
    while True:
        count = await locator.count()
        now = time.monotonic()
        if count != last:
            last, since = count, now
        elif count > 0 and now - since >= STABLE_QUIET:
            return count
        if now >= deadline:
            raise TimeoutError
        await page.wait_for_timeout(_POLL * 1000)


async def _condition(page: Page, spec: WaitSpec, deadline: float) -> None:
    remaining_ms = max(1.0, (deadline - time.monotonic()) * 1000)
    if spec.until != "selector":
        await page.wait_for_load_state(spec.until, timeout=remaining_ms)
        return
    assert spec.selector is not None  # WaitSpec validates it
    if spec.stable_count:
        await _stable_count(page, spec.selector, deadline)
        return
    try:
        # Checked on every animation frame: the driver's own locator wait backs off to 500 ms between
        # checks, which adds a quarter of a second on average to content that arrives late.
        await page.wait_for_function(_VISIBLE, arg=spec.selector, polling="raf", timeout=remaining_ms)
    except DRIVER_ERRORS as exc:
        if isinstance(exc, TIMEOUT_ERRORS) or "SyntaxError" not in str(exc):
            raise
        # Not plain CSS (a Playwright selector such as ``text=Apply``): the locator understands it.
        remaining_ms = max(1.0, (deadline - time.monotonic()) * 1000)
        await page.locator(spec.selector).first.wait_for(state="visible", timeout=remaining_ms)


async def _settle(page: Page, spec: WaitSpec) -> None:
    if spec.settle is not None and spec.settle.total_seconds() > 0:
        await page.wait_for_timeout(spec.settle.total_seconds() * 1000)  # at most 1 s (WaitSpec checks)


async def wait_until(page: Page, spec: WaitSpec) -> None:
    """Wait for ``spec``'s condition within its timeout, then its settle; ``StepTimeout`` when it never holds."""
    deadline = time.monotonic() + spec.timeout.total_seconds()
    try:
        await _condition(page, spec, deadline)
    except _TIMEOUTS as exc:
        raise StepTimeout(
            f"page {page.url} not ready {_describe(spec)} within {spec.timeout.total_seconds():g}s"
        ) from exc
    await _settle(page, spec)


def _check_status(url: str, response: Response | None) -> None:
    if response is None:
        return
    if response.status in (429, 999):
        retry_after = response.headers.get("retry-after", "")
        delay = parse_duration(int(retry_after)) if retry_after.isdigit() else None
        raise RateLimited(f"{url} answered HTTP {response.status}", retry_after=delay)
    if response.status >= 500:
        raise NetworkError(f"{url} answered HTTP {response.status}")


async def goto(page: Page, url: str, spec: WaitSpec, *, check_status: bool = True) -> Response | None:
    """Navigate to ``url`` and wait per ``spec`` (the timeout covers both).

    Raises ``StepTimeout``; ``NetworkError`` for connection failures (and HTTP 5xx); ``RateLimited`` for HTTP
    429/999 with the server's ``Retry-After``. ``check_status=False`` returns any response as it is.
    """
    deadline = time.monotonic() + spec.timeout.total_seconds()
    # A selector is awaited from the moment the new document commits, while it is still parsing.
    load_state = spec.until if spec.until != "selector" else "commit"
    try:
        response = await page.goto(url, wait_until=load_state, timeout=spec.timeout.total_seconds() * 1000)
        if spec.until == "selector":
            await _condition(page, spec, deadline)
    except _TIMEOUTS as exc:
        raise StepTimeout(f"{url} not ready {_describe(spec)} within {spec.timeout.total_seconds():g}s") from exc
    except DRIVER_ERRORS as exc:
        if "net::" in str(exc) or "NS_ERROR" in str(exc):
            raise NetworkError(f"{url}: {first_line(exc)}") from exc
        raise
    if check_status:
        _check_status(url, response)
    await _settle(page, spec)
    return response
