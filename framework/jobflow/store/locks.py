"""The in-process queue of SQLite writers, shared by every repository on one engine.

SQLite has one writer. When several tasks of one process wait for its lock, SQLite's busy handler makes
them sleep in steps of up to 100 ms (and a reader upgrading to a writer fails with ``SQLITE_BUSY``).
Queuing them on an ``asyncio.Lock`` per engine instead hands the lock over at once, which keeps dispatch
latency in milliseconds under load: the scheduler's writes, the timer's job-store flushes and the run
recorder's writes all take :func:`write_lock` before ``BEGIN IMMEDIATE``. Other databases need no such
queue (row locks), so there it is a no-op.
"""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["write_lock"]

_LOCKS: WeakKeyDictionary[Engine, asyncio.Lock] = WeakKeyDictionary()


def write_lock(engine: AsyncEngine) -> AbstractAsyncContextManager[Any]:
    """The in-process lock of SQLite writes on ``engine`` (a no-op context on other databases)."""
    if engine.dialect.name != "sqlite":
        return nullcontext()
    lock = _LOCKS.get(engine.sync_engine)
    if lock is None:
        lock = _LOCKS[engine.sync_engine] = asyncio.Lock()
    return lock
