"""The run's browser pool: created when a run starts, handed to every step, closed when the run ends.

The pool is lazy, so a workflow whose steps never lease a page never starts Chromium. It knows every
site's effective config (the plugin's defaults overridden by the workflow's ``sites:``) for rate and daily
limits; daily limits are counted in the store when there is one, so they hold across runs.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import structlog

from jobflow.plugins import Plugins
from jobflow.spec.models import SiteConfig, Workflow

from .resolve import resolve_site

if TYPE_CHECKING:
    from jobflow.browser.pool import BrowserPool
    from jobflow.clock import Clock
    from jobflow.config import Settings

__all__ = ["close_pool", "open_pool", "run_sites"]

_log = structlog.get_logger("jobflow.engine")


def run_sites(workflow: Workflow, plugins: Plugins) -> dict[str, SiteConfig]:
    """Every site a run may use, with its effective config: registered, configured or named by a step."""
    names = set(plugins.sites) | set(workflow.sites)
    for step in workflow.steps:
        step_type = plugins.steps.get(step.uses)
        name = step.site or (step_type.site if step_type is not None else None)
        if name is not None:
            names.add(name)
    sites: dict[str, SiteConfig] = {}
    for name in sorted(names):
        site = resolve_site(workflow, plugins, name)
        if site is not None:
            sites[name] = site
    return sites


def open_pool(workflow: Workflow, plugins: Plugins, settings: Settings, clock: Clock, store: Any) -> BrowserPool:
    """The run's pool (nothing is launched yet), with the store's daily limits when there is a store."""
    from jobflow.browser.pool import BrowserPool  # imported on a run, not by `jobflow --help`

    daily = store.daily_limits() if store is not None and hasattr(store, "daily_limits") else None
    return BrowserPool(settings, workflow.browser, sites=run_sites(workflow, plugins), clock=clock, daily=daily)


async def close_pool(pool: BrowserPool | None) -> None:
    """Close the run's pool, also when the run is being cancelled; an error here never hides the run's."""
    if pool is None:
        return
    try:
        await asyncio.shield(pool.aclose())
    except Exception as exc:  # closing is best effort: the run's own outcome matters more
        _log.warning("browser_close_failed", error=f"{type(exc).__name__}: {exc}")
