"""Daily limits counted in the database: atomic under concurrency, per local day, and held across runs.

Runs on SQLite always and on PostgreSQL with ``JOBFLOW_TEST_POSTGRES_URL`` (the ``store`` fixture). No
browser starts: spending a limit needs none, and the pool launches lazily.
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from browser_support import settings_for
from store_support import Database

from jobflow.browser import BrowserPool
from jobflow.clock import FakeClock
from jobflow.engine import Engine
from jobflow.errors import ConfigError, DailyLimitReached
from jobflow.hookspecs import hookimpl
from jobflow.plugins import build_plugins
from jobflow.spec.models import BrowserOptions, SiteConfig, Workflow
from jobflow.steptype import StepContext, StepOutputs, StepParams, step
from jobflow.store import Store

DAY = date(2026, 3, 14)


async def test_spending_counts_up_to_the_limit(store: Store) -> None:
    limits = store.daily_limits()
    assert await limits.used("board", "applications_per_day", DAY) == 0
    assert [await limits.spend("board", "applications_per_day", DAY, 3) for _ in range(3)] == [1, 2, 3]
    with pytest.raises(DailyLimitReached, match=r"board: daily limit applications_per_day=3 reached for 2026-03-14"):
        await limits.spend("board", "applications_per_day", DAY, 3)
    assert await limits.used("board", "applications_per_day", DAY) == 3
    assert await limits.spend("board", "applications_per_day", date(2026, 3, 15), 3) == 1  # a new day
    assert await limits.spend("other", "applications_per_day", DAY, 3) == 1  # another site
    assert await limits.spend("board", "messages_per_day", DAY, 3) == 1  # another limit
    assert await limits.spend("board", "applications_per_day", DAY, 5) == 4  # a raised limit counts on
    with pytest.raises(DailyLimitReached):
        await limits.spend("board", "zero", DAY, 0)


async def test_concurrent_spending_from_two_stores_never_overshoots(database: Database, store: Store) -> None:
    second = await database.open(clock=FakeClock())
    try:
        repositories = [store.daily_limits(), second.daily_limits()]

        async def spend(n: int) -> int | None:
            try:
                return await repositories[n % 2].spend("board", "applications_per_day", DAY, 5)
            except DailyLimitReached:
                return None

        counts = await asyncio.gather(*(spend(n) for n in range(16)))
    finally:
        await second.close()
    assert sorted(c for c in counts if c is not None) == [1, 2, 3, 4, 5]
    assert counts.count(None) == 11
    assert await store.daily_limits().used("board", "applications_per_day", DAY) == 5


async def test_the_pool_counts_in_the_store_across_pools(tmp_path: Path, store: Store) -> None:
    clock = FakeClock()  # 2026-01-01T00:00Z: the local date of that instant is the day counted
    sites = {"board": SiteConfig(limits={"applications_per_day": 2})}

    def pool() -> BrowserPool:
        return BrowserPool(
            settings_for(tmp_path), BrowserOptions(), sites=sites, clock=clock, daily=store.daily_limits()
        )

    async with pool() as first:
        assert await first.spend("board", "applications_per_day") == 1
        with pytest.raises(ConfigError, match="site 'board' has no daily limit 'messages'"):
            await first.spend("board", "messages")
    async with pool() as second:
        assert await second.spend("board", "applications_per_day") == 2
        with pytest.raises(DailyLimitReached):
            await second.spend("board", "applications_per_day")
        assert not second.started  # counting needs no browser
    today = clock.now().astimezone().date()
    assert await store.daily_limits().used("board", "applications_per_day", today) == 2


class ApplyParams(StepParams):
    pass


class ApplyOutputs(StepOutputs):
    count: int


@step("test.apply", params=ApplyParams, outputs=ApplyOutputs, site="board")
async def apply_step(ctx: StepContext, params: ApplyParams) -> ApplyOutputs:
    """Spend one application of the day, as a site plugin's apply step does."""
    return ApplyOutputs(count=await ctx.extras["browser"].spend(ctx.site_name, "applications_per_day"))


class ApplyPlugin:
    @hookimpl
    def register_steps(self, register: Any) -> None:
        register(apply_step)


async def test_a_workflows_limit_holds_across_runs(tmp_path: Path, store: Store) -> None:
    workflow = Workflow.model_validate(
        {
            "version": 1,
            "name": "apply",
            "sites": {"board": {"limits": {"applications_per_day": 3}}},
            "steps": [{"id": "a", "uses": "test.apply"}, {"id": "b", "uses": "test.apply"}],
        }
    )
    plugins = build_plugins(disable_autoload=True, extra=[("apply", ApplyPlugin())])
    engine = Engine(plugins, settings_for(tmp_path), clock=FakeClock(), store=store)
    first = await engine.run(workflow, path=tmp_path / "apply.yaml", inputs={}, secrets={})
    assert first.ok
    assert [first.outputs["a"]["count"], first.outputs["b"]["count"]] == [1, 2]
    second = await engine.run(workflow, path=tmp_path / "apply.yaml", inputs={}, secrets={})
    assert second.outputs["a"] == {"count": 3}
    assert not second.ok
    assert second.run.error_class == "DailyLimitReached"
