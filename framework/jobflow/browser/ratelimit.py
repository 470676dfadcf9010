"""Politeness per site: a token bucket shared by every context of a site, and daily limits.

``rate: 20/min`` becomes a :class:`TokenBucket` of 20 tokens a minute; every lease of a page for that site
(and every :meth:`BrowserPool.throttle` call a step makes between navigations) takes one token, waiting on
the injected clock when none is left. ``limits: {applications_per_day: 25}`` is counted by a
:class:`DailyLimit` backend: :class:`InMemoryDailyLimit` here, a database table in the store, so the
count holds across runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import date
from typing import Protocol

from jobflow.clock import Clock
from jobflow.errors import DailyLimitReached
from jobflow.spec.durations import Rate

__all__ = ["DailyLimit", "InMemoryDailyLimit", "RateLimiter", "TokenBucket"]


class TokenBucket:
    """``rate.count`` tokens per ``rate.per`` seconds, holding at most ``burst`` (default 1: even spacing)."""

    def __init__(self, rate: Rate, clock: Clock, *, burst: float = 1.0) -> None:
        self.rate = rate
        self.burst = max(1.0, burst)
        self._clock = clock
        self._tokens = self.burst
        self._stamp = clock.monotonic()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._clock.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate.per_second)
        self._stamp = now

    async def acquire(self) -> float:
        """Take one token, waiting (on the clock) until there is one; returns the seconds waited."""
        async with self._lock:  # first come, first served across every context of the site
            self._refill()
            waited = 0.0
            if self._tokens < 1.0:
                waited = (1.0 - self._tokens) / self.rate.per_second
                await self._clock.sleep(waited)
                self._refill()
            self._tokens = max(0.0, self._tokens - 1.0)
            return waited


class RateLimiter:
    """One bucket per site, created from each site's ``rate`` on first use; sites without a rate run free."""

    def __init__(self, rates: Mapping[str, Rate | None], clock: Clock) -> None:
        self._rates = dict(rates)
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}

    def bucket(self, site: str) -> TokenBucket | None:
        """The site's shared bucket, or ``None`` when it has no rate."""
        rate = self._rates.get(site)
        if rate is None:
            return None
        if site not in self._buckets:
            self._buckets[site] = TokenBucket(rate, self._clock)
        return self._buckets[site]

    async def acquire(self, site: str) -> float:
        """Take a token for ``site``; returns the seconds waited (0 for a site without a rate)."""
        bucket = self.bucket(site)
        return await bucket.acquire() if bucket else 0.0


class DailyLimit(Protocol):
    """A counter of uses per site, limit name and day; the store implements it with a database table."""

    async def used(self, site: str, name: str, day: date) -> int:
        """How many uses of ``name`` were counted for ``site`` on ``day``."""

    async def spend(self, site: str, name: str, day: date, limit: int) -> int:
        """Count one use if fewer than ``limit`` were counted (atomically); return the new count.

        Raises ``DailyLimitReached`` when ``limit`` uses were already counted that day.
        """


class InMemoryDailyLimit:
    """A :class:`DailyLimit` for one process: counts vanish when it ends."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str, date], int] = {}

    async def used(self, site: str, name: str, day: date) -> int:
        return self._counts.get((site, name, day), 0)

    async def spend(self, site: str, name: str, day: date, limit: int) -> int:
        key = (site, name, day)
        count = self._counts.get(key, 0)
        if count >= limit:
            raise DailyLimitReached(f"{site}: daily limit {name}={limit} reached for {day.isoformat()}")
        self._counts[key] = count + 1
        return count + 1
