"""How late the daemon's event loop runs its callbacks: a cheap stall detector (RELIABILITY.md #11, #20).

A timer callback is scheduled every :data:`INTERVAL` seconds; the lateness of each (when it ran minus when
it was due) is how long the loop was blocked (a synchronous database call, a long computation). The worst
is kept and logged when the daemon stops (``scheduler stopped``: ``loop_lag_max_ms`` while serving,
``startup_lag_max_ms`` during start-up, where the first compile of every statement and the catch-up run
before the timer fires); each stall longer than :data:`WARN_AT` is logged as ``event loop stalled`` when
the loop gets going again. It only reads ``loop.time()``: no task, no thread, nothing waits on it.
"""

from __future__ import annotations

import asyncio

import structlog

__all__ = ["INTERVAL", "WARN_AT", "LoopLag"]

_log = structlog.get_logger("jobflow.scheduler")
INTERVAL = 0.05
"""Seconds between two measurements."""
WARN_AT = 0.25
"""A stall longer than this many seconds is logged on its own."""


class LoopLag:
    """Measures the running loop's lateness from :meth:`start` to :meth:`stop`."""

    def __init__(self, interval: float = INTERVAL, warn_at: float = WARN_AT) -> None:
        self.interval = interval
        self.warn_at = warn_at
        self.worst = 0.0
        """The longest lateness seen, in seconds."""
        self.stalls = 0
        """How many times the lateness exceeded ``warn_at``."""
        self.startup_worst = 0.0
        """The longest lateness before :meth:`serving` was called."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._due = 0.0

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._schedule()

    def serving(self) -> None:
        """Start-up is over: the worst so far is kept as :attr:`startup_worst`, and measuring starts over."""
        self.startup_worst = max(self.startup_worst, self.worst)
        self.worst = 0.0
        self.stalls = 0

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _schedule(self) -> None:
        assert self._loop is not None
        self._due = self._loop.time() + self.interval
        self._handle = self._loop.call_at(self._due, self._tick)

    def _tick(self) -> None:
        assert self._loop is not None
        late = max(0.0, self._loop.time() - self._due)
        self.worst = max(self.worst, late)
        if late > self.warn_at:
            self.stalls += 1
            _log.warning("event loop stalled", stall_ms=round(late * 1000))
        self._schedule()
