"""The browser automation driver behind one adapter: Playwright's API, served by Playwright or patchright.

patchright is a maintained drop-in build of Playwright whose driver never enables the DevTools
``Runtime`` domain, so pages cannot see the protocol connection (the ``Runtime.enable`` side channel). The
stealth profile picks it when it is installed; everything else runs on Playwright. Both expose the same
Python API, so the rest of jobflow (and every site plugin) is typed against ``playwright.async_api``.

Two differences site code should know:

* errors come from the driver in use: catch :data:`DRIVER_ERRORS` / :data:`TIMEOUT_ERRORS` (or let the
  pool turn them into ``jobflow.errors``), not ``playwright.async_api.Error`` alone;
* under patchright, ``page.evaluate`` runs in an isolated world by default (page globals are not
  visible); pass ``isolated_context=False`` through :func:`evaluate_in_page` when a step must read them.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any, Literal, cast

from playwright.async_api import APIRequestContext, Browser, BrowserContext, Locator, Page, Playwright, Response
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

__all__ = [
    "DRIVER_ERRORS",
    "TIMEOUT_ERRORS",
    "APIRequestContext",
    "Browser",
    "BrowserContext",
    "DriverName",
    "Locator",
    "Page",
    "Playwright",
    "Response",
    "evaluate_in_page",
    "first_line",
    "patchright_available",
    "start_driver",
]

DriverName = Literal["playwright", "patchright"]


def patchright_available() -> bool:
    """Whether the patchright driver is installed."""
    return importlib.util.find_spec("patchright") is not None


def _error_classes() -> tuple[tuple[type[Exception], ...], tuple[type[Exception], ...]]:
    errors: list[type[Exception]] = [PlaywrightError]
    timeouts: list[type[Exception]] = [PlaywrightTimeoutError]
    if patchright_available():
        module = importlib.import_module("patchright.async_api")
        errors.append(module.Error)
        timeouts.append(module.TimeoutError)
    return tuple(errors), tuple(timeouts)


DRIVER_ERRORS, TIMEOUT_ERRORS = _error_classes()
"""Every error class either driver raises (timeouts included), and the timeout classes alone."""


async def start_driver(name: DriverName) -> Playwright:
    """Start the driver process of ``name`` and return its Playwright-API object (stop it with ``.stop()``)."""
    module = importlib.import_module(f"{name}.async_api")
    manager = module.async_playwright()
    return cast(Playwright, await manager.start())


async def evaluate_in_page(page: Page, expression: str, arg: Any = None) -> Any:
    """Evaluate ``expression`` in the page's own JavaScript world (page globals visible) under either driver."""
    if type(page).__module__.startswith("patchright"):
        return await page.evaluate(expression, arg, isolated_context=False)  # type: ignore[call-arg]
    return await page.evaluate(expression, arg)


def first_line(exc: BaseException) -> str:
    """A driver error's first line (Playwright appends a multi-line call log)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
