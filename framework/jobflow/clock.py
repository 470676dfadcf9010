"""The one real clock. Retry backoff and schedules wait here; page readiness never does.

Everything that waits on time takes a ``Clock`` so tests inject ``FakeClock`` and never sleep.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Protocol

__all__ = ["Clock", "FakeClock", "SystemClock"]


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (backoff between attempts, never page readiness)."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """Wait out a delay the caller chose (a retry backoff, a heartbeat interval), never a page's
        readiness: pages are waited for by :mod:`jobflow.browser.waits`."""
        await asyncio.sleep(max(0.0, seconds))


class FakeClock:
    """A clock for tests: ``sleep`` advances time at once and records what was asked."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, tzinfo=UTC)
        self._mono = 0.0
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        from datetime import timedelta

        self._mono += seconds
        self._now += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(max(0.0, seconds))
        await asyncio.sleep(0)  # let other tasks run once, as a real sleep would (not a readiness wait)
